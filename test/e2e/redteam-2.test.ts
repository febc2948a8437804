/**
 * Red team 2: Keap's daily quota, the manual run's carrier, Disconnect/stand-down, settings
 * chosen from the sheet, through the built bundle on the virtual clock. Each `test.failing`
 * shows a defect that is still there (it passes once the defect is fixed: then turn it into a
 * plain `test`); the plain tests are attacks that held up.
 */
import type { ExecutionResult } from '../gas-runtime';
import { liveClockTriggers, pendingRun } from './support/hourly';
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
import { CLIENT_ID, EDITOR, HOUR, OWNER, type World } from './world';

const ROWS = 60;
const DAILY_HOUR = 4;
/** The world starts 2025-01-06 08:00 UTC; Keap's quota resets at 00:00 UTC the next day. */
const RESET = Date.UTC(2025, 0, 7);
const RESERVE = 100;
const APP = { clientId: CLIENT_ID };
const newEmail = (id: number) => `new${id}@example.com`;

interface Sidebar {
  connection: { state: string };
  sync: {
    daily: { enabled: boolean; hour: number | null; paused?: boolean };
    notices: string[];
    running: boolean;
  };
}

function quotaWorld(options: { addOnMode?: boolean; daily?: boolean } = {}): World {
  const rows = Array.from({ length: ROWS }, (_, i) => [i + 1, newEmail(i + 1), '', '']);
  const w = syncWorld(rows, {
    runtime: { addOnMode: options.addOnMode ?? true, timeZone: 'America/New_York' },
    sim: { limits: { clientPerDay: 5000 } },
  });
  for (let id = 1; id <= ROWS; id += 1) w.addContact(id, `old${id}@example.com`);
  if (options.daily ?? true) w.call('enableDailySync', [DAILY_HOUR]);
  return w;
}

function leaveInQuota(w: World, left: number): void {
  w.sim.spendDailyQuota(APP, w.sim.dailyQuotaLeft(APP) - left);
}

/** Lets every trigger of `user` fire until `until`; returns the firings that did work. */
function fireUntil(w: World, until: number, user = OWNER): ExecutionResult[] {
  const done: ExecutionResult[] = [];
  for (;;) {
    const next = w.rt
      .triggers(user)
      .filter((t) => t.nextRunAt !== null)
      .map((t) => t.nextRunAt as number)
      .sort((a, b) => a - b)[0];
    if (next === undefined || next > until) break;
    done.push(
      ...w.rt
        .advanceTo(Math.max(next, w.clock.now()))
        .filter((r) => r.value !== null || r.error !== undefined),
    );
  }
  if (w.clock.now() < until) w.clock.set(until);
  return done;
}

function unsynced(w: World): number[] {
  const wrong: number[] = [];
  for (let id = 1; id <= ROWS; id += 1) if (primaryEmailOf(w, id) !== newEmail(id)) wrong.push(id);
  return wrong;
}

/** Keap's answers rewritten on their way to the add-on (headers only). */
function rewriteHeaders(
  w: World,
  rewrite: (headers: Record<string, string>, status: number) => Record<string, string>,
): void {
  const sim = w.sim as unknown as { dispatch: (req: unknown) => unknown };
  const original = sim.dispatch.bind(sim);
  sim.dispatch = (req: unknown) => {
    const res = original(req) as { status: number; headers: Record<string, string> };
    if (!res || typeof res !== 'object' || !res.headers) return res;
    return { ...res, headers: rewrite({ ...res.headers }, res.status) };
  };
}

// -------------------------------------------------------------------------------------------
// The carrier and the daily switch
// -------------------------------------------------------------------------------------------

describe('turning the daily sync off while the daily trigger carries a pending run', () => {
  /*
   * DEFECT (high). ARCHITECTURE: "A pending run always has a recurring trigger ... Turning the
   * daily sync off keeps a pending run's carrier". But while the daily sync is on, the hourly
   * `dailySync` trigger IS the carrier (no `carrierUid` exists). disableDaily
   * (src/sync/triggers.ts disableDaily: `removeOwn(record.carrierUid ?? null)`) removes it and
   * makes no carrier, and the sidebar does not call getSyncStatus after disableDailySync
   * (SidebarScript setDaily only renders the answer), so nothing gives the run a trigger back.
   * The run waiting for Keap's quota is never continued: its rows keep "continues after 19:00",
   * the sidebar still says "It continues after 19:00 ... nothing needs doing".
   */
  test('a run waiting for the quota keeps a trigger and finishes after the reset', () => {
    const w = quotaWorld({ addOnMode: true, daily: true });
    leaveInQuota(w, RESERVE + 40);
    const first = summaryOf(syncNow(w));
    expect(first.outcome).toBe('daily-limit');
    expect(liveClockTriggers(w)).toEqual(['dailySync']);
    const off = w.call<{ enabled: boolean }>('disableDailySync');
    expect(off.enabled).toBe(false);
    // The person closes the sidebar; the day goes by.
    expect(pendingRun(w)).toBeDefined();
    expect(liveClockTriggers(w)).toHaveLength(1);
    fireUntil(w, RESET + 2 * HOUR);
    expect(pendingRun(w)).toBeUndefined();
    expect(unsynced(w)).toEqual([]);
  });

  test('a run that is merely continuing (no quota) keeps a trigger too', () => {
    const rows = Array.from({ length: ROWS }, (_, i) => [i + 1, newEmail(i + 1), '', '']);
    const w = syncWorld(rows, { runtime: { addOnMode: true } });
    for (let id = 1; id <= ROWS; id += 1) w.addContact(id, `old${id}@example.com`);
    w.call('enableDailySync', [DAILY_HOUR]);
    w.sim.inject({ kind: 'slow', delayMs: 150_000, route: 'contacts.patch', times: 48 });
    expect(summaryOf(syncNow(w)).outcome).toBe('continuing');
    w.call('disableDailySync');
    expect(pendingRun(w)).toBeDefined();
    // What the brief requires: a pending run always has a recurring trigger.
    expect(liveClockTriggers(w).length).toBe(1);
  });

  test('held: with the daily sync off, turning it on while a carrier waits leaves one trigger and finishes', () => {
    const w = quotaWorld({ addOnMode: true, daily: false });
    leaveInQuota(w, RESERVE + 40);
    expect(summaryOf(syncNow(w)).outcome).toBe('daily-limit');
    expect(liveClockTriggers(w)).toEqual(['continueSync']);
    w.call('enableDailySync', [DAILY_HOUR]);
    expect(liveClockTriggers(w)).toEqual(['dailySync']);
    const before = w.sim.log.length;
    fireUntil(w, RESET - 1);
    expect(w.sim.log.length).toBe(before);
    fireUntil(w, RESET + 2 * HOUR);
    expect(pendingRun(w)).toBeUndefined();
    expect(unsynced(w)).toEqual([]);
    expect(repeatedWrites(w)).toEqual([]);
    expect(liveClockTriggers(w)).toEqual(['dailySync']);
  });
});

describe('Disconnect and reconnect while a run waits for the quota', () => {
  test('held: the run is carried again once connected, sends nothing before the reset, and finishes', () => {
    const w = quotaWorld({ addOnMode: true, daily: true });
    leaveInQuota(w, RESERVE + 40);
    expect(summaryOf(syncNow(w)).outcome).toBe('daily-limit');
    w.call('disconnect');
    expect(liveClockTriggers(w)).toEqual([]);
    w.clock.set(w.clock.now() + HOUR);
    w.connect();
    const state = w.call<Sidebar>('getSidebarState');
    expect(state.sync.daily.paused).toBe(true);
    expect(liveClockTriggers(w)).toEqual(['continueSync']);
    const before = w.sim.log.filter((e) => e.route !== 'token').length;
    fireUntil(w, RESET - 1);
    expect(w.sim.log.filter((e) => e.route !== 'token').length).toBe(before);
    fireUntil(w, RESET + 2 * HOUR);
    expect(pendingRun(w)).toBeUndefined();
    expect(unsynced(w)).toEqual([]);
    expect(liveClockTriggers(w)).toEqual([]);
  });
});

describe('two people, each with a manual run waiting for the quota on the same sheet', () => {
  test('held: each has one carrier, both finish after the reset, nothing sent twice', () => {
    const w = quotaWorld({ addOnMode: true, daily: false });
    w.connect(EDITOR);
    leaveInQuota(w, RESERVE + 40);
    expect(summaryOf(syncNow(w)).outcome).toBe('daily-limit');
    expect(summaryOf(syncNow(w, {}, EDITOR)).outcome).toBe('daily-limit');
    expect(liveClockTriggers(w, OWNER)).toEqual(['continueSync']);
    expect(liveClockTriggers(w, EDITOR)).toEqual(['continueSync']);
    for (let i = 0; i < 200 && (pendingRun(w) || pendingRun(w, EDITOR)); i += 1) {
      const next = [OWNER, EDITOR]
        .flatMap((u) => w.rt.triggers(u))
        .filter((t) => t.nextRunAt !== null)
        .map((t) => t.nextRunAt as number)
        .sort((a, b) => a - b)[0];
      if (next === undefined) break;
      w.rt.advanceTo(Math.max(next, w.clock.now()));
    }
    expect(pendingRun(w)).toBeUndefined();
    expect(pendingRun(w, EDITOR)).toBeUndefined();
    expect(unsynced(w)).toEqual([]);
    expect(repeatedWrites(w)).toEqual([]);
    expect(liveClockTriggers(w, OWNER)).toEqual([]);
    expect(liveClockTriggers(w, EDITOR)).toEqual([]);
  });
});

// -------------------------------------------------------------------------------------------
// Odd quota answers
// -------------------------------------------------------------------------------------------

describe("Keap's quota headers, odd", () => {
  test('held: a 429 whose quota headers say plenty left is a throttle: retried, no daily-limit stop', () => {
    const w = quotaWorld({ addOnMode: false, daily: false });
    w.sim.inject({ kind: 'throttle', route: 'contacts.patch', times: 3 });
    const summary = summaryOf(syncNow(w));
    expect(summary.outcome).not.toBe('daily-limit');
  });

  test('held: negative / malformed / missing available, expiry in the past', () => {
    const cases: Array<(h: Record<string, string>) => void> = [
      (h) => (h['x-keap-product-quota-available'] = '-5'),
      (h) => (h['x-keap-product-quota-expiry-time'] = String(Date.UTC(2020, 0, 1))),
      (h) => (h['x-keap-product-quota-available'] = 'lots'),
      (h) => delete h['x-keap-product-quota-available'],
    ];
    const outcomes: string[] = [];
    for (const change of cases) {
      const w = quotaWorld({ addOnMode: false, daily: false });
      rewriteHeaders(w, (h) => {
        if ('x-keap-product-quota-available' in h) change(h);
        return h;
      });
      const s = summaryOf(syncNow(w));
      outcomes.push(s.outcome);
      if (s.outcome === 'daily-limit') {
        // It waits for the documented reset, 00:00 UTC, never a time in the past.
        expect((s as SyncSummaryView & { continuesAt?: string }).continuesAt).toBe(
          new Date(RESET).toISOString(),
        );
        // Nothing was changed that the run does not say it changed.
        const statuses = statusByRow(w);
        for (let id = 1; id <= ROWS; id += 1) {
          if (primaryEmailOf(w, id) === newEmail(id)) {
            expect(statuses[id + 1]).toMatch(/^Updated: email changed to /);
          }
        }
      }
    }
    expect(outcomes).toEqual(['daily-limit', 'completed', 'completed', 'completed']);
  });
});

// -------------------------------------------------------------------------------------------
// Settings from the browser
// -------------------------------------------------------------------------------------------

describe('settings from a hostile sidebar', () => {
  function settingsWorld(): World {
    const w = quotaWorld({ addOnMode: true, daily: false });
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expect(logRows(w).length).toBeGreaterThan(1);
    return w;
  }

  /*
   * DEFECT (low/medium). getSettingsChoices hides the add-on's own tabs ("the tabs but the
   * add-on's own"), and resolveContactsTab skips them for the default, but saveSettings takes
   * any tab name row 1 can satisfy: a crafted google.script.run call (or a stale form) saves
   * the log tab 'Keap Sync Log' as the contacts tab, with row-1 log headers as the columns.
   * The next sync then treats log rows as contacts and writes Sync Status / Keap Sync Record
   * columns into the log tab, and each run appends its log row under them (seen: the log tab's
   * row 1 gains 'Sync Status', 'Last Synced', 'Keap Sync Record'; the first log row gets
   * "Error: 'Synced 5 rows: ...' is not a valid email address").
   * Likely cause: src/sync/index.ts saveSettings (no own-tab check before
   * checkAgainstHeaderRow), src/sync/settings.ts validateSettingsInput.
   */
  test("saveSettings refuses the add-on's own log tab as the contacts tab", () => {
    const w = settingsWorld();
    const saved = w.call<{ ok: boolean; errors: string[] }>('saveSettings', [
      {
        sheetName: 'Keap Sync Log',
        headers: { contactId: 'Rows seen', email: 'Message', optOut: 'Outcome', optOutReason: '' },
      },
    ]);
    expect(saved.ok).toBe(false);
  });

  test('held: odd tab names are answered with plain errors, no throw, no leak', () => {
    const w = settingsWorld();
    const names = [
      '__proto__',
      'constructor',
      '=IMPORTXML("http://x","//a")',
      'x'.repeat(999),
      '<img src=x onerror=alert(1)>',
      ' ',
      'Keap Sync Log',
    ];
    for (const sheetName of names) {
      const r = w.run<{ ok: boolean; tabs: string[]; headers: string[] }>('getSettingsChoices', [
        { sheetName },
      ]);
      expect(r.error).toBeUndefined();
      expect(r.value?.tabs).not.toContain('Keap Sync Log');
    }
    for (const bad of [
      [{ sheetName: 'x'.repeat(1001) }],
      [{ sheetName: 1 }],
      [JSON.parse('{"__proto__": {"sheetName": "Contacts"}}')],
      [{ sheetName: 'Contacts', extra: 1 }],
      ['Contacts'],
      [{ sheetName: 'Contacts' }, 2],
    ]) {
      const r = w.run('getSettingsChoices', bad);
      expect(r.error?.message).toMatch(/arguments it does not accept/);
    }
    expect(w.capturedText()).not.toContain('keap-client-secret-do-not-leak');
  });
});

// -------------------------------------------------------------------------------------------
// What the sidebar and the summary say while a run waits for the quota
// -------------------------------------------------------------------------------------------

describe('an execution that stopped at the quota and was then killed', () => {
  /*
   * DEFECT (low). The execution that met the quota saved its waiting checkpoint (waitUntil =
   * 00:00 UTC) and was killed before giving its lease back (e.g. while appending its log row).
   * The sidebar then says two things at once: "Your last sync was interrupted; it continues at
   * the next run (about 04:00)" (the next hourly firing, 09:00 UTC, which returns at once
   * because the run waits) and "... It continues after 19:00 (00:00 UTC)". The first is false.
   * Likely cause: src/sync/triggers.ts continuesAfter(after, pendingRun) knows no waitUntil;
   * src/sync/index.ts continuesAtForMe and leaseFor pass `pendingRunOf(id) !== null`, so a run
   * waiting for Keap ('later') is treated like one that continues at the next firing.
   */
  test('"interrupted ... continues at" is not before the reset the run waits for', () => {
    const calls: string[] = [];
    const reference = quotaWorld({ addOnMode: true, daily: true });
    leaveInQuota(reference, RESERVE + 40);
    reference.rt.run('syncNow', [], {
      user: OWNER,
      spreadsheetId: reference.spreadsheetId,
      authMode: 'FULL',
      onServiceCall: ({ service, method }) => calls.push(`${service}.${method}`),
    });
    // The kill: the log row's append, after the waiting checkpoint was saved.
    const n = calls.lastIndexOf('Sheet.appendRow') + 1;
    expect(n).toBeGreaterThan(0);
    const w = quotaWorld({ addOnMode: true, daily: true });
    leaveInQuota(w, RESERVE + 40);
    const killed = w.rt.run('syncNow', [], {
      user: OWNER,
      spreadsheetId: w.spreadsheetId,
      authMode: 'FULL',
      killAfterServiceCalls: n,
    });
    expect(killed.killed).toBe(true);
    expect(JSON.parse(pendingRun(w) as string)).toMatchObject({ waitUntil: RESET });
    w.clock.set(w.clock.now() + 8 * 60_000);
    const status = w.call<{
      interrupted: { continuesAt: string | null } | null;
      waitingForKeapUntil: string | null;
    }>('getSyncStatus');
    expect(status.waitingForKeapUntil).toBe(new Date(RESET).toISOString());
    expect(status.interrupted).not.toBeNull();
    const at = Date.parse(status.interrupted?.continuesAt ?? '');
    expect(at).toBeGreaterThanOrEqual(RESET);
  });
});

describe('the quota spent by someone else between the writes and their read-back', () => {
  /*
   * DEFECT (low). Five opt-outs are sent; Keap's answers to them say the quota is now 0
   * (another user of the add-on spent the reserve). The read-back (work in flight) is rightly
   * not sent, but the run is not stopped "for the quota": DailyQuota.allows' in-flight branch
   * (src/keap/dailyQuota.ts allows: `if (inFlight) return left >= count;`) refuses without
   * setting `stopped`, so stoppedUntil() is null and the gateway reports no dailyLimitResetsAt.
   * The run ends "completed ... 5 rows will be retried (Keap was busy)", with no checkpoint and
   * no waitUntil: the cause is misreported, and the next Sync now spends requests on a quota
   * that is spent (a run waiting for the reset would answer at once).
   */
  test('is reported as the daily limit, and the run waits for the reset', () => {
    const rows = Array.from({ length: 5 }, (_, i) => [i + 1, `e${i + 1}@example.com`, 'yes', '']);
    const w = syncWorld(rows, { runtime: { addOnMode: true } });
    for (let id = 1; id <= 5; id += 1) w.addContact(id, `e${id}@example.com`);
    rewriteHeaders(w, (h, status) => {
      if (status < 300 && h['x-keap-product-quota-available'] !== undefined && lastWasWrite) {
        h['x-keap-product-quota-available'] = '0';
      }
      return h;
    });
    let lastWasWrite = false;
    w.sim.inject({
      kind: 'slow',
      delayMs: 0,
      when: ({ request }) => {
        lastWasWrite = request.method.toUpperCase() === 'PATCH';
        return false;
      },
    });
    const summary = summaryOf(syncNow(w));
    // Keap applied the opt-outs; the rows honestly say the read-back is pending.
    for (let id = 1; id <= 5; id += 1) {
      expect(w.sim.emailStatus('xy123', `e${id}@example.com`)?.optedIn).toBe(false);
    }
    expect(summary.outcome).toBe('daily-limit');
  });
});

describe('Disconnect whose trigger listing failed, reconnect, while a carried run waits for the quota', () => {
  /*
   * DEFECT (medium). Add-on, daily sync off, a manual run waits for Keap's quota on its hourly
   * carrier. Disconnect: Google fails to list the triggers, so the records are paused and the
   * carrier forgotten, but the carrier trigger stays (documented: it stands down when it fires).
   * The person reconnects before it fires and opens the sidebar: carryPendingRun tries to make a
   * carrier, which the add-on refuses (the leftover is the document's one time-driven trigger),
   * so no carrier is recorded. The leftover then fires: not the recorded carrier, it takes the
   * one-off path, finds the run waiting ('later'), returns, and its finally cleanUpFollowUps
   * deletes it. The waiting run is left with no trigger at all: it never continues (until a
   * person opens the sidebar again).
   * Likely cause: src/sync/index.ts runContinuation (a non-carrier continueSync firing for a
   * run that waits is removed without making sure a recurring trigger carries the run), with
   * src/sync/triggers.ts carryPendingRun/recurringFiring refused in add-on mode by the leftover.
   */
  test('the run still continues after the reset', () => {
    const w = quotaWorld({ addOnMode: true, daily: false });
    leaveInQuota(w, RESERVE + 40);
    expect(summaryOf(syncNow(w)).outcome).toBe('daily-limit');
    expect(liveClockTriggers(w)).toEqual(['continueSync']);
    // Disconnect, with every ScriptApp.getProjectTriggers failing (Google's service error).
    const d = w.rt.run('disconnect', [], {
      user: OWNER,
      spreadsheetId: w.spreadsheetId,
      authMode: 'FULL',
      onServiceCall: ({ service, method }) => {
        if (service === 'ScriptApp' && method === 'getProjectTriggers') {
          throw new Error("We're sorry, a server error occurred. Please wait a bit and try again.");
        }
      },
    });
    expect(d.error).toBeUndefined();
    expect(w.rt.userProperties(OWNER)[`keapSync.triggers.${w.spreadsheetId}`]).toBeUndefined();
    expect(liveClockTriggers(w)).toEqual(['continueSync']); // left behind
    w.clock.set(w.clock.now() + 10 * 60_000);
    w.connect();
    w.call('getSidebarState');
    // The person closes the sidebar; the day goes by.
    fireUntil(w, RESET + 3 * HOUR);
    expect(pendingRun(w)).toBeUndefined();
    expect(unsynced(w)).toEqual([]);
  });
});

describe('Disconnect while a run waits for the quota (no reconnect)', () => {
  /*
   * DEFECT (low/medium). After Disconnect every sync trigger of the user is gone (by design: a
   * run waits for a connection), yet the sidebar still says "Keap's daily request limit ... was
   * reached, so the sync paused. It continues after 19:00 (00:00 UTC) ...; nothing needs
   * doing." beside "Daily sync paused: Keap is disconnected". Nothing continues after 19:00 and
   * something does need doing (connect again). The same false notice shows after "turning the
   * daily sync off" above, where no trigger is left either. A "waiting" state must be true.
   * Likely cause: src/sync/index.ts waitingForKeapUntil (reads the checkpoint only, not the
   * connection nor whether a recurring trigger carries the run); src/ui/sidebarState.ts:116
   * turns it into the "nothing needs doing" notice.
   */
  test('the sidebar does not promise the run continues by itself', () => {
    const w = quotaWorld({ addOnMode: true, daily: true });
    leaveInQuota(w, RESERVE + 40);
    expect(summaryOf(syncNow(w)).outcome).toBe('daily-limit');
    w.call('disconnect');
    expect(liveClockTriggers(w)).toEqual([]);
    expect(pendingRun(w)).toBeDefined();
    const state = w.call<Sidebar>('getSidebarState');
    expect(state.sync.notices.join(' ')).not.toMatch(/continues after .*nothing needs doing/);
  });
});

describe('an expiry-time header that puts the reset a minute away, while the quota stays spent', () => {
  /*
   * DEFECT (low/medium). Keap's expiry-time format/meaning is undocumented; the add-on trusts
   * any time in (now, now + 1 day] (src/keap/dailyQuota.ts resetTime). If Keap's 429 says the
   * quota expires a minute from now (e.g. a per-minute window, or a clock skew) while the daily
   * quota is in fact spent until 00:00 UTC, the bound script's 5-minute carrier continues the
   * run at every firing: from 08:00 to 00:00 UTC that is ~190 executions, each sending a
   * request into the spent quota, rewriting all 60 row statuses and appending a 'daily-limit'
   * log row (192 log rows in a day, seen). The sidebar notice also reads "It continues after
   * 03:01 (00:00 UTC)": the "(00:00 UTC)" is hard-coded (src/ui/messages.ts dailyLimitText)
   * whatever the waitUntil. Expected: a reset no earlier than Keap's documented 00:00 UTC for
   * a spent *daily* quota (or at least a back-off), so a day's wait costs a handful of rows.
   */
  test('does not log a daily-limit row at every carrier firing for the rest of the day', () => {
    const w = quotaWorld({ addOnMode: false, daily: false });
    leaveInQuota(w, 0);
    rewriteHeaders(w, (h) => {
      if (h['x-keap-product-quota-expiry-time'] !== undefined) {
        h['x-keap-product-quota-expiry-time'] = String(w.clock.now() + 60_000);
      }
      return h;
    });
    expect(summaryOf(syncNow(w)).outcome).toBe('daily-limit');
    const requests = w.sim.log.length;
    fireUntil(w, RESET - 1);
    expect(logRows(w).length - 1).toBeLessThanOrEqual(3);
    expect(w.sim.log.length - requests).toBeLessThanOrEqual(3);
  });
});

describe("Deny on Keap's consent page", () => {
  test("held: the note is the denier's own, changes no connection, and a later Allow clears it", () => {
    const w = quotaWorld({ addOnMode: true, daily: false });
    const page = w.connect(EDITOR, { approve: false });
    expect(page).toContain('Not connected');
    const editor = w.call<{ consent: { outcome: string } | null }>('getSidebarState', [], EDITOR);
    expect(editor.consent?.outcome).toBe('denied');
    const owner = w.call<{ connection: { state: string }; consent: unknown }>('getSidebarState');
    expect(owner.consent).toBeNull();
    expect(owner.connection.state).toBe('connected');
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    w.connect(EDITOR);
    const after = w.call<{ connection: { state: string }; consent: unknown }>(
      'getSidebarState',
      [],
      EDITOR,
    );
    expect(after.consent).toBeNull();
    expect(after.connection.state).toBe('connected');
  });
});
