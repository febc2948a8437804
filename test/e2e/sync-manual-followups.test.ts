/**
 * "Sync now" on a sheet that needs two executions, with the daily sync off: the run's only
 * trigger is its own recurring carrier (every few minutes in a bound script, hourly in an
 * editor add-on). Its follow-up execution is killed, or hit by a Google service error, at
 * every one of its service calls. Afterwards a trigger always finishes the work: Keap and
 * every row end right, no run is left pending, no write is sent twice, and once the run is
 * over no trigger is left (the daily sync is off). In add-on mode there is never more than
 * one time-driven trigger for the document.
 */
import type { ExecutionContext, ExecutionResult } from '../gas-runtime';
import { liveClockTriggers, pendingRun } from './support/hourly';
import {
  primaryEmailOf,
  repeatedWrites,
  sheetRows,
  summaryOf,
  syncWorld,
} from './support/reliability';
import { OWNER, type World } from './world';

const ROWS = 60;
const DAY = 24 * 3_600_000;

/** 60 rows to update, Keap slow on the first 48 PATCHes; "Sync now" leaves work for a follow-up. */
function manualWorld(addOnMode: boolean): World {
  const rows = Array.from({ length: ROWS }, (_, i) => [i + 1, `new${i + 1}@example.com`, '', '']);
  const w = syncWorld(rows, { runtime: { addOnMode } });
  for (let i = 1; i <= ROWS; i += 1) w.addContact(i, `old${i}@example.com`);
  w.sim.inject({ kind: 'slow', delayMs: 150_000, route: 'contacts.patch', times: 48 });
  const first = w.run('syncNow');
  expect(summaryOf(first as Parameters<typeof summaryOf>[0]).outcome).toBe('continuing');
  expect(liveClockTriggers(w)).toEqual(['continueSync']);
  return w;
}

function nextTriggerAt(w: World): number {
  const next = w.rt
    .triggers(OWNER)
    .filter((t) => t.nextRunAt !== null)
    .sort((a, b) => (a.nextRunAt as number) - (b.nextRunAt as number))[0];
  if (!next) throw new Error('no live trigger');
  return Math.max(next.nextRunAt as number, w.clock.now());
}

/** Fires the follow-up (the next trigger), with a kill or a fault. */
function fireFollowUp(w: World, ctx: ExecutionContext = {}): ExecutionResult {
  w.rt.nextFiringContext = ctx;
  const fired = w.rt.advanceTo(nextTriggerAt(w));
  if (fired.length !== 1 || fired[0].fn !== 'continueSync') throw new Error('not one continueSync');
  return fired[0];
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

/** The owner in the sidebar of the spreadsheet, as World.run calls. */
function asOwner(w: World): ExecutionContext {
  return { user: OWNER, spreadsheetId: w.spreadsheetId, authMode: 'FULL' };
}

/** Lets the triggers fire for a day; problems found, in words. */
function finishes(w: World, addOnMode: boolean, where: string): string[] {
  const problems: string[] = [];
  const end = w.clock.now() + DAY;
  if (pendingRun(w) !== undefined && liveClockTriggers(w).length === 0) {
    problems.push(`${where}: a run is pending with no trigger`);
  }
  while (w.clock.now() < end && w.rt.triggers(OWNER).some((t) => t.nextRunAt !== null)) {
    w.rt.advanceTo(Math.min(nextTriggerAt(w), end));
    const live = liveClockTriggers(w);
    if (addOnMode && w.rt.triggers(OWNER).filter((t) => t.eventType === 'CLOCK').length > 1) {
      problems.push(`${where}: triggers ${live.join(', ')}`);
    }
    if (pendingRun(w) !== undefined && live.length === 0) {
      problems.push(`${where}: a run is pending with no trigger`);
      break;
    }
  }
  if (pendingRun(w) !== undefined) problems.push(`${where}: a run is still pending`);
  const left = liveClockTriggers(w);
  if (left.length > 0) problems.push(`${where}: triggers left ${left.join(', ')}`);
  const rows = unsynced(w);
  if (rows.length > 0) problems.push(`${where}: rows ${rows.join(', ')} not synced`);
  problems.push(...repeatedWrites(w).map((p) => `${where}: ${p}`));
  return [...new Set(problems)];
}

describe.each([
  ['bound script', false],
  ['editor add-on', true],
])('a manual run continued by its carrier (%s), at every service call', (_, addOnMode) => {
  const calls: string[] = [];
  fireFollowUp(manualWorld(addOnMode), {
    onServiceCall: ({ n, service, method }) => calls.push(`${n} ${service}.${method}`),
  });

  it('touches the triggers, the sheet, the properties and Keap (the reference)', () => {
    expect(calls[0]).toMatch(/ScriptApp\.getProjectTriggers$/);
    expect(calls.some((c) => c.endsWith('UrlFetchApp.fetchAll'))).toBe(true);
  });

  it('uninterrupted: the run ends and its carrier is gone', () => {
    const w = manualWorld(addOnMode);
    fireFollowUp(w);
    expect(finishes(w, addOnMode, 'uninterrupted')).toEqual([]);
  });

  it('killed there: a trigger finishes the work, then none is left', () => {
    const problems: string[] = [];
    for (let n = 1; n <= calls.length; n += 1) {
      const w = manualWorld(addOnMode);
      const killed = fireFollowUp(w, { killAfterServiceCalls: n });
      if (!killed.killed) problems.push(`kill at ${calls[n - 1]} did not happen`);
      problems.push(...finishes(w, addOnMode, `killed at ${calls[n - 1]}`));
    }
    expect(problems).toEqual([]);
  });

  it('a Google service error there: a trigger finishes the work, then none is left', () => {
    const problems: string[] = [];
    for (let n = 1; n <= calls.length; n += 1) {
      const w = manualWorld(addOnMode);
      fireFollowUp(w, { failServiceCalls: [n] });
      problems.push(...finishes(w, addOnMode, `service error at ${calls[n - 1]}`));
    }
    expect(problems).toEqual([]);
  });
});

describe.each([
  ['bound script', false],
  ['editor add-on', true],
])('the first execution of a manual run (%s), killed after its Keap writes', (_, addOnMode) => {
  /** The world just before "Sync now": 60 rows, Keap slow on the first 48 PATCHes. */
  function beforeSyncNow(): World {
    const rows = Array.from({ length: ROWS }, (_, i) => [i + 1, `new${i + 1}@example.com`, '', '']);
    const w = syncWorld(rows, { runtime: { addOnMode } });
    for (let i = 1; i <= ROWS; i += 1) w.addContact(i, `old${i}@example.com`);
    w.sim.inject({ kind: 'slow', delayMs: 150_000, route: 'contacts.patch', times: 48 });
    return w;
  }

  it('opening the sidebar gives a pending run a trigger again, and the run finishes', () => {
    const calls: string[] = [];
    const reference = beforeSyncNow();
    reference.rt.run('syncNow', [], {
      ...asOwner(reference),
      onServiceCall: ({ service, method }) => calls.push(`${service}.${method}`),
    });
    const lastFetch = calls.lastIndexOf('UrlFetchApp.fetchAll') + 1;
    expect(lastFetch).toBeGreaterThan(0);
    expect(calls.slice(lastFetch)).toContain('ScriptApp.newTrigger');
    const problems: string[] = [];
    let pendingAfterKill = 0;
    for (let n = lastFetch + 1; n <= calls.length; n += 1) {
      const w = beforeSyncNow();
      const killed = w.rt.run('syncNow', [], { ...asOwner(w), killAfterServiceCalls: n });
      if (!killed.killed) continue;
      w.clock.set(w.clock.now() + 8 * 60_000);
      w.call('getSidebarState');
      if (pendingRun(w) === undefined) continue; // killed before its checkpoint: "sync again"
      pendingAfterKill += 1;
      problems.push(...finishes(w, addOnMode, `killed at ${n} ${calls[n - 1]}`));
    }
    expect(problems).toEqual([]);
    expect(pendingAfterKill).toBeGreaterThan(0);
  });
});
