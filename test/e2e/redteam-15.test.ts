/**
 * Red team of #15 (items 1-7, 9): faults, people and time combined, through the built bundle
 * on the virtual clock. Each `test.failing` shows a defect that is still there (it passes
 * once the defect is fixed: then turn it into a plain `test`); the plain tests are attacks
 * that held up.
 */
import type { ExecutionContext, ExecutionResult } from '../gas-runtime';
import { liveClockTriggers, pendingRun, worked } from './support/hourly';
import { logRows, repeatedWrites, sentPatches, syncWorld } from './support/reliability';
import { DAY, EDITOR, HOUR, OWNER, World } from './world';

const ROWS = 60;
const DAILY_HOUR = 9;
const MINUTE = 60_000;

interface Summary {
  outcome: string;
  message: string;
  rowsSeen: number;
  emailsUpdated: number;
  unchanged: number;
  errors: number;
}

interface Sidebar {
  connection: { state: string };
  sync: {
    daily: { enabled: boolean; hour: number | null; paused?: boolean; repaired?: boolean };
    running: boolean;
    notices: string[];
  };
}

function sidebar(w: World, user = OWNER): Sidebar {
  return w.call<Sidebar>('getSidebarState', [], user);
}

/** 60 rows to update; Keap slow on the first 48 PATCHes, so a run needs two executions. 08:00. */
function longWorld(
  options: {
    addOnMode?: boolean;
    daily?: boolean;
    patchDelayMs?: number;
    slowPatches?: number;
  } = {},
): World {
  const rows = Array.from({ length: ROWS }, (_, i) => [i + 1, `new${i + 1}@example.com`, '', '']);
  const w = syncWorld(rows, { runtime: { addOnMode: options.addOnMode ?? true } });
  for (let i = 1; i <= ROWS; i += 1) w.addContact(i, `old${i}@example.com`);
  if (options.daily ?? true) w.call('enableDailySync', [DAILY_HOUR]);
  w.sim.inject({
    kind: 'slow',
    delayMs: options.patchDelayMs ?? 150_000,
    route: 'contacts.patch',
    times: options.slowPatches ?? 48,
  });
  return w;
}

/** Moves the clock to the next firing of any of `user`'s triggers, with a fault or hook. */
function fireNext(w: World, ctx: ExecutionContext = {}, user = OWNER): ExecutionResult[] {
  const next = w.rt
    .triggers(user)
    .filter((t) => t.nextRunAt !== null)
    .sort((a, b) => (a.nextRunAt as number) - (b.nextRunAt as number))[0];
  if (!next) throw new Error('no live trigger');
  w.rt.nextFiringContext = ctx;
  return w.rt.advanceTo(Math.max(next.nextRunAt as number, w.clock.now()));
}

/** Lets every trigger of the world fire for `ms`; the firings that did work. */
function letRun(w: World, ms: number): ExecutionResult[] {
  return worked(w.rt.advanceBy(ms));
}

function summary(result: ExecutionResult): Summary {
  if (result.error) throw new Error(`${result.fn} threw: ${result.error.message}`);
  return result.value as Summary;
}

function primaryEmails(w: World): string[] {
  return Array.from({ length: ROWS }, (_, i) => w.emailsOf(i + 1).EMAIL1);
}

const ALL_NEW = Array.from({ length: ROWS }, (_, i) => `new${i + 1}@example.com`);

// ---- item 5: Disconnect means stop ------------------------------------------------------

describe('Disconnect while a sync runs or its trigger is missing (item 5)', () => {
  /*
   * DEFECT: the daily run is talking to Keap when the person clicks Disconnect. Disconnect
   * removes the hourly trigger and marks the daily sync paused, but the running execution then
   * saves its checkpoint and makes a one-off `continueSync` follow-up (the per-document slot is
   * free again, so even an add-on may). It fires an hour later, finds no connection, and
   * writes a "needs-reconnect" log row and e-mails "reconnect Keap", while the sidebar says
   * the daily sync is paused. Cause: runSync.ts schedules the follow-up whatever happened
   * meanwhile; triggers.ts tryFollowUp() does not look at `daily.paused` (nor at the
   * connection); pauseAllTriggers() only removes the triggers that exist at that moment.
   */
  test('Disconnect during the daily run leaves no trigger, no e-mail, no log row', () => {
    const w = longWorld();
    let fetches = 0;
    fireNext(w, {
      onServiceCall: ({ service, method }) => {
        // The third Keap batch: the PATCHes, 2.5 minutes in (no lock is held).
        if (service === 'UrlFetchApp' && method === 'fetchAll' && (fetches += 1) === 3) {
          expect(w.run('disconnect').error).toBeUndefined();
        }
      },
    });
    expect(sidebar(w).sync.daily).toMatchObject({ enabled: false, paused: true });
    const mails = w.rt.mail.length;
    const logs = logRows(w).length;
    expect({
      triggers: liveClockTriggers(w),
      firings: letRun(w, 3 * DAY).map((e) => e.fn),
      mails: w.rt.mail.length - mails,
      logRows: logRows(w).length - logs,
    }).toEqual({ triggers: [], firings: [], mails: 0, logRows: 0 });
  });

  /*
   * DEFECT: the person deleted the daily trigger by hand in the Apps Script dashboard (or
   * Google dropped it), then clicked Disconnect. pauseAllTriggers() walks the live triggers
   * only, so this spreadsheet's record is never marked paused; the next sidebar open runs
   * ensure(), which "repairs" the daily sync: "The daily sync had lost its trigger; it was
   * put back." while Keap is disconnected, and from then on every day a needs-reconnect run,
   * log row and e-mail. Cause: src/sync/triggers.ts pauseAllTriggers() (~line 150) pauses by
   * trigger, not by the user's records; ensure() (~line 290) repairs without asking whether
   * the user is connected.
   */
  test('a trigger lost before Disconnect is not put back by the sidebar afterwards', () => {
    const w = syncWorld([[1, 'x@example.com', '', '']], { runtime: { addOnMode: true } });
    w.addContact(1, 'old@example.com');
    w.call('enableDailySync', [DAILY_HOUR]);
    expect(w.rt.deleteTrigger(w.rt.triggers(OWNER)[0].uid)).toBe(true);
    w.call('disconnect');
    const state = sidebar(w);
    const mails = w.rt.mail.length;
    expect({
      daily: { enabled: state.sync.daily.enabled, paused: state.sync.daily.paused === true },
      notices: state.sync.notices,
      triggers: liveClockTriggers(w),
      firings: letRun(w, 2 * DAY).length,
      mails: w.rt.mail.length - mails,
    }).toEqual({
      daily: { enabled: false, paused: true },
      notices: [],
      triggers: [],
      firings: 0,
      mails: 0,
    });
  });

  /*
   * DEFECT: ScriptApp.getProjectTriggers fails (a Google service error, 4 times: the retries
   * are spent) while the person clicks Disconnect. pauseDailySyncs() swallows the error and
   * the token is removed anyway: "Disconnected", yet the daily sync still shows on, and every
   * day its run e-mails "reconnect Keap". Cause: src/sync/index.ts pauseDailySyncs() ignores
   * the failure; src/entry/connection.ts disconnect() goes on to disconnectKeap(). Either
   * the disconnect should fail and say so, or the records should be marked paused first (and
   * a run that finds a paused/disconnected record should remove its own trigger).
   */
  test('Disconnect while Google fails to list the triggers still stops the daily sync', () => {
    const w = syncWorld([[1, 'x@example.com', '', '']], { runtime: { addOnMode: true } });
    w.addContact(1, 'old@example.com');
    w.call('enableDailySync', [DAILY_HOUR]);
    const calls: string[] = [];
    // Calls 4, 6, 8, 10 are getProjectTriggers and its three retries (5, 7, 9 the pauses).
    const result = w.rt.run<{ state: string }>('disconnect', [], {
      user: OWNER,
      spreadsheetId: w.spreadsheetId,
      authMode: 'FULL',
      failServiceCalls: [4, 6, 8, 10],
      onServiceCall: ({ n, service, method }) => calls.push(`${n} ${service}.${method}`),
    });
    expect(calls.slice(3, 10)).toEqual([
      '4 ScriptApp.getProjectTriggers',
      '5 Utilities.sleep',
      '6 ScriptApp.getProjectTriggers',
      '7 Utilities.sleep',
      '8 ScriptApp.getProjectTriggers',
      '9 Utilities.sleep',
      '10 ScriptApp.getProjectTriggers',
    ]);
    const disconnected = result.error === undefined && result.value?.state === 'not-connected';
    const mails = w.rt.mail.length;
    const daily = sidebar(w).sync.daily;
    // Either Disconnect said it failed, or it stopped the daily sync.
    expect({
      disconnected,
      dailyOn: daily.enabled,
      mails: (letRun(w, 2 * DAY), w.rt.mail.length - mails),
    }).toEqual(
      disconnected
        ? { disconnected, dailyOn: false, mails: 0 }
        : { disconnected, dailyOn: true, mails: 0 },
    );
  });
});

describe('one Google service error reading the stored Keap token (item 1)', () => {
  /*
   * DEFECT (known: test/e2e/sync-followups.test.ts tolerates it as "a known gap"): one
   * transient service error on the user-properties read of the token when the follow-up
   * opens its Keap client is reported as "Another run held the Keap connection for too
   * long" (no other run exists) and closes the run as failed. The daily run's slot was
   * already marked done by its first execution, so the 12 rows left wait for the NEXT DAY's
   * run, not the next firing. Cause: src/connection/tokenAccess.ts accessToken() (~line 53):
   * `catch { throw new KeapUnavailableError(LOCK_BUSY_WORDS) }` assumes "only the library's
   * waitLock throws here", but hasAccess() also reads user properties; the read is not
   * wrapped in the service retry, and the stop is not "transient" for runSync.ts, which
   * would have kept the checkpoint.
   */
  test('in a follow-up is retried, or the run continues at the next firing', () => {
    const dry = longWorld();
    fireNext(dry);
    const calls: string[] = [];
    fireNext(dry, { onServiceCall: ({ service, method }) => calls.push(`${service}.${method}`) });
    // The token read of the Keap client: the last user-properties read before Keap.
    const firstFetch = calls.indexOf('UrlFetchApp.fetchAll');
    const tokenRead = calls.lastIndexOf('UserProperties.getProperty', firstFetch) + 1;
    const w = longWorld();
    expect(summary(fireNext(w)[0]).outcome).toBe('continuing');
    const second = summary(worked(fireNext(w, { failServiceCalls: [tokenRead] }))[0]);
    letRun(w, 6 * HOUR);
    expect(primaryEmails(w)).toEqual(ALL_NEW);
    expect(second.message).not.toMatch(/Another run held the Keap connection/);
  });
});

// ---- items 1, 2: a follow-up that fails must leave a trigger that finishes the work ------

describe('a manual sync continued by its one-off follow-up (daily sync off; items 1, 2)', () => {
  /*
   * DEFECT: with the daily sync off, "Sync now" on a sheet that needs two executions makes a
   * one-off continueSync (accepted in both modes; an hour out under the add-on rule). ONE
   * Google service error at the follow-up's first call, ScriptApp.getProjectTriggers in
   * checkFiredBy (src/entry/sync.ts:27, not retried), ends that execution; the spent one-off
   * is the only trigger, so the checkpoint waits for ever: 12 rows are never synced, no log
   * row, no e-mail, and the person was told "the rest continues automatically in a few
   * minutes". A kill at any call of that follow-up does the same (the sidebar then says
   * "sync again to finish it" only if the kill came after the lease was taken). Cause:
   * docs/ARCHITECTURE.md "A follow-up's failure or kill never matters, because the hourly
   * trigger stays" assumes the daily sync is on; src/sync/triggers.ts tryFollowUp() arms no
   * successor before the follow-up works, and runContinuation() (src/sync/index.ts) deletes
   * the spent one-off in `finally` even when the run did not get going.
   */
  test.each([
    ['add-on', true],
    ['bound script', false],
  ])('%s: one service error at the follow-up start does not strand the run', (_, addOnMode) => {
    const w = longWorld({ addOnMode, daily: false });
    expect(w.call<Summary>('syncNow').outcome).toBe('continuing');
    expect(liveClockTriggers(w)).toEqual(['continueSync']);
    fireNext(w, { failServiceCalls: [1] });
    letRun(w, DAY);
    expect({ pending: pendingRun(w) !== undefined, keap: primaryEmails(w) }).toEqual({
      pending: false,
      keap: ALL_NEW,
    });
  });
});

// ---- item 2: what the person is told about the follow-up --------------------------------

describe('the continuing message in add-on mode (item 2)', () => {
  /*
   * DEFECT: installed as an add-on, the quick follow-up is refused and the hourly trigger
   * continues the run about an hour later, but the run's summary (sidebar alert, last run)
   * says "the rest continues automatically in a few minutes". Cause: src/sync/tally.ts
   * continuingMessage() (line ~88) and src/ui/messages.ts ("continues by itself shortly")
   * do not depend on whether a follow-up was made (tryFollowUp's result is dropped in
   * src/sync/services.ts `schedule`).
   */
  test('does not promise "a few minutes" when the next execution is an hour away', () => {
    const w = longWorld();
    const first = summary(fireNext(w)[0]);
    expect(first.outcome).toBe('continuing');
    const endedAt = w.clock.now();
    const next = worked(fireNext(w));
    expect(next[0].startedAt - endedAt).toBeGreaterThan(50 * MINUTE);
    expect(first.message).not.toMatch(/in a few minutes/);
  });
});

// ---- item 7: the day a refused row is tried again --------------------------------------

describe('the day a refused row says it is tried again (item 7)', () => {
  /*
   * DEFECT: a "Sync now" at 22:00 records "Contact 404 was not found ... Trying again on Tue
   * 7 Jan 2025"; the daily run at 09:00 on Tue 7 Jan does not try it (due is 22:00 + 1 day -
   * 12 h = 10:00), the one on Wed 8 Jan does. The status names a day on which nothing happens.
   * Cause: src/sync/rowRetry.ts nextTryAt()/isRetryDue() (EARLY_MS = 12 h) versus the day
   * written by src/sync/execution.ts account() (`withNextTry(status, this.day(nextTryAt))`):
   * the day shown must be the day of the first daily run at or after the due moment.
   */
  test('the row is tried on the day its status names', () => {
    const w = syncWorld([[404, 'x@example.com', '', '']], { runtime: { addOnMode: true } });
    w.clock.set(w.clock.now() + 14 * HOUR); // 22:00 on Mon 6 Jan 2025
    w.call('syncNow');
    const status = String(w.column('Sync Status')[0]);
    const promised = /Trying again on (\w{3}, \w{3} \d+)/.exec(status)?.[1];
    expect(promised).toBe('Tue, Jan 7');
    w.call('enableDailySync', [DAILY_HOUR]); // from Tue 7 Jan 2025, 09:00
    const reads = () => w.sim.log.filter((e) => e.route.startsWith('contacts.')).length;
    const before = reads();
    letRun(w, DAY); // through 09:00 on Tue 7 Jan 2025
    expect(reads() - before).toBeGreaterThan(0);
  });
});

// ---- item 3: a run continued with another Keap account ---------------------------------

describe('a pending run continued after the connection moved to another Keap account (item 3)', () => {
  /*
   * DEFECT: the daily run updates 48 contacts in account xy123 and saves its checkpoint; the
   * person then saves an API key of account sbx42 (no Disconnect, so the trigger stays). The
   * follow-up continues the xy123 run with the sbx42 key: it (rightly) sends all 60 rows to
   * sbx42, but logs ONE run "Synced 60 rows: 108 emails updated" with no word that two
   * accounts were written. Cause: src/sync/checkpoint.ts RunCheckpoint has no account; the
   * continuation (src/sync/runSync.ts resumableRun) does not compare it with the current
   * connection, so it should close the old run (its own log row) and start a new one.
   */
  test('is not logged as one run of 108 updates for 60 rows', () => {
    const w = longWorld();
    w.sim.addTenant('sbx42');
    for (let i = 1; i <= ROWS; i += 1)
      w.sim.addContact('sbx42', { id: i, email1: `old${i}@example.com` });
    expect(summary(fireNext(w)[0]).outcome).toBe('continuing');
    w.call('saveApiKey', [w.sim.createApiKey('sbx42', 'PAT')]);
    const last = summary(worked(fireNext(w))[0]);
    expect(last.outcome).toBe('completed');
    expect(last.emailsUpdated).toBeLessThanOrEqual(last.rowsSeen);
  });
});

// ---- item 4: settings changed between two executions of one run -------------------------

describe('settings changed between two executions of one run (item 4)', () => {
  /*
   * DEFECT: editor B points the sync at a new tab while the owner's daily run is between
   * executions. The continuation syncs the new tab (right), but its errors and unchanged rows
   * are never counted (only a run's first execution counts them) while the first tab's 48
   * updates are: the log says "Synced 2 rows: 48 emails updated, 1 unchanged, 0 errors"
   * although the new tab's row 2 shows an Error. Cause: src/sync/execution.ts syncRows()
   * counts issues and unchanged rows only when `firstOfRun`; the checkpoint
   * (src/sync/checkpoint.ts) does not keep the settings it was started with, so a changed
   * tab is not noticed.
   */
  test('the run that ends says how many rows of the synced tab are errors', () => {
    const w = longWorld();
    expect(summary(fireNext(w)[0]).outcome).toBe('continuing');
    w.rt.addSheet(w.spreadsheetId, 'People', [
      ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'],
      [1, 'not-an-email', '', ''],
      [2, 'new2@example.com', '', ''],
    ]);
    expect(w.call('saveSettings', [{ sheetName: 'People', headers: {} }], EDITOR)).toEqual({
      ok: true,
      errors: [],
    });
    const last = summary(worked(fireNext(w))[0]);
    expect(String(w.column('Sync Status', 'People')[0])).toMatch(/^Error: /);
    expect({ rowsSeen: last.rowsSeen, errors: last.errors }).toEqual({ rowsSeen: 2, errors: 1 });
    expect(last.emailsUpdated).toBeLessThanOrEqual(last.rowsSeen);
  });
});

// ---- item 6: never send what was not read ----------------------------------------------

const OLD_SLOT = { email: 'old@example.com', field: 'EMAIL1' };

/*
 * DEFECT: four contact-list answers (200, valid JSON) whose email list is not one slot per
 * field are still taken as the contact's whole list, and the replace-all PATCH built from
 * them deletes EMAIL2 or sends Keap a list it did not describe:
 *  - an address under EMAIL_FIELD_UNSPECIFIED is skipped (src/keap/contactsApi.ts
 *    toEmailSlots(), `if (field === UNSPECIFIED_FIELD) continue;` ~line 55), so the PATCH
 *    drops it: Keap loses keep@example.com;
 *  - the same contact twice in one answer (pages that overlap) with different lists: the
 *    later one wins silently (src/keap/gateway.ts readContacts -> readByKey, Map by id), the
 *    PATCH drops EMAIL2;
 *  - one field twice, or an empty address: passed through into the PATCH (the simulator
 *    refuses it; Keap's behaviour is not documented, and an empty EMAIL2 may clear it).
 * Required by #15 item 6: "Any answer that does not have the expected shape is 'Keap sent an
 * answer the add-on could not read' (row will retry), never a basis for a write."
 */
describe('a contact list whose email slots are not one address per field (item 6)', () => {
  test.each([
    [
      'an address under EMAIL_FIELD_UNSPECIFIED',
      [
        {
          id: '1',
          email_addresses: [
            OLD_SLOT,
            { email: 'keep@example.com', field: 'EMAIL_FIELD_UNSPECIFIED' },
          ],
        },
      ],
    ],
    [
      'the contact twice, with different lists',
      [
        { id: '1', email_addresses: [OLD_SLOT, { email: 'keep@example.com', field: 'EMAIL2' }] },
        { id: '1', email_addresses: [OLD_SLOT] },
      ],
    ],
    [
      'EMAIL2 twice',
      [
        {
          id: '1',
          email_addresses: [
            OLD_SLOT,
            { email: 'keep@example.com', field: 'EMAIL2' },
            { email: 'other@example.com', field: 'EMAIL2' },
          ],
        },
      ],
    ],
    ['an empty EMAIL2', [{ id: '1', email_addresses: [OLD_SLOT, { email: '', field: 'EMAIL2' }] }]],
  ])('%s: no PATCH is built from it, EMAIL2 stays', (_, contacts) => {
    const w = syncWorld([[1, 'new@example.com', '', '']]);
    w.addContact(1, 'old@example.com', 'keep@example.com');
    w.sim.inject({
      kind: 'status',
      status: 200,
      body: JSON.stringify({ contacts }),
      route: 'contacts.list',
    });
    const run = w.call<Summary>('syncNow');
    expect({ patches: sentPatches(w).length, keap: w.emailsOf(1) }).toEqual({
      patches: 0,
      keap: { EMAIL1: 'old@example.com', EMAIL2: 'keep@example.com' },
    });
    expect(run.message).toMatch(/could not read/);
  });
});

// ---- item 9: running / interrupted -----------------------------------------------------

describe('a killed execution, as its starter and others see it (items 1, 9)', () => {
  /*
   * DEFECT: Google kills "Sync now" at the 6-minute limit (a slow Keap batch crosses it). The
   * lease taken when the execution started lasts 7 minutes, so for the rest of it the
   * starter's sidebar shows running: true, which the sidebar words as "A sync of this
   * spreadsheet is running now (daily sync or another person)", with Sync now and Preview
   * disabled: a dead run shown as running, to the person who started it. Cause:
   * src/sync/budget.ts SYNC_LIMITS.leaseMs = 7 min > the 6-minute execution limit
   * (src/sync/lease.ts acquire() sets expiresAt = now + ttl); an execution can never outlive
   * startedAt + 6 min, so the lease need not either.
   */
  test('a run killed at the 6-minute limit is not shown as running afterwards', () => {
    // Each PATCH batch takes 200 s: the second one crosses the 6-minute limit.
    const w = longWorld({ patchDelayMs: 200_000, slowPatches: 100 });
    const killed = w.run('syncNow');
    expect(killed.killed).toBe(true);
    expect(w.clock.now() - killed.startedAt).toBeGreaterThanOrEqual(6 * MINUTE);
    const state = sidebar(w);
    expect(state.sync.running).toBe(false);
    expect(state.sync.notices.join(' ')).toMatch(/^Your last sync was interrupted/);
  });

  /*
   * DEFECT: the daily run's first execution is killed at 09:02, before its first checkpoint.
   * Its slot has starts left, so the hourly trigger starts it again at 10:00. The owner's
   * sidebar says "it continues at the next run (about 09:00)", i.e. tomorrow; editor B (daily
   * sync off) is told "A sync by owner@example.com was interrupted; sync again to finish it."
   * although the owner's trigger finishes it within the hour. Cause: src/sync/index.ts
   * getSyncStatus() computes `continuesAt` from the VIEWER's checkpoint and daily schedule
   * (pendingRunOf(spreadsheetId) reads the viewer's user properties; `daily` is the viewer's)
   * and ignores a slot with starts left (SyncTriggers.claimDailySlot / slot.attempts).
   */
  test('an interrupted daily run tells both people when it really continues', () => {
    const w = longWorld();
    w.connect(EDITOR);
    // Call 86 is the PATCH batch (09:00:01); the checkpoint is saved at call 92.
    const killed = fireNext(w, { killAfterServiceCalls: 86 })[0];
    expect(killed.killed).toBe(true);
    expect(pendingRun(w)).toBeUndefined();
    w.clock.set(w.clock.now() + 8 * MINUTE);
    const owner = sidebar(w).sync.notices.join(' ');
    const editor = sidebar(w, EDITOR).sync.notices.join(' ');
    const retry = worked(fireNext(w))[0];
    expect(new Date(retry.startedAt).toISOString().slice(11, 13)).toBe('10');
    expect({ owner, editor }).toEqual({
      owner: 'Your last sync was interrupted; it continues at the next run (about 10:00 AM).',
      editor:
        'A sync of this spreadsheet was interrupted; it continues at the next run (about 10:00 AM).',
    });
  });
});

// ---- what held up ----------------------------------------------------------------------

describe('held up', () => {
  it.each([
    [
      'America/New_York',
      1,
      Date.UTC(2026, 9, 31, 12),
      ['2026-11-01T05', '2026-11-02T06', '2026-11-03T06'],
    ],
    [
      'America/New_York',
      2,
      Date.UTC(2026, 2, 7, 12),
      ['2026-03-08T06', '2026-03-09T06', '2026-03-10T06'],
    ],
    [
      'Europe/Berlin',
      2,
      Date.UTC(2026, 9, 24, 12),
      ['2026-10-25T01', '2026-10-26T01', '2026-10-27T01'],
    ],
  ] as const)(
    'one daily run per local day across a DST change (%s, daily hour %j)',
    (timeZone, hour, start, hours) => {
      const w = new World({ rows: [[1, 'a@example.com', '', '']], runtime: { timeZone } });
      w.clock.set(start);
      w.connect();
      w.addContact(1, 'old@example.com');
      w.call('enableDailySync', [hour]);
      const ran = letRun(w, 3 * DAY);
      expect(ran.map((e) => new Date(e.startedAt).toISOString().slice(0, 13))).toEqual(hours);
      expect(ran.map((e) => summary(e).outcome)).toEqual(['completed', 'completed', 'completed']);
    },
  );

  it('two people with the daily sync on one spreadsheet: one trigger each, every row once', () => {
    const w = longWorld();
    w.connect(EDITOR);
    w.call('enableDailySync', [DAILY_HOUR], EDITOR);
    for (const user of [OWNER, EDITOR]) expect(liveClockTriggers(w, user)).toEqual(['dailySync']);
    letRun(w, DAY);
    for (const user of [OWNER, EDITOR]) {
      expect(liveClockTriggers(w, user)).toEqual(['dailySync']);
      expect(pendingRun(w, user)).toBeUndefined();
    }
    expect(primaryEmails(w)).toEqual(ALL_NEW);
    expect(repeatedWrites(w)).toEqual([]);
  });

  it('a trigger deleted by hand while a run is pending: the sidebar puts it back and the run ends', () => {
    const w = longWorld();
    expect(summary(fireNext(w)[0]).outcome).toBe('continuing');
    w.rt.deleteTrigger(w.rt.triggers(OWNER)[0].uid);
    expect(letRun(w, 2 * HOUR)).toEqual([]);
    expect(sidebar(w).sync.notices).toContain(
      'The daily sync had lost its trigger; it was put back.',
    );
    letRun(w, 2 * HOUR);
    expect(pendingRun(w)).toBeUndefined();
    expect(primaryEmails(w)).toEqual(ALL_NEW);
    expect(liveClockTriggers(w)).toEqual(['dailySync']);
  });

  it('a checkpoint older than a day: closed with one "failed" row and e-mail, then a new run ends the work', () => {
    const w = longWorld();
    expect(summary(fireNext(w)[0]).outcome).toBe('continuing');
    w.rt.deleteTrigger(w.rt.triggers(OWNER)[0].uid);
    w.clock.set(w.clock.now() + 30 * HOUR);
    expect(sidebar(w).sync.notices).toContain(
      'The daily sync had lost its trigger; it was put back.',
    );
    letRun(w, DAY);
    expect(logRows(w).map((row) => row[9])).toEqual([
      'Outcome',
      'failed',
      'completed',
      'completed',
    ]);
    expect(w.rt.mail.map((m) => m.subject)).toEqual([
      'Keap Sheets Sync: the daily sync did not finish',
    ]);
    expect(primaryEmails(w)).toEqual(ALL_NEW);
  });

  it('a record cell hand-edited into a newer record of another account: nothing is written twice, every row placed', () => {
    const w = syncWorld([
      [1, 'a@example.com', '', ''],
      [2, 'b@example.com', '', ''],
    ]);
    w.addContact(1, 'old1@example.com', 'keep1@example.com');
    w.addContact(2, 'old2@example.com');
    w.call('syncNow');
    const values = w.sheet().values();
    const column = values[0].indexOf('Keap Sync Record');
    const forged = String(values[1][column]).split('|');
    forged[3] = String(Date.UTC(2100, 0, 1));
    forged[6] = 'zz999.infusionsoft.com';
    w.sheet().setCell(3, column + 1, forged.join('|')); // row 2 now names contact 1
    const patches = sentPatches(w).length;
    expect(w.call<Summary>('syncNow').outcome).toBe('completed');
    expect(sentPatches(w).length).toBe(patches);
    const records = w.column('Keap Sync Record').map((cell) => String(cell).split('|')[1]);
    expect(records).toEqual(['1', '2']);
    expect(w.emailsOf(1)).toEqual({ EMAIL1: 'a@example.com', EMAIL2: 'keep1@example.com' });
  });
});
