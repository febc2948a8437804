/**
 * Helpers for the connection and security end-to-end tests: what Keap's token endpoint saw,
 * the token as stored, triggers run at a chosen moment, overlapping executions, and every
 * secret the world ever handed out (to scan what people can see).
 */
import type { ExecutionContext, ExecutionResult } from '../../gas-runtime';
import { clockEvent } from '../../gas-runtime/triggers';
import type { SimRequestLog } from '../../keap-sim';
import { CLIENT_SECRET, HOUR, OWNER, World } from '../world';

/** The OAuth2 library's property key for our service (src/connection/userRecords.ts). */
export const TOKEN_KEY = 'oauth2.keap';
/** Every user property the connection may own. */
export const CONNECTION_KEY_PREFIXES = ['oauth2.keap', 'keapSheetsSync.'];

export interface StoredToken {
  access_token: string;
  refresh_token: string;
  expiresAt: number;
  scope?: string;
}

export function storedToken(w: World, user = OWNER): StoredToken | null {
  const raw = w.rt.userProperties(user)[TOKEN_KEY];
  return raw ? (JSON.parse(raw) as StoredToken) : null;
}

/** Keys of the connection (token, records, notices) left in a user's properties. */
export function connectionKeys(w: World, user = OWNER): string[] {
  return Object.keys(w.rt.userProperties(user)).filter((key) =>
    CONNECTION_KEY_PREFIXES.some((prefix) => key === prefix || key.startsWith(prefix)),
  );
}

/** Requests that reached Keap's token endpoint, as the simulator logged them. */
export function tokenCalls(w: World): SimRequestLog[] {
  return w.sim.log.filter((entry) => entry.route === 'token');
}

export function refreshCalls(w: World): SimRequestLog[] {
  return tokenCalls(w).filter((entry) => entry.grantType === 'refresh_token');
}

/** Requests to Keap's API (not OAuth), as the simulator logged them. */
export function apiCalls(w: World): SimRequestLog[] {
  return w.sim.log.filter((entry) => entry.route !== 'token' && entry.route !== 'authorize');
}

/**
 * Every access and refresh token Keap issued in this world (read from the token endpoint's
 * answers the runtime recorded), plus the tokens stored now and the client secret.
 */
export function secretsOf(w: World, extra: string[] = []): string[] {
  const secrets = new Set<string>([CLIENT_SECRET, ...extra]);
  for (const record of w.rt.requests) {
    if (!/\/token$/.test(new URL(record.request.url).pathname)) continue;
    if (!record.response || record.response.status !== 200) continue;
    const body = JSON.parse(record.response.body) as Record<string, unknown>;
    for (const field of ['access_token', 'refresh_token']) {
      if (typeof body[field] === 'string') secrets.add(body[field]);
    }
  }
  for (const user of new Set([OWNER, ...w.rt.executions.map((e) => e.user)])) {
    const token = storedToken(w, user);
    if (token) {
      secrets.add(token.access_token);
      secrets.add(token.refresh_token);
    }
  }
  return [...secrets].filter((secret) => secret.length >= 8);
}

/** Which of `secrets` appear in `text` (an empty list is the only good answer). */
export function leakedSecrets(text: string, secrets: string[]): string[] {
  return secrets.filter((secret) => text.includes(secret));
}

/** The trigger uid of a user's installed trigger with this handler. */
export function triggerUid(w: World, handler = 'dailySync', user = OWNER): string {
  const trigger = w.rt.triggers(user).find((t) => t.handler === handler);
  if (!trigger) throw new Error(`no ${handler} trigger for ${user}`);
  return trigger.uid;
}

/**
 * Runs a time-driven trigger's function now, as its owner, exactly as the runtime fires it
 * (no UI, the trigger's event), so a test can choose the moment and add hooks.
 */
export function fireTriggerNow(
  w: World,
  options: { handler?: string; user?: string; ctx?: ExecutionContext; addOnMode?: boolean } = {},
): ExecutionResult {
  const user = options.user ?? OWNER;
  const uid = triggerUid(w, options.handler ?? 'dailySync', user);
  return w.rt.run(options.handler ?? 'dailySync', [clockEvent(uid, w.clock.now())], {
    user,
    spreadsheetId: options.addOnMode ? null : w.spreadsheetId,
    authMode: 'FULL',
    timeDriven: true,
    ...options.ctx,
  });
}

/** Moves the clock without firing any trigger (as if the add-on sat idle). */
export function idle(w: World, ms: number): void {
  w.clock.set(w.clock.now() + ms);
}

/** True when the user's token has expired at Keap's clock (the library's 60 s margin aside). */
export function tokenExpired(w: World, user = OWNER): boolean {
  const token = storedToken(w, user);
  return token !== null && token.expiresAt * 1000 <= w.clock.now();
}

/** A second spreadsheet of the same person, with its own Contacts tab. */
export function addSpreadsheet(w: World, rows: unknown[][]): string {
  return w.rt.createSpreadsheet({
    name: 'Second list',
    sheets: { Contacts: [['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'], ...rows] },
  });
}

/**
 * Which execution holds a lock right now (the runtime keeps it private: a test-only peek,
 * used to tell a modelled 30-second lock wait from a real failure).
 */
export function lockHolder(w: World, key: string): number | undefined {
  const host = Reflect.get(w.rt, 'host') as { locks: { holder(key: string): number | undefined } };
  return host.locks.holder(key);
}

export function userLockHeld(w: World, user = OWNER): boolean {
  return lockHolder(w, `user:${user}`) !== undefined;
}

/** Sync summaries as syncNow returns them. */
export interface SummaryLike {
  outcome: string;
  message: string;
  emailsUpdated: number;
}

export function outcomeOf(result: ExecutionResult): string {
  if (result.error) return `error: ${result.error.message}`;
  return (result.value as SummaryLike | null)?.outcome ?? 'no summary';
}

/** Runs syncNow as a person with another spreadsheet open. */
export function syncNowIn(
  w: World,
  spreadsheetId: string,
  user = OWNER,
  ctx: ExecutionContext = {},
): ExecutionResult<SummaryLike> {
  return w.rt.run<SummaryLike>('syncNow', [], {
    user,
    spreadsheetId,
    authMode: 'FULL',
    ...ctx,
  });
}

/** Connects, then lets the access token expire without any execution touching it. */
export function connectedWorldWithExpiredToken(w: World): void {
  w.connect();
  idle(w, 25 * HOUR);
  if (!tokenExpired(w)) throw new Error('the access token should have expired');
}

// --- overlapping executions ----------------------------------------------------------------
//
// The runtime models an overlap by starting execution B from execution A's onServiceCall hook
// (B runs to its end while A is paused at that call). A lock wait there cannot let the paused
// holder progress, so an execution that needs a lock an outer one holds waits its whole
// timeout and gives up: for the user lock (the token's) with a plain "retry next run"
// failure, for the script lock (the sync lease's) as "busy". Those are the only stops allowed,
// and only while the lock is really held; in Apps Script that execution would get the lock a
// moment later and go on.

export const LOCK_BUSY = /Another run held the Keap connection for too long; will retry next run\./;

export interface Sheetful {
  w: World;
  /** Spreadsheet ids; the first is the World's own (with the daily trigger). */
  sheets: string[];
  /** The contact each spreadsheet's single row changes. */
  contacts: number[];
}

/** A person with `count` spreadsheets, each with one row that still needs Keap. */
export function worldWithSheets(count: number): Sheetful {
  const w = new World({ rows: [[1, 'new1@example.com', '', '']] });
  const sheets = [w.spreadsheetId];
  const contacts = [1];
  w.addContact(1, 'old1@example.com');
  for (let i = 2; i <= count; i += 1) {
    w.addContact(i, `old${i}@example.com`);
    sheets.push(addSpreadsheet(w, [[i, `new${i}@example.com`, '', '']]));
    contacts.push(i);
  }
  w.connect();
  w.call('enableDailySync', [3]);
  return { w, sheets, contacts };
}

/** What one execution of the chain did, and whether its failure is the modelled lock wait. */
export interface Leg {
  result: ExecutionResult;
  /** An outer execution held the user lock (the token's lock) when this one started. */
  userLockHeld: boolean;
  /** An outer execution held the script lock (the sync lease's lock) when this one started. */
  scriptLockHeld: boolean;
}

/**
 * Runs a chain of overlapping executions: execution i starts execution i+1 at its
 * `points[i]`-th service call. Execution 0 is the daily trigger of the first spreadsheet;
 * the others are "Sync now" in the other spreadsheets (or, with `sameSheet`, in the first).
 */
export function runChain(s: Sheetful, points: number[], sameSheet = false): Leg[] {
  const { w, sheets } = s;
  const legs: Leg[] = [];
  const start = (level: number, held: { user: boolean; script: boolean }): void => {
    const leg: Leg = {
      result: undefined as unknown as ExecutionResult,
      userLockHeld: held.user,
      scriptLockHeld: held.script,
    };
    legs.push(leg);
    const ctx: ExecutionContext = {};
    if (level < points.length) {
      let started = false;
      ctx.onServiceCall = ({ n }) => {
        if (started || n !== points[level]) return;
        started = true;
        start(level + 1, {
          user: held.user || userLockHeld(w),
          script: held.script || lockHolder(w, 'script') !== undefined,
        });
      };
    }
    leg.result =
      level === 0
        ? fireTriggerNow(w, { ctx })
        : syncNowIn(w, sameSheet ? sheets[0] : sheets[level], OWNER, ctx);
  };
  start(0, { user: false, script: false });
  return legs;
}

/** Service calls the daily run makes when nothing overlaps it (the points to try). */
export function serviceCallsOfDailyRun(trouble: Trouble = 'expired'): number {
  const s = worldWithSheets(1);
  makeTrouble(s.w, trouble);
  const run = fireTriggerNow(s.w);
  expect(run.error).toBeUndefined();
  return run.ledger.serviceCalls;
}

/**
 * What the overlapping executions find: an access token past its expiry, or one that still
 * looks valid but that Keap revoked (it answers 401), so the refresh comes after a 401.
 */
export type Trouble = 'expired' | 'revoked-access-token';

export function makeTrouble(w: World, trouble: Trouble): void {
  if (trouble === 'expired') {
    idle(w, 25 * HOUR);
    if (!tokenExpired(w)) throw new Error('the access token should have expired');
  } else {
    // Late enough for the daily slot to be due (the hourly trigger works only then), early
    // enough for the 24-hour access token to look valid.
    idle(w, 23 * HOUR);
    w.sim.revokeAccessTokens();
    if (tokenExpired(w)) throw new Error('the access token should look valid');
  }
}

/** Service calls of "Sync now" with an expired token and nothing overlapping. */
export function serviceCallsOfSyncNow(): number {
  const s = worldWithSheets(1);
  idle(s.w, 25 * HOUR);
  const run = s.w.run('syncNow');
  expect(run.error).toBeUndefined();
  return run.ledger.serviceCalls;
}

/** The stored refresh token still works: a later execution renews with it and syncs. */
export function expectConnectionStillWorks(s: Sheetful): void {
  const { w } = s;
  const before = w.sim.stats().refreshes;
  idle(w, 25 * HOUR);
  w.sheet().setCell(2, 2, 'later@example.com');
  const later = w.call<SummaryLike>('syncNow');
  expect(later.outcome).toBe('completed');
  expect(w.emailsOf(1).EMAIL1).toBe('later@example.com');
  expect(w.sim.stats()).toMatchObject({ refreshes: before + 1, invalidGrants: 0 });
}

/**
 * Every leg either synced its sheet or stopped for a modelled lock wait: "busy" when the sheet
 * was being synced (same sheet) or an outer leg held the lease's script lock, the plain "retry
 * next run" failure when an outer leg held the token's user lock. Never "needs-reconnect".
 */
export function checkLegs(s: Sheetful, legs: Leg[], sameSheet: boolean): Tally {
  const tally: Tally = { completed: 0, busy: 0, waited: 0 };
  legs.forEach((leg, level) => {
    const contact = s.contacts[sameSheet ? 0 : level];
    expect(leg.result.error).toBeUndefined();
    if (level === 0) {
      expect(s.w.emailsOf(contact).EMAIL1).toBe(`new${contact}@example.com`);
      return;
    }
    const summary = leg.result.value as SummaryLike;
    const seen = { level, outcome: summary.outcome, message: summary.message };
    if (summary.outcome === 'completed') {
      expect(s.w.emailsOf(contact).EMAIL1).toBe(`new${contact}@example.com`);
      tally.completed += 1;
    } else if (summary.outcome === 'busy') {
      expect({ ...seen, allowed: sameSheet || leg.scriptLockHeld }).toMatchObject({
        allowed: true,
      });
      tally.busy += 1;
    } else {
      expect({ ...seen, allowed: leg.userLockHeld }).toEqual({
        ...seen,
        outcome: 'failed',
        message: expect.stringMatching(LOCK_BUSY),
        allowed: true,
      });
      tally.waited += 1;
    }
  });
  return tally;
}

export interface Tally {
  completed: number;
  busy: number;
  waited: number;
}

/** Adds up what the legs of many chains did. */
export function addTally(total: Tally, more: Tally): void {
  total.completed += more.completed;
  total.busy += more.busy;
  total.waited += more.waited;
}

/**
 * One chain of overlapping executions at token expiry: exactly one refresh (with Basic auth)
 * among them, no invalid_grant, every leg finished or stopped for a modelled lock wait, a
 * rotated refresh token stored, and that token still works afterwards.
 */
export function overlapAtExpiry(
  count: number,
  points: number[],
  sameSheet = false,
  trouble: Trouble = 'expired',
) {
  const s = worldWithSheets(count);
  makeTrouble(s.w, trouble);
  const before = storedToken(s.w)!.refresh_token;
  const legs = runChain(s, points, sameSheet);
  const context = `points ${points.join(',')}`;
  const refreshes = refreshCalls(s.w);
  expect({
    context,
    legs: legs.length,
    refreshes: refreshes.length,
    invalidGrants: s.w.sim.stats().invalidGrants,
  }).toEqual({ context, legs: legs.length, refreshes: 1, invalidGrants: 0 });
  expect(legs.length).toBeGreaterThanOrEqual(2);
  expect(refreshes[0]).toMatchObject({ clientAuth: 'basic', status: 200 });
  const tally = checkLegs(s, legs, sameSheet);
  expect(storedToken(s.w)!.refresh_token).not.toBe(before);
  const refresher = legs.findIndex(
    (leg) => refreshes[0].at >= leg.result.startedAt && refreshes[0].at <= leg.result.endedAt,
  );
  // The refresh happened in the innermost leg that was running at that moment.
  const innermost = legs.reduce(
    (found, leg, index) =>
      refreshes[0].at >= leg.result.startedAt && refreshes[0].at <= leg.result.endedAt
        ? index
        : found,
    refresher,
  );
  expectConnectionStillWorks(s);
  return { tally, refresher: innermost, legs: legs.length };
}
