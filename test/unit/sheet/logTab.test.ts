import { LOG_HEADER, logRow } from '../../../src/sheet/logTab';
import type { SyncSummary } from '../../../src/sync/summary';

const summary: SyncSummary = {
  startedAt: '2025-03-01T06:00:00.000Z',
  trigger: 'daily',
  outcome: 'completed',
  message: '-3 rows? Synced 10 rows',
  rowsSeen: 10,
  emailsUpdated: 2,
  optedOut: 1,
  unchanged: 6,
  errors: 1,
  errorRows: [7],
  keapRequests: 5,
  durationMs: 12_345,
};

describe('a log row', () => {
  it('has one cell per header, with the start as a date and the duration in seconds', () => {
    const row = logRow(summary);
    expect(row).toHaveLength(LOG_HEADER.length);
    expect(row[0]).toEqual(new Date('2025-03-01T06:00:00.000Z'));
    expect(row.slice(1, 10)).toEqual(['daily', 10, 2, 1, 6, 1, 5, 12.3, 'completed']);
  });

  it('keeps the message from being read as a formula', () => {
    expect(logRow(summary)[10]).toBe("'-3 rows? Synced 10 rows");
  });
});
