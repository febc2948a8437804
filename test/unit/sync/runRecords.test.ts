/**
 * How a run ends and what it leaves behind when the services around it fail: the lease,
 * the last run, the log, a leftover checkpoint, a lost connection; and that every row
 * ends with a status, on its own row, in plain words.
 */
import { KeapAccessError, KeapUnavailableError } from '../../../src/keap/model';
import { SYNC_RECORD_HEADER } from '../../../src/sheet/syncRecord';
import { rowFingerprint } from '../../../src/sync/fingerprint';
import { runSyncWith } from '../../../src/sync/runSync';
import { emptyTally } from '../../../src/sync/tally';
import { SyncHarness } from './support/fakes';

const HEADER = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
const SERVER_ERROR = "We're sorry, a server error occurred. Please wait a bit and try again.";

/** Two rows whose contacts change email. */
function twoRows(): SyncHarness {
  const h = new SyncHarness([HEADER, [1, 'a@x.com', '', ''], [2, 'b@x.com', '', '']]);
  h.keap.addContact(1, { EMAIL1: 'old1@x.com' });
  h.keap.addContact(2, { EMAIL1: 'old2@x.com' });
  return h;
}

/** Reverses the data rows at the next block write (a sort under the write). */
function reverseAtNextWrite(h: SyncHarness): void {
  const next = h.sheet.writes;
  h.sheet.beforeWrite = (index, sheet) => {
    if (index === next) sheet.values = [sheet.values[0], ...sheet.values.slice(1).reverse()];
  };
}

/** Three rows whose contacts change email; the second is ticked for opt-out. */
function threeRowsToSync(): SyncHarness {
  const h = new SyncHarness([
    HEADER,
    [1, 'a@x.com', '', ''],
    [2, 'b@x.com', 'yes', ''],
    [3, 'c@x.com', '', ''],
  ]);
  for (const id of [1, 2, 3]) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
  return h;
}

describe('the lease', () => {
  it('a release that fails does not change a finished run', () => {
    const h = twoRows();
    h.releaseError = new Error(SERVER_ERROR);
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary.outcome).toBe('completed');
    expect(h.log.rows.map((r) => r.outcome)).toEqual(['completed']);
    expect(h.keap.email1(1)).toBe('a@x.com');
  });

  it('that cannot be written: the daily run fails in plain words, is logged and e-mailed, and touches nothing', () => {
    const h = twoRows();
    h.leaseError = new Error(SERVER_ERROR);
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(summary.outcome).toBe('failed');
    expect(summary.message).toBe(
      `The sync did not start: Google could not save the note that keeps two syncs of this spreadsheet apart. ${SERVER_ERROR} The next run tries again.`,
    );
    expect(h.log.rows).toEqual([summary]);
    expect(h.lastRun).toEqual(summary);
    expect(h.notices.map((n) => n.kind)).toEqual(['sync-failed']);
    expect(h.sheet.reads).toBe(0);
    expect(h.keap.gatewaysOpened).toBe(0);
  });

  it('that cannot be written: a person who clicked Sync now gets the error at once', () => {
    const h = twoRows();
    h.leaseError = new Error(SERVER_ERROR);
    expect(() => runSyncWith('sidebar', h.ports(), h.limits)).toThrow(SERVER_ERROR);
    expect(h.notices).toEqual([]);
  });
});

describe('the records of a run', () => {
  it('says in the summary and the log row that the last run could not be saved', () => {
    const h = twoRows();
    h.lastRunError = new Error(SERVER_ERROR);
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary.outcome).toBe('completed');
    expect(summary.message).toBe(
      `Synced 2 rows: 2 emails updated, 0 opted out, 0 unchanged, 0 errors. (The last run could not be saved: ${SERVER_ERROR})`,
    );
    expect(h.log.rows.map((r) => r.message)).toEqual([summary.message]);
  });

  it('says in the summary and the last run that the log tab could not be updated', () => {
    const h = twoRows();
    h.log.fail = new Error('Service Spreadsheets timed out');
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(summary.message).toMatch(
      /\(The log tab could not be updated: Service Spreadsheets timed out\)$/,
    );
    expect(h.lastRun?.message).toBe(summary.message);
  });
});

describe('a checkpoint left behind', () => {
  function leftover(h: SyncHarness, runId: string): void {
    const tally = { ...emptyTally(), rowsSeen: 900, emailsUpdated: 800 };
    const at = h.clock.now() - 60 * 60_000;
    h.checkpoint.save({
      startedAt: at,
      runId,
      trigger: 'daily',
      executions: 3,
      tally,
      savedAt: at,
    });
  }

  it('older than a day: it is closed, and Sync now reports only its own work', () => {
    const h = twoRows();
    leftover(h, 'old-run');
    h.clock.advance(h.limits.staleCheckpointMs);
    const startedAt = new Date(h.clock.now()).toISOString();
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary).toMatchObject({
      trigger: 'sidebar',
      startedAt,
      rowsSeen: 2,
      emailsUpdated: 2,
    });
    expect(h.checkpoint.saved).toBeNull();
  });

  it('with no follow-up trigger pending: the checkpoint alone decides, the run continues', () => {
    const h = twoRows();
    leftover(h, 'orphan-run');
    h.pendingRun = null;
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary).toMatchObject({ trigger: 'daily', emailsUpdated: 802 });
    expect(h.checkpoint.saved).toBeNull();
  });

  it('of the pending follow-up: Sync now continues that run and reports it whole', () => {
    const h = twoRows();
    leftover(h, 'live-run');
    h.pendingRun = 'live-run';
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary).toMatchObject({ trigger: 'daily', emailsUpdated: 802 });
    expect(h.pendingRun).toBeNull();
  });
});

describe('every row ends with a status', () => {
  it('a copy of a synced row and a cleared status are answered; statuses people see are kept', () => {
    const h = twoRows();
    runSyncWith('sidebar', h.ports(), h.limits);
    const firstSync = h.sheet.values[1][5];
    // A copy of row 2 inserted on top, and row 3's status cleared.
    h.sheet.values.splice(1, 0, [1, 'a@x.com', '', '']);
    h.sheet.values[3][4] = '';
    const sent = h.keap.sent.length;
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', unchanged: 3 });
    expect(h.keap.sent.length).toBe(sent);
    expect(h.sheet.column('Sync Status')).toEqual([
      'Up to date',
      'Updated: email changed to a@x.com',
      'Up to date',
    ]);
    // Up to date since the contact's last sync.
    expect(h.sheet.column('Last Synced')[0]).toEqual(firstSync);
  });

  it('a row whose contact last ended in an error and shows nothing is synced again for its words', () => {
    const h = new SyncHarness([HEADER, [404, 'a@x.com', '', '']]);
    runSyncWith('sidebar', h.ports(), h.limits);
    const notFound = 'Error: Contact 404 was not found in Keap. Trying again on';
    expect(h.sheet.column('Sync Status')).toEqual([
      `${notFound} Sun, Mar 2, or when the row is edited`,
    ]);
    h.sheet.values[1][4] = '';
    runSyncWith('sidebar', h.ports(), h.limits);
    // Asked again at once for its words: a second failure, so the next try waits two days.
    expect(h.sheet.column('Sync Status')).toEqual([
      `${notFound} Mon, Mar 3, or when the row is edited`,
    ]);
  });

  it("writes the day in the spreadsheet's locale and time zone, asking each once", () => {
    const h = new SyncHarness([HEADER, [404, 'a@x.com', '', ''], [405, 'b@x.com', '', '']]);
    let asked = 0;
    const ports = {
      ...h.ports(),
      timeZone: () => 'America/New_York',
      locale: () => {
        asked += 1;
        return 'de_DE';
      },
    };
    runSyncWith('sidebar', ports, h.limits);
    // 06:00 UTC on Sat 1 Mar is 01:00 in New York: the next try is the next day there.
    expect(h.sheet.column('Sync Status')).toEqual([
      'Error: Contact 404 was not found in Keap. Trying again on So., 2. März, or when the row is edited',
      'Error: Contact 405 was not found in Keap. Trying again on So., 2. März, or when the row is edited',
    ]);
    expect(asked).toBe(1);
  });

  it('an unchanged sheet whose rows all show a status writes nothing', () => {
    const h = twoRows();
    runSyncWith('sidebar', h.ports(), h.limits);
    const writes = h.sheet.writes;
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.sheet.writes).toBe(writes);
  });
});

describe('a sort between the re-read and the status write', () => {
  it('is found by one more read, and the statuses are put back on their own rows', () => {
    const h = threeRowsToSync();
    reverseAtNextWrite(h);
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.sheet.values.slice(1).map((row) => [row[0], row[4]])).toEqual([
      [3, 'Updated: email changed to c@x.com'],
      [2, 'Updated: email changed to b@x.com; opted out'],
      [1, 'Updated: email changed to a@x.com'],
    ]);
    // The write, one read to check it, and the two rows to put right (row 3 did not move).
    expect(h.sheet.reads).toBe(3);
    expect(h.sheet.writes).toBe(3);
  });

  it("moves each row's record with its status, so the next run has nothing to ask Keap", () => {
    const h = threeRowsToSync();
    reverseAtNextWrite(h);
    runSyncWith('sidebar', h.ports(), h.limits);
    const ids = h.sheet.column('Contact ID');
    expect(h.sheet.recordContacts()).toEqual(ids);
    h.sheet.beforeWrite = null;
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(summary).toMatchObject({ unchanged: 3, keapRequests: 0 });
  });

  it('puts back the rows between the written ones that a bridging block wrote over after a sort', () => {
    const h = new SyncHarness([
      HEADER,
      ...[1, 2, 3, 4, 5, 6].map((id) => [id, `c${id}@x.com`, '', '']),
    ]);
    for (let id = 1; id <= 6; id++) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
    runSyncWith('sidebar', h.ports(), h.limits);
    const shownBefore = new Map(
      h.sheet.values.slice(1).map((row) => [row[0], [row[4], row[6]]] as const),
    );
    // Three rows apart are edited: their statuses go in one block over rows 2-6.
    h.clock.advance(60_000);
    for (const index of [1, 3, 5]) h.sheet.values[index][1] = `new${index}@x.com`;
    const firstWrite = h.sheet.writes;
    h.sheet.beforeWrite = (index, sheet) => {
      if (index !== firstWrite) return;
      const rows = sheet.values.slice(1);
      sheet.values = [sheet.values[0], ...rows.slice(4), ...rows.slice(0, 4)];
    };
    runSyncWith('sidebar', h.ports(), h.limits);
    h.sheet.beforeWrite = null;
    const ids = h.sheet.column('Contact ID');
    expect(h.sheet.recordContacts()).toEqual(ids);
    // The rows not edited show exactly what they showed before the run.
    for (const row of h.sheet.values.slice(1).filter((r) => [2, 4, 6].includes(Number(r[0])))) {
      expect([row[4], row[6]]).toEqual(shownBefore.get(row[0]));
    }
    h.keap.addContact(6, { EMAIL1: 'changed-in-keap@x.com' });
    h.clock.advance(60_000);
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.keap.email1(6)).toBe('changed-in-keap@x.com');
  });
});

describe('a record column apart from Sync Status', () => {
  it('is written after the statuses: an execution stopped between the two leaves no record without its status', () => {
    const h = new SyncHarness([
      ['Contact ID', 'Keap Sync Record', 'Email', 'Sync Status', 'Last Synced'],
      [1, '', 'a@x.com', 'Error: Contact 1 was not found in Keap', ''],
    ]);
    h.keap.addContact(1, { EMAIL1: 'old@x.com' });
    h.sheet.beforeWrite = (index) => {
      if (index === 1) throw new Error('Exceeded maximum execution time');
    };
    runSyncWith('sidebar', h.ports(), h.limits);
    h.sheet.beforeWrite = null;
    expect(h.sheet.column('Sync Status')).toEqual(['Updated: email changed to a@x.com']);
    expect(h.sheet.column(SYNC_RECORD_HEADER)).toEqual(['']);
    // Without a record the next run compares with Keap, finds it done, and records it.
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.keap.writeCalls).toHaveLength(1);
    expect(h.sheet.column('Sync Status')).toEqual(['Up to date']);
    expect(h.state.state.get(1)?.result).toBe('ok');
  });
});

describe('a lost connection', () => {
  it('with nothing to sync, the daily run still says Keap needs a person, and e-mails the owner', () => {
    const h = twoRows();
    runSyncWith('sidebar', h.ports(), h.limits);
    h.connectionProblem = { kind: 'sign-in-ended' };
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(summary.outcome).toBe('needs-reconnect');
    expect(summary.message).toBe(
      'Keap no longer accepts this connection: its Keap sign-in has ended (the add-on was removed in Keap, a password was changed, or the connection went unused for 45 days). Reconnect from the sidebar. Rows not yet synced are synced once Keap is connected again.',
    );
    expect(h.log.rows.map((r) => r.outcome)).toEqual(['completed', 'needs-reconnect']);
    expect(h.lastRun?.outcome).toBe('needs-reconnect');
    expect(h.notices.map((n) => n.kind)).toEqual(['needs-reconnect']);
  });

  it('rows with errors in the sheet still get their status', () => {
    const h = new SyncHarness([HEADER, [1, 'not an email', '', '']]);
    h.connectionProblem = { kind: 'not-connected' };
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary.outcome).toBe('needs-reconnect');
    expect(h.sheet.column('Sync Status')).toEqual([
      "Error: 'not an email' is not a valid email address",
    ]);
  });
});

describe('the words of a run Keap stopped', () => {
  function stoppedBy(error: Error): string {
    const h = twoRows();
    h.keap.failReadsAfter = 0;
    h.keap.failNextRead = error;
    return runSyncWith('sidebar', h.ports(), h.limits).message;
  }

  it.each([
    [
      new KeapUnavailableError({ kind: 'throttled' }, 'contacts'),
      'Keap stayed too busy to answer: it kept throttling the requests after every retry. Rows not yet synced are tried again on the next run.',
    ],
    [
      new KeapUnavailableError({ kind: 'unreachable' }, 'contacts'),
      'Keap could not be reached: the network kept failing after every retry. Rows not yet synced are tried again on the next run.',
    ],
    [
      new KeapUnavailableError({ kind: 'server-error', status: 502 }, 'contacts'),
      'Keap kept answering with a server error (HTTP 502) after every retry. Rows not yet synced are tried again on the next run.',
    ],
    [
      new KeapUnavailableError(
        { kind: 'refused', status: 400, keapMessage: 'Invalid filter' },
        'contacts',
      ),
      'Keap refused to list contacts: Invalid filter. Rows not yet synced are tried again on the next run.',
    ],
    [
      new KeapUnavailableError({ kind: 'unreadable' }, 'contacts'),
      'Keap sent an answer the add-on could not read while reading contacts. Rows not yet synced are tried again on the next run.',
    ],
    [
      new KeapAccessError({ kind: 'sign-in-ended' }),
      'Keap no longer accepts this connection: its Keap sign-in has ended (the add-on was removed in Keap, a password was changed, or the connection went unused for 45 days). Reconnect from the sidebar. Rows not yet synced are synced once Keap is connected again.',
    ],
  ])('%s', (error, message) => {
    expect(stoppedBy(error)).toBe(message);
  });

  it('a row Keap could not be reached for says so, and so does the summary', () => {
    const h = twoRows();
    h.keap.answer = (write) =>
      write.kind === 'setEmails' && write.contactId === 2
        ? { ok: false, failure: { kind: 'unreachable' } }
        : null;
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.sheet.column('Sync Status')).toEqual([
      'Updated: email changed to a@x.com',
      'Will retry: Keap could not be reached',
    ]);
    expect(summary.message).toMatch(/ 1 row will be retried \(Keap could not be reached\)\.$/);
  });
});

describe('records are put right by contact', () => {
  const SYNCED = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason', 'Sync Status', 'Last Synced'];
  const fingerprintOf = (id: number, email: string) =>
    rowFingerprint({ contactId: id, email, optOut: false, reason: null });

  function upgradedSheet(): SyncHarness {
    const h = new SyncHarness([
      SYNCED,
      ...[1, 2, 3].map((id) => [id, `a${id}@x.com`, '', '', 'Up to date', '']),
    ]);
    for (const id of [1, 2, 3]) h.keap.addContact(id, { EMAIL1: `a${id}@x.com` });
    h.sheet.oldRecords = new Map(
      [1, 2, 3].map((id) => [
        id,
        { fingerprint: fingerprintOf(id, `a${id}@x.com`), syncedAt: 1, result: 'ok', run: 'old' },
      ]),
    );
    return h;
  }

  it('an upgrade whose write a sort moved still ends with every record beside its contact', () => {
    const h = upgradedSheet();
    reverseAtNextWrite(h);
    runSyncWith('daily', h.ports(), h.limits);
    h.sheet.beforeWrite = null;
    expect(h.sheet.recordContacts()).toEqual(h.sheet.column('Contact ID'));
    expect(h.sheet.oldRecords).toBeNull();
    h.keap.addContact(1, { EMAIL1: 'changed-in-keap@x.com' });
    h.clock.advance(60_000);
    runSyncWith('daily', h.ports(), h.limits);
    expect(h.keap.email1(1)).toBe('changed-in-keap@x.com');
  });

  it('an upgrade keeps the old tab, and says so, when the tab cannot be removed', () => {
    const h = upgradedSheet();
    h.sheet.removeOldRecords = () => {
      throw new Error('This sheet is protected');
    };
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(summary.outcome).toBe('completed');
    expect(summary.message).toContain(
      "The old hidden 'Keap Sync State' tab could not be removed, delete it by hand",
    );
    expect(h.sheet.recordContacts()).toEqual([1, 2, 3]);
  });

  it('records put back by a write that a sort then moved end beside their own contacts', () => {
    const h = new SyncHarness([
      HEADER,
      [1, 'a@x.com', '', ''],
      [2, 'b@x.com', '', ''],
      [3, 'c@x.com', '', ''],
    ]);
    for (const id of [1, 2, 3]) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
    runSyncWith('sidebar', h.ports(), h.limits);
    // Only the record cells were sorted; then contact 1 is edited and the rows sorted mid-write.
    const records = h.sheet.column(SYNC_RECORD_HEADER).reverse();
    records.forEach((cell, i) => (h.sheet.values[i + 1][6] = cell));
    h.sheet.values[1][1] = 'a2@x.com';
    h.clock.advance(60_000);
    reverseAtNextWrite(h);
    runSyncWith('sidebar', h.ports(), h.limits);
    h.sheet.beforeWrite = null;
    expect(h.sheet.recordContacts()).toEqual(h.sheet.column('Contact ID'));
    h.keap.addContact(3, { EMAIL1: 'changed-in-keap@x.com' });
    h.clock.advance(60_000);
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.keap.email1(3)).toBe('changed-in-keap@x.com');
    expect(h.keap.email1(1)).toBe('a2@x.com');
  });

  it('keeps the records written beside edited rows when records are put back all around them', () => {
    const ids = [1, 2, 3, 4, 5];
    const h = new SyncHarness([HEADER, ...ids.map((id) => [id, `a${id}@x.com`, '', ''])]);
    for (const id of ids) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
    runSyncWith('sidebar', h.ports(), h.limits);
    // The record cells rotated by one row (a partial sort); contacts 2 and 4 are edited.
    const records = h.sheet.column(SYNC_RECORD_HEADER);
    [...records.slice(1), records[0]].forEach((cell, i) => (h.sheet.values[i + 1][6] = cell));
    h.sheet.values[2][1] = 'new2@x.com';
    h.sheet.values[4][1] = 'new4@x.com';
    h.clock.advance(60_000);
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.sheet.recordContacts()).toEqual(ids);
    expect(h.state.state.get(2)?.fingerprint).toBe(fingerprintOf(2, 'new2@x.com'));
    h.keap.addContact(2, { EMAIL1: 'changed-in-keap@x.com' });
    h.clock.advance(60_000);
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.keap.email1(2)).toBe('changed-in-keap@x.com');
  });

  it('an upgrade whose columns moved during the write keeps the old tab and says so', () => {
    const h = upgradedSheet();
    h.sheet.beforeRead = (index, sheet) => {
      // The check after the write finds the rows sorted and a column inserted at the left.
      if (index !== 2) return;
      const sorted = [sheet.values[0], ...sheet.values.slice(1).reverse()];
      sheet.values = sorted.map((row) => ['', ...row]);
    };
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(h.sheet.oldRecords).not.toBeNull();
    expect(summary.message).toContain("the old hidden 'Keap Sync State' tab was kept");
  });

  it('the check after a sort puts a record back without touching a Sync Status formula', () => {
    const h = new SyncHarness([HEADER, [1, 'a@x.com', '', ''], [2, 'b@x.com', '', '']]);
    for (const id of [1, 2]) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
    runSyncWith('sidebar', h.ports(), h.limits);
    const records = h.sheet.column(SYNC_RECORD_HEADER).reverse();
    records.forEach((cell, i) => (h.sheet.values[i + 1][6] = cell));
    h.sheet.formulas.set('2,5', '=IF(B2="","","Checked by hand")');
    h.sheet.values[1][4] = 'Checked by hand';
    const next = h.sheet.writes;
    h.sheet.beforeWrite = (index, sheet) => {
      if (index !== next) return;
      // A sort of every column between the re-read and the write; the formula moves along.
      sheet.values = [sheet.values[0], sheet.values[2], sheet.values[1]];
      sheet.formulas.delete('2,5');
      sheet.formulas.set('3,5', '=IF(B3="","","Checked by hand")');
    };
    runSyncWith('daily', h.ports(), h.limits);
    h.sheet.beforeWrite = null;
    expect(h.sheet.recordContacts()).toEqual(h.sheet.column('Contact ID'));
    expect(h.sheet.formulas.get('3,5')).toBe('=IF(B3="","","Checked by hand")');
  });

  it("puts a record back without touching the row's Sync Status formula", () => {
    const h = new SyncHarness([HEADER, [1, 'a@x.com', '', ''], [2, 'b@x.com', '', '']]);
    for (const id of [1, 2]) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
    runSyncWith('sidebar', h.ports(), h.limits);
    const records = h.sheet.column(SYNC_RECORD_HEADER).reverse();
    records.forEach((cell, i) => (h.sheet.values[i + 1][6] = cell));
    h.sheet.formulas.set('2,5', '=IF(B2="","","Checked by hand")');
    h.sheet.values[1][4] = 'Checked by hand';
    runSyncWith('daily', h.ports(), h.limits);
    expect(h.sheet.recordContacts()).toEqual([1, 2]);
    expect(h.sheet.formulas.get('2,5')).toBe('=IF(B2="","","Checked by hand")');
  });
});
