/**
 * Keap's daily request quota (shared by every user of the published add-on, reset at 00:00
 * UTC) running out during the daily sync, installed as an add-on in New York. The run stops
 * while a reserve can still finish what it sent: no change half-done, the rows not done say
 * when the run continues, the log and the sidebar say so. The hourly firings before the reset
 * return at once without calling Keap; the first one after it finishes the run, every row and
 * contact right, nothing sent twice, one trigger throughout. Also: a quota another user of
 * the add-on spent before the run, or in the middle of it (a 429 "Quota Exceeded").
 */
import type { ExecutionResult } from '../gas-runtime';
import { fireNext, liveClockTriggers, pendingRun } from './support/hourly';
import {
  logRows,
  primaryEmailOf,
  repeatedWrites,
  statusByRow,
  summaryOf,
  syncNow,
  syncWorld,
  type SyncSummaryView,
} from './support/reliability';
import { CLIENT_ID, HOUR, type World } from './world';

const ROWS = 60;
/** 04:00 in New York is 09:00 UTC in January; the world starts at 08:00 UTC. */
const DAILY_HOUR = 4;
const RESET = Date.UTC(2025, 0, 7);
/** 00:00 UTC in the spreadsheet's time zone, as the statuses and messages write it. */
const RESET_WORDS = 'Mon, Jan 6, 07:00 PM';
const WAITING = `Will retry: Keap's daily request limit was reached; continues after ${RESET_WORDS}`;
/** Requests the add-on keeps back for work in flight (src/keap/dailyQuota.ts). */
const RESERVE = 100;
const APP = { clientId: CLIENT_ID };

/** Row i (1-based contact id = i): a new EMAIL1; every fifth row also opts the new one out. */
const optsOut = (id: number) => id % 5 === 0;
const newEmail = (id: number) => `new${id}@example.com`;

function quotaWorld(): World {
  const rows = Array.from({ length: ROWS }, (_, i) => {
    const id = i + 1;
    return [id, newEmail(id), optsOut(id) ? 'yes' : '', ''];
  });
  const w = syncWorld(rows, {
    runtime: { addOnMode: true, timeZone: 'America/New_York' },
    sim: { limits: { clientPerDay: 5000 } },
  });
  for (let id = 1; id <= ROWS; id += 1) w.addContact(id, `old${id}@example.com`, `work${id}@x.com`);
  w.call('enableDailySync', [DAILY_HOUR]);
  return w;
}

/** Other users of the add-on leave `left` requests of today's quota. */
function leaveInQuota(w: World, left: number): void {
  w.sim.spendDailyQuota(APP, w.sim.dailyQuotaLeft(APP) - left);
}

function fireOnce(w: World): ExecutionResult<SyncSummaryView> {
  const fired = fireNext<SyncSummaryView>(w);
  if (fired.length !== 1) throw new Error(`expected one firing that worked, got ${fired.length}`);
  return fired[0];
}

/** Every hourly firing up to the reset: each must return at once, without a Keap request. */
function firingsUntilReset(w: World): { fired: number; worked: number; keapRequests: number } {
  const before = w.sim.log.length;
  let fired = 0;
  let worked = 0;
  for (;;) {
    const next = w.rt.triggers().find((t) => t.nextRunAt !== null)?.nextRunAt as number;
    if (next >= RESET) break;
    const results = w.rt.advanceTo(next);
    fired += results.length;
    worked += results.filter((r) => r.value !== null || r.error !== undefined).length;
  }
  return { fired, worked, keapRequests: w.sim.log.length - before };
}

function finalStatus(id: number): string {
  return optsOut(id)
    ? `Updated: email changed to ${newEmail(id)}; opted out`
    : `Updated: email changed to ${newEmail(id)}`;
}

function everyRowFinished(w: World): string[] {
  const statuses = statusByRow(w);
  const wrong: string[] = [];
  for (let id = 1; id <= ROWS; id += 1) {
    if (statuses[id + 1] !== finalStatus(id)) wrong.push(`row ${id + 1}: ${statuses[id + 1]}`);
    if (primaryEmailOf(w, id) !== newEmail(id))
      wrong.push(`contact ${id}: ${primaryEmailOf(w, id)}`);
    if (w.emailsOf(id).EMAIL2 !== `work${id}@x.com`) wrong.push(`contact ${id} lost EMAIL2`);
    // An address first seen in a PATCH is NON_MARKETABLE; the add-on's opt-out makes it MANUAL.
    const status = w.sim.emailStatus('xy123', newEmail(id))?.status;
    const expected = optsOut(id) ? 'MANUAL' : 'NON_MARKETABLE';
    if (status !== expected) wrong.push(`${newEmail(id)} is ${status}`);
  }
  return wrong;
}

function outcomesLogged(w: World): string[] {
  return logRows(w)
    .slice(1)
    .map((row) => String(row[9]));
}

describe('the daily run meets the quota', () => {
  let w: World;
  let first: ExecutionResult<SyncSummaryView>;
  let statusesAtStop: Record<number, string>;
  let patchesAtStop: number;

  beforeAll(() => {
    w = quotaWorld();
    // Enough for the reads and one batch of 24 writes above the reserve, not for two.
    leaveInQuota(w, RESERVE + 40);
    first = fireOnce(w);
    statusesAtStop = statusByRow(w);
    patchesAtStop = w.sim.log.filter((e) => e.route === 'contacts.patch').length;
  });

  it('stops before the quota is spent, with one batch of changes done and none half-sent', () => {
    expect(first.fn).toBe('dailySync');
    expect(first.error).toBeUndefined();
    expect(patchesAtStop).toBe(24);
    expect(w.sim.stats().quotaRefusals).toBe(0);
    expect(w.sim.dailyQuotaLeft(APP)).toBeGreaterThan(0);
    expect(w.sim.log.filter((e) => e.route === 'emailAddresses.updateStatus')).toHaveLength(0);
    for (let id = 1; id <= ROWS; id += 1) {
      expect(primaryEmailOf(w, id)).toBe(id <= 24 ? newEmail(id) : `old${id}@example.com`);
    }
  });

  it('gives every row not done the words of the daily limit, and the others what is true', () => {
    const expected: Record<number, string> = {};
    for (let id = 1; id <= ROWS; id += 1) {
      if (id > 24) expected[id + 1] = WAITING;
      else if (optsOut(id))
        expected[id + 1] = `Updated: email changed to ${newEmail(id)}; opt-out not sent yet`;
      else expected[id + 1] = `Updated: email changed to ${newEmail(id)}`;
    }
    expect(statusesAtStop).toEqual(expected);
  });

  it('says so in the summary, the log tab and the sidebar, with when it continues', () => {
    const summary = first.value as SyncSummaryView & { continuesAt?: string };
    expect(summary).toMatchObject({
      outcome: 'daily-limit',
      emailsUpdated: 24,
      continuesAt: new Date(RESET).toISOString(),
    });
    expect(summary.message).toContain("Keap's daily request limit for this add-on was reached");
    expect(summary.message).toContain(`40 rows continue after ${RESET_WORDS}`);
    expect(outcomesLogged(w)).toEqual(['daily-limit']);
    const state = w.call<{
      sync: { notices: string[]; lastRun: { outcome: string; message: string } };
    }>('getSidebarState');
    expect(state.sync.lastRun).toMatchObject({ outcome: 'daily-limit', message: summary.message });
    expect(state.sync.notices).toEqual([
      "Keap's daily request limit for this add-on was reached, so the sync paused. It continues after 07:00 PM (12:00 AM UTC), when Keap resets the limit; nothing needs doing.",
    ]);
  });

  it('keeps the one hourly trigger and the run to continue', () => {
    expect(liveClockTriggers(w)).toEqual(['dailySync']);
    expect(JSON.parse(pendingRun(w) as string)).toMatchObject({ waitUntil: RESET });
  });

  it('answers Sync now at once before the reset: nothing sent, nothing logged again', () => {
    const before = w.sim.log.length;
    const summary = summaryOf(syncNow(w));
    expect(summary.outcome).toBe('daily-limit');
    expect(summary.message).toBe(
      `Keap's daily request limit for this add-on was reached earlier, so nothing was sent now. The sync continues after ${RESET_WORDS}, when Keap resets the limit.`,
    );
    expect(w.sim.log.length).toBe(before);
    expect(outcomesLogged(w)).toEqual(['daily-limit']);
  });

  it('spends no firing and no request on the spent quota before 00:00 UTC', () => {
    const until = firingsUntilReset(w);
    expect(until.fired).toBeGreaterThanOrEqual(13);
    expect(until).toMatchObject({ worked: 0, keapRequests: 0 });
    expect(statusByRow(w)).toEqual(statusesAtStop);
  });

  it('finishes at the first firing after the reset: every row and contact right, nothing twice', () => {
    const next = fireOnce(w);
    expect(next.startedAt).toBeGreaterThanOrEqual(RESET);
    expect(next.startedAt).toBeLessThan(RESET + HOUR);
    expect(next.value).toMatchObject({
      outcome: 'completed',
      trigger: 'daily',
      emailsUpdated: ROWS,
      optedOut: ROWS / 5,
      errors: 0,
    });
    expect(everyRowFinished(w)).toEqual([]);
    expect(repeatedWrites(w)).toEqual([]);
    expect(w.sim.log.filter((e) => e.route === 'contacts.patch')).toHaveLength(ROWS);
    expect(outcomesLogged(w)).toEqual(['daily-limit', 'completed']);
    expect(pendingRun(w)).toBeUndefined();
    expect(liveClockTriggers(w)).toEqual(['dailySync']);
    expect(w.sim.specViolations).toEqual([]);
  });
});

describe('a quota another user of the add-on spent before the run', () => {
  let w: World;
  let first: ExecutionResult<SyncSummaryView>;

  beforeAll(() => {
    w = quotaWorld();
    leaveInQuota(w, 0);
    first = fireOnce(w);
  });

  it('costs one refused request, changes nothing, and every row says when it continues', () => {
    expect(w.sim.stats().quotaRefusals).toBe(1);
    expect(w.sim.log.filter((e) => e.method !== 'GET' && e.route !== 'token')).toHaveLength(0);
    expect(Object.values(statusByRow(w))).toEqual(Array(ROWS).fill(WAITING));
    expect(first.value).toMatchObject({ outcome: 'daily-limit', emailsUpdated: 0 });
    expect(first.value?.message).toContain(`60 rows continue after ${RESET_WORDS}`);
  });

  it('waits for the reset without a request, then finishes', () => {
    const waited = firingsUntilReset(w);
    expect(waited.fired).toBeGreaterThan(0);
    expect(waited).toMatchObject({ worked: 0, keapRequests: 0 });
    expect(fireOnce(w).value).toMatchObject({ outcome: 'completed', emailsUpdated: ROWS });
    expect(everyRowFinished(w)).toEqual([]);
    expect(repeatedWrites(w)).toEqual([]);
    expect(outcomesLogged(w)).toEqual(['daily-limit', 'completed']);
    expect(liveClockTriggers(w)).toEqual(['dailySync']);
  });
});

describe('a quota another user spends in the middle of the run (429 Quota Exceeded)', () => {
  let w: World;
  let first: ExecutionResult<SyncSummaryView>;

  beforeAll(() => {
    w = quotaWorld();
    let patches = 0;
    // After 30 PATCHes, the rest of the day's quota goes to another user of the add-on.
    w.sim.inject({
      kind: 'slow',
      delayMs: 0,
      route: 'contacts.patch',
      when: () => {
        patches += 1;
        if (patches === 30) w.sim.spendDailyQuota(APP);
        return false;
      },
    });
    first = fireOnce(w);
  });

  it('stops at the first refusal instead of retrying, and only what Keap applied is said done', () => {
    // The batch in flight when the quota went is refused; nothing is sent after it.
    expect(w.sim.stats().quotaRefusals).toBeGreaterThan(0);
    expect(w.sim.stats().quotaRefusals).toBeLessThanOrEqual(24);
    expect(first.value?.outcome).toBe('daily-limit');
    const statuses = statusByRow(w);
    for (let id = 1; id <= ROWS; id += 1) {
      const changed = primaryEmailOf(w, id) === newEmail(id);
      const status = statuses[id + 1];
      if (changed) expect(status).toMatch(/^Updated: email changed to /);
      else expect(status).toBe(WAITING);
    }
  });

  it('finishes after the reset with every row right and nothing sent twice', () => {
    const waited = firingsUntilReset(w);
    expect(waited.fired).toBeGreaterThan(0);
    expect(waited).toMatchObject({ worked: 0, keapRequests: 0 });
    expect(fireOnce(w).value).toMatchObject({ outcome: 'completed', errors: 0 });
    expect(everyRowFinished(w)).toEqual([]);
    expect(repeatedWrites(w)).toEqual([]);
    expect(liveClockTriggers(w)).toEqual(['dailySync']);
  });
});

describe('a sync from the sidebar meets the quota while the daily sync is off', () => {
  it('is continued by its recurring carrier after the reset, sending nothing before it, then leaves no trigger', () => {
    const w = quotaWorld();
    w.call('disableDailySync');
    leaveInQuota(w, RESERVE + 40);
    const first = summaryOf(syncNow(w));
    expect(first.outcome).toBe('daily-limit');
    // A manual run's continuation is a recurring carrier (hourly in an add-on), never a
    // one-off that a single failed execution would spend (src/sync/triggers.ts).
    const [carrier, ...others] = w.rt.triggers().filter((t) => t.nextRunAt !== null);
    expect(others).toEqual([]);
    expect(carrier.handler).toBe('continueSync');
    const waited = firingsUntilReset(w);
    expect(waited.fired).toBeGreaterThan(0);
    expect(waited).toMatchObject({ worked: 0, keapRequests: 0 });
    const next = fireOnce(w);
    expect(next.value).toMatchObject({ outcome: 'completed', trigger: 'sidebar', errors: 0 });
    expect(everyRowFinished(w)).toEqual([]);
    expect(repeatedWrites(w)).toEqual([]);
    expect(liveClockTriggers(w)).toEqual([]);
  });
});
