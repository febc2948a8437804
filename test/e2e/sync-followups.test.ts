/**
 * The follow-up chain of a long sync, installed as an add-on (one time-driven trigger per
 * user per document): a follow-up killed at any service call leaves the run a trigger that
 * continues it, never two at once, and the run finishes unattended with the daily trigger
 * back. The only point without a trigger is inside a replacement (delete, then create),
 * which the add-on rule makes unavoidable.
 */
import type { ExecutionResult } from '../gas-runtime';
import { fireTriggerNow } from './support/connection';
import {
  MINUTE,
  idle,
  logRows,
  primaryEmailOf,
  repeatedWrites,
  sheetRows,
  summaryOf,
  syncNow,
  syncWorld,
} from './support/reliability';
import { DAY, OWNER, type World } from './world';

const ROWS = 60;

/** A sheet whose first execution must continue (Keap slow on the first 48 PATCHes). */
function continuingWorld(): World {
  const rows = Array.from({ length: ROWS }, (_, i) => [i + 1, `new${i + 1}@example.com`, '', '']);
  const w = syncWorld(rows, { runtime: { addOnMode: true } });
  for (let i = 1; i <= ROWS; i += 1) w.addContact(i, `old${i}@example.com`);
  w.call('enableDailySync', [3]);
  w.sim.inject({ kind: 'slow', delayMs: 150_000, route: 'contacts.patch', times: 48 });
  expect(summaryOf(syncNow(w)).outcome).toBe('continuing');
  return w;
}

/** Time-driven triggers of the owner that will still fire. */
function liveTriggers(w: World): string[] {
  return w.rt
    .triggers(OWNER)
    .filter((t) => t.nextRunAt !== null)
    .map((t) => t.handler);
}

function fireFollowUp(w: World, killAt?: number): ExecutionResult {
  const due = w.rt.triggers(OWNER).find((t) => t.handler === 'continueSync');
  if (due?.nextRunAt) w.clock.set(due.nextRunAt);
  return fireTriggerNow(w, {
    handler: 'continueSync',
    addOnMode: true,
    ctx: killAt === undefined ? {} : { killAfterServiceCalls: killAt },
  });
}

function unsynced(w: World): number[] {
  return sheetRows(w)
    .filter((row) => {
      const id = Number(row.cells['Contact ID']);
      return (
        primaryEmailOf(w, id) !== `new${id}@example.com` ||
        !/^(Updated: email changed to |Up to date$)/.test(row.status)
      );
    })
    .map((row) => row.row);
}

/** The calls of one follow-up that is not killed, as "n Service.method". */
function followUpCalls(): string[] {
  const w = continuingWorld();
  const calls: string[] = [];
  const due = w.rt.triggers(OWNER).find((t) => t.handler === 'continueSync');
  if (due?.nextRunAt) w.clock.set(due.nextRunAt);
  fireTriggerNow(w, {
    handler: 'continueSync',
    addOnMode: true,
    ctx: { onServiceCall: ({ n, service, method }) => calls.push(`${n} ${service}.${method}`) },
  });
  return calls;
}

/** True when a kill before call `n` falls between a trigger's removal and its replacement. */
function insideReplacement(calls: string[], n: number): boolean {
  const done = calls.slice(0, n - 1);
  const lastDelete = done.map((c) => c.endsWith('ScriptApp.deleteTrigger')).lastIndexOf(true);
  if (lastDelete < 0) return false;
  return !done.slice(lastDelete).some((c) => c.endsWith('TriggerBuilder.create'));
}

describe('a follow-up killed at any service call (add-on rules)', () => {
  const calls = followUpCalls();

  it('the follow-up replaces itself before it touches the sheet', () => {
    const firstCreate = calls.findIndex((c) => c.endsWith('TriggerBuilder.create'));
    const firstSheetRead = calls.findIndex((c) => c.endsWith('Sheet.getSheetValues'));
    expect(firstCreate).toBeGreaterThan(-1);
    expect(firstCreate).toBeLessThan(firstSheetRead);
  });

  it('leaves at most one time-driven trigger, and one unless killed inside a replacement; the run then finishes unattended', () => {
    const problems: string[] = [];
    let windows = 0;
    for (let n = 1; n <= calls.length; n += 1) {
      const w = continuingWorld();
      const killed = fireFollowUp(w, n);
      if (!killed.killed) break;
      const live = liveTriggers(w);
      const where = `killed at ${calls[n - 1]}`;
      if (live.length > 1) problems.push(`${where}: ${live.join(', ')}`);
      if (insideReplacement(calls, n)) {
        windows += 1;
        continue;
      }
      if (live.length !== 1) problems.push(`${where}: no trigger left`);
      idle(w, 10 * MINUTE);
      w.rt.advanceBy(3 * DAY);
      const left = unsynced(w);
      if (left.length > 0) problems.push(`${where}: rows ${left.join(', ')} not synced`);
      if (repeatedWrites(w).length > 0) problems.push(`${where}: ${repeatedWrites(w).join('; ')}`);
      const after = liveTriggers(w);
      if (after.join() !== 'dailySync') problems.push(`${where}: afterwards ${after.join(', ')}`);
    }
    expect(problems).toEqual([]);
    // Each replacement is one delete and one create apart: the gap is a handful of calls.
    expect(windows).toBeLessThanOrEqual(2 * 5);
  });
});

describe('a follow-up that is never killed', () => {
  it('the chain keeps one trigger throughout, logs one run and ends with the daily trigger', () => {
    const w = continuingWorld();
    const seen: string[][] = [liveTriggers(w)];
    for (let i = 0; i < 10 && liveTriggers(w).includes('continueSync'); i += 1) {
      expect(fireFollowUp(w).error).toBeUndefined();
      seen.push(liveTriggers(w));
    }
    expect(seen.every((live) => live.length === 1)).toBe(true);
    expect(liveTriggers(w)).toEqual(['dailySync']);
    expect(unsynced(w)).toEqual([]);
    expect(
      logRows(w)
        .slice(1)
        .map((row) => row[9]),
    ).toEqual(['completed']);
  });
});
