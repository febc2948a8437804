/**
 * Keap answering slower than one execution's budget allows: the sync stops starting work
 * before the 6-minute limit and its follow-up trigger finishes the job; a response slower
 * than the whole execution kills it, and the next run finishes without repeating changes.
 * A killed follow-up must not end the daily schedule.
 */
import type { ExecutionResult } from '../gas-runtime';
import type { Fault } from '../keap-sim';
import { fireTriggerNow } from './support/connection';
import {
  MINUTE,
  PAST_LEASE_MS,
  idle,
  logRows,
  primaryEmailOf,
  repeatedWrites,
  sentPatches,
  sheetRows,
  summaryOf,
  syncNow,
  syncWorld,
} from './support/reliability';
import { DAY, OWNER, type World } from './world';

const SIX_MINUTES = 6 * MINUTE;
const WRITES: Fault['route'] = ['contacts.patch', 'emailAddresses.updateStatus'];

/** 60 rows, each changing its contact's email; every other one also opts out. */
function sixtyRowWorld(): World {
  const rows = Array.from({ length: 60 }, (_, i) => [
    i + 1,
    `new${i + 1}@example.com`,
    i % 2 === 1 ? 'yes' : '',
    '',
  ]);
  const w = syncWorld(rows);
  for (let i = 1; i <= 60; i += 1) w.addContact(i, `old${i}@example.com`);
  return w;
}

function expectEveryRowSynced(w: World): void {
  const rows = sheetRows(w);
  expect(rows).toHaveLength(60);
  for (const row of rows) {
    const id = Number(row.cells['Contact ID']);
    expect(primaryEmailOf(w, id)).toBe(`new${id}@example.com`);
    expect(row.status).toMatch(
      new RegExp(
        `^(Updated: email changed to new${id}@example\\.com${id % 2 === 0 ? '; opted out' : ''}` +
          `${id % 2 === 0 ? '|Updated: opted out' : ''}|Up to date)$`,
      ),
    );
    expect(row.lastSynced).toBeInstanceOf(Date);
  }
  expect(repeatedWrites(w)).toEqual([]);
}

function continuationTriggers(w: World): number {
  return w.rt.triggers(OWNER).filter((t) => t.handler === 'continueSync').length;
}

describe('Keap slower than the time budget', () => {
  it('every write takes 150 s: each execution stops in time, follow-ups finish the sheet, and the log shows one run', () => {
    const w = sixtyRowWorld();
    w.call('enableDailySync', [3]);
    w.sim.inject({ kind: 'slow', delayMs: 150_000, route: WRITES });

    const first = syncNow(w);
    const summary = summaryOf(first);
    expect(first.killed).toBe(false);
    expect(summary.outcome).toBe('continuing');
    expect(summary.message).toMatch(/the rest continues automatically in a few minutes\.$/);
    expect(continuationTriggers(w)).toBe(1);
    // Rows not reached yet have no status: nothing claims they were synced.
    const unreached = sheetRows(w).filter((r) => r.status === '');
    expect(unreached.length).toBeGreaterThan(0);
    for (const row of unreached) {
      const id = Number(row.cells['Contact ID']);
      const patched = sentPatches(w).some((p) => p.contactId === id);
      if (!patched) expect(primaryEmailOf(w, id)).toBe(`old${id}@example.com`);
    }

    const followUps = w.rt.advanceBy(2 * 60 * MINUTE);
    const runs = [first, ...followUps.filter((r) => r.fn === 'continueSync')];
    // At most two write batches fit in one execution's budget.
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (const run of runs) {
      expect(run.killed).toBe(false);
      expect(run.endedAt - run.startedAt).toBeLessThan(SIX_MINUTES);
    }
    expectEveryRowSynced(w);
    expect(continuationTriggers(w)).toBe(0);
    expect(w.rt.triggers(OWNER).map((t) => t.handler)).toEqual(['dailySync']);
    const log = logRows(w).slice(1);
    expect(log).toHaveLength(1);
    expect(log[0][9]).toBe('completed');
    expect(log[0][10]).toBe(
      'Synced 60 rows: 60 emails updated, 30 opted out, 0 unchanged, 0 errors.',
    );
  });

  it('one answer takes longer than the whole execution: the run is killed with its PATCHes applied; the next run after the lease completes without sending them again', () => {
    const w = sixtyRowWorld();
    // The second batch of PATCHes is answered after the 6-minute mark.
    let patches = 0;
    w.sim.inject({
      kind: 'slow',
      delayMs: SIX_MINUTES,
      route: 'contacts.patch',
      when: () => (patches += 1) > 24,
    });
    const killed = syncNow(w);
    expect(killed.killed).toBe(true);
    expect(killed.error?.message).toBe('Exceeded maximum execution time');
    // The batch in flight at the kill reached Keap: more than the first batch was applied.
    const appliedByKilledRun = sentPatches(w).filter((p) => p.status === 200).length;
    expect(appliedByKilledRun).toBeGreaterThan(24);
    expect(sheetRows(w).every((r) => r.status === '')).toBe(true);
    w.sim.clearFaults();

    expect(summaryOf(syncNow(w)).outcome).toBe('busy');
    idle(w, PAST_LEASE_MS);
    const next = summaryOf(syncNow(w));
    expect(next.outcome).toBe('completed');
    expectEveryRowSynced(w);
    // Only the contacts the killed run never reached were PATCHed by the next run.
    expect(sentPatches(w)).toHaveLength(60);
  });
});

describe('a follow-up execution that is killed', () => {
  /** A sheet that needs a follow-up, with the daily sync on; returns the first run. */
  function continuingWorld(): { w: World; first: ExecutionResult } {
    const w = sixtyRowWorld();
    w.call('enableDailySync', [3]);
    // Two full batches of 24 PATCHes at 150 s each fill the execution's Keap budget.
    w.sim.inject({ kind: 'slow', delayMs: 150_000, route: 'contacts.patch', times: 48 });
    const first = syncNow(w);
    expect(summaryOf(first).outcome).toBe('continuing');
    // The hourly trigger stays; a bound script also gets the quick one-off follow-up.
    expect(w.rt.triggers(OWNER).map((t) => t.handler)).toEqual(['dailySync', 'continueSync']);
    return { w, first };
  }

  it('killed before it reaches the sheet: a later run (Sync now after the lease) finishes the job', () => {
    const { w } = continuingWorld();
    idle(w, 2 * MINUTE);
    const killed = fireTriggerNow(w, {
      handler: 'continueSync',
      ctx: { killAfterServiceCalls: 20 },
    });
    expect(killed.killed).toBe(true);
    idle(w, PAST_LEASE_MS);
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expectEveryRowSynced(w);
    expect(w.rt.triggers(OWNER).map((t) => t.handler)).toEqual(['dailySync']);
  });

  it('killed before it reaches the sheet: the daily sync still comes back and finishes the job unattended', () => {
    const { w } = continuingWorld();
    idle(w, 2 * MINUTE);
    fireTriggerNow(w, { handler: 'continueSync', ctx: { killAfterServiceCalls: 20 } });
    expect(w.rt.triggers(OWNER).length).toBeGreaterThan(0);
    const later = w.rt.advanceBy(2 * DAY);
    expect(later.length).toBeGreaterThan(0);
    expectEveryRowSynced(w);
  });
});
