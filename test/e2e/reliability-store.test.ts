/**
 * PropertiesService refusing a write (Apps Script's "server error") under the sync's own
 * records: the lease, the follow-up checkpoint, the trigger record and the last run. The
 * run says so in plain words, and the next run is correct.
 */
import { SERVER_ERROR_MESSAGE } from '../gas-runtime';
import {
  MINUTE,
  PAST_LEASE_MS,
  idle,
  logRows,
  scenarioProblems,
  scenarioWorld,
  sentPatches,
  sheetRows,
  standardScenario,
  summaryOf,
  syncNow,
  syncWorld,
} from './support/reliability';
import { DAY, OWNER, type World } from './world';

const SCENARIO = standardScenario();

function failWrites(w: World, prefix: string, which: (n: number) => boolean = () => true): void {
  let n = 0;
  w.rt.faults.failPropertyWrites = (key) => key.startsWith(prefix) && which((n += 1));
}

/** 60 rows whose PATCHes take 150 s each batch, so the run needs a follow-up. */
function continuingWorld(): World {
  const rows = Array.from({ length: 60 }, (_, i) => [i + 1, `new${i + 1}@example.com`, '', '']);
  const w = syncWorld(rows);
  for (let i = 1; i <= 60; i += 1) w.addContact(i, `old${i}@example.com`);
  w.call('enableDailySync', [3]);
  w.sim.inject({ kind: 'slow', delayMs: 150_000, route: 'contacts.patch', times: 48 });
  return w;
}

function expectSixtySynced(w: World): void {
  for (const row of sheetRows(w)) {
    const id = Number(row.cells['Contact ID']);
    expect(w.sim.contact('xy123', id)?.emails[0].email).toBe(`new${id}@example.com`);
    expect(row.status).toMatch(
      new RegExp(`^(Updated: email changed to new${id}@example\\.com|Up to date)$`),
    );
  }
  expect(sentPatches(w)).toHaveLength(60);
}

describe('the follow-up checkpoint cannot be saved', () => {
  it('the run stops in plain words, keeps the daily trigger, and the next run syncs the rest', () => {
    const w = continuingWorld();
    failWrites(w, 'keapSync.checkpoint.');
    const first = summaryOf(syncNow(w));
    expect(first.outcome).toBe('failed');
    expect(first.message).toContain(
      `The sync could not save where it stopped (${SERVER_ERROR_MESSAGE}). The next run syncs the remaining rows.`,
    );
    expect(w.rt.triggers(OWNER).map((t) => t.handler)).toEqual(['dailySync']);
    expect(
      logRows(w)
        .slice(1)
        .map((r) => r[9]),
    ).toEqual(['failed']);

    w.rt.faults = {};
    w.sim.clearFaults();
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expectSixtySynced(w);
  });
});

describe('the follow-up trigger record cannot be saved', () => {
  it('the run continues all the same (the hourly trigger carries it) and the next run syncs the rest', () => {
    const w = continuingWorld();
    failWrites(w, 'keapSync.triggers.');
    const first = summaryOf(syncNow(w));
    // The checkpoint alone decides that the run continues; the one-off is only a shortcut.
    expect(first.outcome).toBe('continuing');
    expect(w.rt.triggers(OWNER).map((t) => t.handler)).toContain('dailySync');
    w.rt.faults = {};
    w.sim.clearFaults();
    idle(w, 2 * MINUTE);
    w.rt.runDueTriggers();
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expectSixtySynced(w);
  });
});

describe('the checkpoint cannot be cleared at the end of a run', () => {
  it('a one-execution run says so in its message and the next run is correct', () => {
    const w = scenarioWorld(SCENARIO);
    failWrites(w, 'keapSync.checkpoint.');
    const summary = summaryOf(syncNow(w));
    expect(summary.outcome).toBe('completed');
    expect(summary.message).toContain(
      `(The checkpoint could not be cleared: ${SERVER_ERROR_MESSAGE})`,
    );
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
    w.rt.faults = {};
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });

  it('after a chain whose last checkpoint write and clear failed, the next Sync now reports only its own work', () => {
    const w = continuingWorld();
    expect(summaryOf(syncNow(w)).outcome).toBe('continuing');
    failWrites(w, 'keapSync.checkpoint.');
    w.rt.advanceBy(5 * MINUTE);
    w.rt.faults = {};
    w.sim.clearFaults();
    idle(w, PAST_LEASE_MS);
    w.sheet().setCell(2, 2, 'changed1@example.com');
    const startedAt = w.clock.now();
    const next = summaryOf(syncNow(w));
    expect(next.outcome).toBe('completed');
    // Its own start (after the few service calls that open the spreadsheet), not the old run's.
    expect(Date.parse(next.startedAt)).toBeGreaterThanOrEqual(startedAt);
    expect(Date.parse(next.startedAt)).toBeLessThan(startedAt + MINUTE);
    expect(next.emailsUpdated).toBe(
      sentPatches(w).filter((p) => p.at >= startedAt && p.status === 200).length,
    );
  });
});

describe('the lease cannot be written', () => {
  it("Sync now: the person gets Apps Script's error, nothing is sent to Keap, and the next run is correct", () => {
    const w = scenarioWorld(SCENARIO);
    failWrites(w, 'keapSync.lease.');
    const refused = syncNow(w);
    expect(refused.error?.message).toBe(SERVER_ERROR_MESSAGE);
    expect(w.sim.log.filter((e) => e.route !== 'token')).toEqual([]);
    expect(sheetRows(w).every((r) => r.status === '')).toBe(true);
    w.rt.faults = {};
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });

  it('the daily trigger: the failure is recorded in the log tab', () => {
    const w = scenarioWorld(SCENARIO);
    w.call('enableDailySync', [3]);
    failWrites(w, 'keapSync.lease.');
    // The hourly trigger works only once the 03:00 slot is due; each attempt is logged.
    w.rt.advanceBy(DAY);
    const log = logRows(w).slice(1);
    expect(log.length).toBeGreaterThanOrEqual(1);
    expect(log.every((r) => r[9] === 'failed')).toBe(true);
  });

  it('released: a failed release does not turn a finished sync into an error', () => {
    const w = scenarioWorld(SCENARIO);
    failWrites(w, 'keapSync.lease.', (n) => n >= 2);
    const result = syncNow(w);
    expect(result.error).toBeUndefined();
    expect(summaryOf(result).outcome).toBe('completed');
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });
});

describe('the last run cannot be saved', () => {
  it('the log tab still records the run and the next run is correct', () => {
    const w = scenarioWorld(SCENARIO);
    failWrites(w, 'keapSync.lastRun');
    const summary = summaryOf(syncNow(w));
    expect(summary.outcome).toBe('completed');
    expect(
      logRows(w)
        .slice(1)
        .map((r) => r[9]),
    ).toEqual(['completed']);
    w.rt.faults = {};
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });

  it('the summary says the last run could not be saved', () => {
    const w = scenarioWorld(SCENARIO);
    failWrites(w, 'keapSync.lastRun');
    const summary = summaryOf(syncNow(w));
    expect(summary.message).toContain('The last run could not be saved');
  });
});
