import { isStale, isWaitingForKeap, type RunCheckpoint } from '../../../src/sync/checkpoint';
import { runSyncWith } from '../../../src/sync/runSync';
import { emptyTally } from '../../../src/sync/tally';
import { SyncHarness } from './support/fakes';

const HEADER = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
const RESET = Date.parse('2025-03-02T00:00:00Z');
const WAITING =
  "Will retry: Keap's daily request limit was reached; continues after Sun, Mar 2, 12:00 AM";

/** Five contacts, each with a new email; Keap lets `requests` start today (one read first). */
function harness(requests: number): SyncHarness {
  const h = new SyncHarness([
    HEADER,
    ...[1, 2, 3, 4, 5].map((id) => [id, `new${id}@x.com`, '', '']),
  ]);
  for (const id of [1, 2, 3, 4, 5]) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
  h.keap.requestsLeftToday = requests;
  h.keap.resetAt = RESET;
  return h;
}

describe("a run that reaches Keap's daily limit", () => {
  it('keeps what was done, tells the other rows when they continue, and keeps no record for them', () => {
    const h = harness(1 + 2);
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(h.sheet.column('Sync Status')).toEqual([
      'Updated: email changed to new1@x.com',
      'Updated: email changed to new2@x.com',
      WAITING,
      WAITING,
      WAITING,
    ]);
    expect([...h.state.state.keys()]).toEqual([1, 2]);
    expect(summary).toMatchObject({
      outcome: 'daily-limit',
      emailsUpdated: 2,
      continuesAt: new Date(RESET).toISOString(),
    });
    expect(summary.message).toContain('3 rows continue after Sun, Mar 2, 12:00 AM');
    expect(h.log.rows.map((row) => row.outcome)).toEqual(['daily-limit']);
    expect(h.lastRun?.outcome).toBe('daily-limit');
    expect(h.checkpoint.saved).toMatchObject({ executions: 1, waitUntil: RESET });
    // A follow-up (where Apps Script allows one) a minute after the reset; no e-mail.
    expect(h.scheduled).toEqual([RESET + 60_000 - h.clock.now()]);
    expect(h.finished).toBe(0);
    expect(h.notices).toEqual([]);
  });

  it('answers a sync asked for before the reset at once, sending and logging nothing', () => {
    const h = harness(3);
    runSyncWith('daily', h.ports(), h.limits);
    h.clock.advance(60 * 60_000);
    const opened = h.keap.gatewaysOpened;
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary.outcome).toBe('daily-limit');
    expect(summary.message).toContain('nothing was sent now');
    expect(h.keap.gatewaysOpened).toBe(opened);
    expect(h.log.rows).toHaveLength(1);
    expect(h.checkpoint.saved?.waitUntil).toBe(RESET);
  });

  it('continues the same run after the reset and finishes every row', () => {
    const h = harness(3);
    runSyncWith('daily', h.ports(), h.limits);
    const runId = h.checkpoint.saved?.runId;
    h.clock.time = RESET + 30 * 60_000;
    const summary = runSyncWith('continuation', h.ports(), h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 5, trigger: 'daily' });
    expect(h.sheet.column('Sync Status')).toEqual(
      [1, 2, 3, 4, 5].map((id) => `Updated: email changed to new${id}@x.com`),
    );
    expect(h.keap.sent).toHaveLength(5);
    expect(h.checkpoint.saved).toBeNull();
    expect(h.log.rows.map((row) => row.outcome)).toEqual(['daily-limit', 'completed']);
    expect(runId).toBeDefined();
  });

  it('waits with every row when the limit was spent before the run', () => {
    const h = harness(0);
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(h.sheet.column('Sync Status')).toEqual(Array(5).fill(WAITING));
    expect(h.keap.sent).toEqual([]);
    expect(summary.message).toContain('5 rows continue after');
    // Spent again by others right after the reset: the rows then name the next reset.
    h.clock.time = RESET + 60_000;
    h.keap.requestsLeftToday = 0;
    h.keap.resetAt = RESET + 24 * 3600_000;
    expect(runSyncWith('continuation', h.ports(), h.limits).outcome).toBe('daily-limit');
    expect(h.sheet.column('Sync Status')).toEqual(
      Array(5).fill(WAITING.replace('Sun, Mar 2', 'Mon, Mar 3')),
    );
    expect(h.log.rows.map((row) => row.outcome)).toEqual(['daily-limit', 'daily-limit']);
  });
});

describe('a checkpoint that waits for the daily limit', () => {
  const checkpoint = (savedAt: number, waitUntil?: number): RunCheckpoint => ({
    startedAt: savedAt,
    runId: 'r',
    trigger: 'daily',
    executions: 1,
    tally: emptyTally(),
    savedAt,
    ...(waitUntil === undefined ? {} : { waitUntil }),
  });
  const DAY = 24 * 3600_000;

  it('waits until its reset, not after', () => {
    expect(isWaitingForKeap(checkpoint(0, RESET), RESET - 1)).toBe(true);
    expect(isWaitingForKeap(checkpoint(0, RESET), RESET)).toBe(false);
    expect(isWaitingForKeap(checkpoint(0), 0)).toBe(false);
  });

  it('goes stale a day after its reset, not a day after it was saved', () => {
    const savedAt = RESET - 23.5 * 3600_000;
    expect(isStale(checkpoint(savedAt, RESET), RESET + 3600_000, DAY)).toBe(false);
    expect(isStale(checkpoint(savedAt), RESET + 3600_000, DAY)).toBe(true);
    expect(isStale(checkpoint(savedAt, RESET), RESET + DAY + 1, DAY)).toBe(true);
  });
});
