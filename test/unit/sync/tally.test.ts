import { completedMessage } from '../../../src/sync/statusText';
import { addExecution, emptyTally, MAX_ERROR_ROWS } from '../../../src/sync/tally';

describe('counting a run across executions', () => {
  it('adds counts, keeps the latest rows seen and the first error rows', () => {
    const first = {
      ...emptyTally(),
      rowsSeen: 100,
      emailsUpdated: 3,
      errors: 2,
      errorRows: [40, 7],
      keapRequests: 4,
      durationMs: 1000,
    };
    const second = {
      ...emptyTally(),
      rowsSeen: 101,
      optedOut: 2,
      errors: 1,
      errorRows: [3],
      keapRequests: 2,
      durationMs: 500,
    };
    const run = addExecution(addExecution(emptyTally(), first), second);
    expect(run).toMatchObject({
      rowsSeen: 101,
      emailsUpdated: 3,
      optedOut: 2,
      errors: 3,
      errorRows: [3, 7, 40],
      keapRequests: 6,
      durationMs: 1500,
    });
  });

  it('keeps at most a few error rows', () => {
    const many = { ...emptyTally(), errorRows: Array.from({ length: 50 }, (_, i) => i + 2) };
    expect(addExecution(emptyTally(), many).errorRows).toHaveLength(MAX_ERROR_ROWS);
  });

  it('says what happened in one sentence', () => {
    const message = completedMessage({
      ...emptyTally(),
      rowsSeen: 12,
      emailsUpdated: 1,
      optedOut: 2,
      unchanged: 8,
      errors: 1,
      retrying: 0,
    });
    expect(message).toBe('Synced 12 rows: 1 email updated, 2 opted out, 8 unchanged, 1 error.');
  });
});
