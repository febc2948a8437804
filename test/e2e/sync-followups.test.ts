/**
 * A long sync run by the daily sync, installed as an add-on (one time-driven trigger per user
 * per document): the daily execution and its follow-up execution are each killed, or hit by
 * a Google service error, at every one of their service calls. Afterwards there is always
 * exactly one live time-driven trigger (the recurring one is never replaced during a run),
 * and letting the clock run finishes the sync the same day with Keap and every row right.
 */
import type { ExecutionContext, ExecutionResult } from '../gas-runtime';
import { fireNext, liveClockTriggers, pendingRun } from './support/hourly';
import {
  PAST_LEASE_MS,
  logRows,
  primaryEmailOf,
  repeatedWrites,
  sheetRows,
  summaryOf,
  syncWorld,
} from './support/reliability';
import { OWNER, type World } from './world';

const ROWS = 60;
const DAILY_HOUR = 9;

/** A sheet whose daily run must continue (Keap slow on the first 48 PATCHes); it is 08:00. */
function longWorld(): World {
  const rows = Array.from({ length: ROWS }, (_, i) => [i + 1, `new${i + 1}@example.com`, '', '']);
  const w = syncWorld(rows, { runtime: { addOnMode: true } });
  for (let i = 1; i <= ROWS; i += 1) w.addContact(i, `old${i}@example.com`);
  w.call('enableDailySync', [DAILY_HOUR]);
  w.sim.inject({ kind: 'slow', delayMs: 150_000, route: 'contacts.patch', times: 48 });
  return w;
}

/** Fires the recurring trigger at its next time, as the runtime does, with a kill or fault. */
function fireHourly(w: World, ctx: ExecutionContext = {}): ExecutionResult {
  w.rt.nextFiringContext = ctx;
  const fired = fireNextAll(w);
  if (fired.length !== 1 || fired[0].fn !== 'dailySync')
    throw new Error('not one dailySync firing');
  return fired[0];
}

function fireNextAll(w: World): ExecutionResult[] {
  const next = w.rt
    .triggers(OWNER)
    .filter((t) => t.nextRunAt !== null)
    .sort((a, b) => (a.nextRunAt as number) - (b.nextRunAt as number))[0];
  if (!next) throw new Error('no live trigger');
  return w.rt.advanceTo(next.nextRunAt as number);
}

/** The world after the daily run's first execution: it continues at the next firing. */
function continuingWorld(): World {
  const w = longWorld();
  expect(summaryOf(fireHourly(w) as Parameters<typeof summaryOf>[0]).outcome).toBe('continuing');
  return w;
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

function callsOf(world: () => World): string[] {
  const w = world();
  const calls: string[] = [];
  fireHourly(w, {
    onServiceCall: ({ n, service, method }) => calls.push(`${n} ${service}.${method}`),
  });
  return calls;
}

function completedRows(w: World): number {
  return logRows(w)
    .slice(1)
    .filter((row) => row[9] === 'completed').length;
}

/** Lets the triggers fire until the run has completed; problems found, in words. */
function finishesTheSameDay(w: World, where: string): string[] {
  const problems: string[] = [];
  const live = liveClockTriggers(w);
  if (live.join() !== 'dailySync') problems.push(`${where}: triggers left ${live.join(', ')}`);
  const endOfDay = new Date(w.clock.now()).setUTCHours(23, 59, 59, 999);
  const finished = () =>
    pendingRun(w) === undefined && (completedRows(w) > 0 || unsynced(w).length === 0);
  while (!finished() && w.clock.now() < endOfDay) {
    fireNext(w);
    const now = liveClockTriggers(w);
    if (now.join() !== 'dailySync') problems.push(`${where}: then ${now.join(', ')}`);
  }
  if (!finished()) problems.push(`${where}: not finished the same day`);
  if (pendingRun(w) !== undefined) problems.push(`${where}: a run is still pending`);
  // Killed after the run's end was saved but before its log row: the lease it left behind
  // gives the log an "interrupted" row (here when a person opens the sidebar).
  w.clock.set(w.clock.now() + PAST_LEASE_MS);
  w.call('getSidebarState');
  // All rows: a kill while the log tab was being made can leave it without its header.
  const outcomes = logRows(w).map((row) => String(row[9]));
  if (!outcomes.some((o) => o === 'completed' || o === 'interrupted')) {
    problems.push(`${where}: the log says ${outcomes.join(', ')}`);
  }
  const left = unsynced(w);
  if (left.length > 0) problems.push(`${where}: rows ${left.join(', ')} not synced`);
  problems.push(...repeatedWrites(w).map((p) => `${where}: ${p}`));
  return problems;
}

describe.each([
  ['the daily run', longWorld],
  ['a follow-up execution', continuingWorld],
])('%s, at every service call (add-on rules)', (_, world) => {
  const calls = callsOf(world);

  it('touches the sheet, the properties and Keap (the reference for the fault points)', () => {
    expect(calls.length).toBeGreaterThan(30);
    expect(calls.some((c) => c.endsWith('UrlFetchApp.fetchAll'))).toBe(true);
  });

  it('killed there: one live trigger, and the sync finishes the same day', () => {
    const problems: string[] = [];
    for (let n = 1; n <= calls.length; n += 1) {
      const w = world();
      const killed = fireHourly(w, { killAfterServiceCalls: n });
      if (!killed.killed) problems.push(`kill at ${calls[n - 1]} did not happen`);
      problems.push(...finishesTheSameDay(w, `killed at ${calls[n - 1]}`));
    }
    expect(problems).toEqual([]);
  });

  it('a Google service error there: one live trigger, and the sync finishes the same day', () => {
    const problems: string[] = [];
    const gaps: string[] = [];
    for (let n = 1; n <= calls.length; n += 1) {
      const w = world();
      const fired = fireHourly(w, { failServiceCalls: [n] });
      // Was a known gap (src/connection): a failed read of the stored Keap token was reported
      // as a busy connection and closed the run. The read is now retried: none may be left.
      if (
        /held the Keap connection/.test(
          String((fired.value as { message?: string } | null)?.message ?? ''),
        )
      ) {
        gaps.push(calls[n - 1]);
        continue;
      }
      problems.push(...finishesTheSameDay(w, `service error at ${calls[n - 1]}`));
    }
    expect(problems).toEqual([]);
    expect(gaps).toEqual([]);
  });
});

describe('a long daily run that is never interrupted', () => {
  it('keeps its one trigger throughout and logs one run', () => {
    const w = continuingWorld();
    expect(finishesTheSameDay(w, 'uninterrupted')).toEqual([]);
    expect(
      logRows(w)
        .slice(1)
        .map((row) => row[9]),
    ).toEqual(['completed']);
  });
});
