import { KeapAccessError, KeapUnavailableError } from '../../../src/keap/model';
import { runSyncWith } from '../../../src/sync/runSync';
import { emptyTally } from '../../../src/sync/tally';
import { SyncHarness } from './support/fakes';

const HEADER = ['Contact ID', 'Name', 'Email', 'Opt Out', 'Opt Out Reason'];

/** A messy sheet and the Keap contacts it refers to. */
function messyHarness(): SyncHarness {
  const h = new SyncHarness([
    HEADER,
    [101, 'Ann', ' Ann.New@Example.com ', '', ''],
    ['102', 'Bob', '', 'yes', ''],
    [' 103.0 ', 'Cy', 'cy@example.com', 'x', 'moved away'],
    ['', '', '', '', ''],
    ['abc', 'Dee', 'dee@example.com', '', ''],
    [105, 'Eve', 'eve@example.com', false, ''],
    [106, 'Fay', 'not an email', '', ''],
    [107, 'Gus', 'GUS@example.com', '', ''],
    [999, 'Hal', 'hal@example.com', '', ''],
    [108, 'Ida', 'ida1@example.com', '', ''],
    [108, 'Ida', 'ida2@example.com', '', ''],
    [109, 'Jo', 'jo@example.com', 'TRUE', ''],
    [109, 'Jo', 'jo@example.com', 'TRUE', ''],
    ['#N/A', 'Kim', 'kim@example.com', '', ''],
  ]);
  h.keap.addContact(101, {
    EMAIL1: 'ann@example.com',
    EMAIL2: 'ann@work.com',
    EMAIL3: 'ann@home.com',
  });
  h.keap.addContact(102, { EMAIL1: 'bob@example.com' });
  h.keap.addContact(103, { EMAIL1: 'cy.old@example.com', EMAIL2: 'cy@work.com' });
  h.keap.addContact(105, { EMAIL1: 'eve@example.com' });
  h.keap.addContact(107, { EMAIL1: 'gus@example.com' });
  h.keap.addContact(108, { EMAIL1: 'ida@example.com' });
  h.keap.addContact(109, { EMAIL1: 'jo@example.com' });
  h.keap.optStates.set('jo@example.com', {
    email: 'jo@example.com',
    optedOut: true,
    status: 'MANUAL',
  });
  return h;
}

describe('a sync of a messy sheet', () => {
  it('writes the changes to Keap and a clear status on every non-blank row', () => {
    const h = messyHarness();
    const summary = runSyncWith('sidebar', h.ports(), h.limits);

    expect(h.sheet.column('Sync Status')).toEqual([
      'Updated: email changed to ann.new@example.com',
      'Updated: opted out',
      'Updated: email changed to cy@example.com; opted out',
      '',
      "Error: Contact ID must be a whole number (got 'abc')",
      'Up to date',
      "Error: 'not an email' is not a valid email address",
      'Up to date',
      'Error: Contact 999 was not found in Keap. Trying again on Sun, Mar 2, or when the row is edited',
      'Error: Contact ID 108 is also on row 12 with different values',
      'Error: Contact ID 108 is also on row 11 with different values',
      'Up to date',
      'Up to date',
      'Error: The Contact ID cell shows a formula error (#N/A)',
    ]);
    const synced = h.sheet.column('Last Synced');
    expect(synced[0]).toBeInstanceOf(Date);
    expect((synced[0] as Date).getTime()).toBeLessThanOrEqual(h.clock.now());
    expect(synced[3]).toBe('');
    expect(synced[4]).toBe('');

    expect(h.keap.contacts.get(101)?.emails).toEqual([
      { field: 'EMAIL1', email: 'ann.new@example.com' },
      { field: 'EMAIL2', email: 'ann@work.com' },
      { field: 'EMAIL3', email: 'ann@home.com' },
    ]);
    expect(h.keap.isOptedOut('bob@example.com')).toBe(true);
    expect(h.keap.email1(103)).toBe('cy@example.com');
    expect(h.keap.isOptedOut('cy@example.com')).toBe(true);
    expect(h.keap.isOptedOut('cy.old@example.com')).toBe(false);
    expect(h.keap.email1(108)).toBe('ida@example.com');
    expect(
      h.keap.sent.map((w) =>
        w.kind === 'optOut' ? `optOut ${w.email} (${w.reason})` : `setEmails ${w.contactId}`,
      ),
    ).toEqual([
      'setEmails 101',
      'optOut bob@example.com (Opted out via Keap Sheets Sync)',
      'setEmails 103',
      'optOut cy@example.com (moved away)',
    ]);

    expect(summary).toMatchObject({
      trigger: 'sidebar',
      outcome: 'completed',
      rowsSeen: 13,
      emailsUpdated: 2,
      optedOut: 2,
      unchanged: 4,
      errors: 6,
      errorRows: [6, 8, 10, 11, 12, 15],
    });
    expect(summary.keapRequests).toBeGreaterThan(0);
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
    expect(h.log.rows).toEqual([summary]);
    expect(h.lastRun).toEqual(summary);
    expect(h.finished).toBe(1);
  });

  it('opts out the new email only after its change was accepted, in a later write call', () => {
    const h = messyHarness();
    runSyncWith('menu', h.ports(), h.limits);
    const callOfCyOptOut = h.keap.writeCalls.findIndex((call) =>
      call.some((w) => w.kind === 'optOut' && w.email === 'cy@example.com'),
    );
    const callOfCyPatch = h.keap.writeCalls.findIndex((call) =>
      call.some((w) => w.kind === 'setEmails' && w.contactId === 103),
    );
    expect(callOfCyOptOut).toBeGreaterThan(callOfCyPatch);
  });

  it('reads the sheet once, re-reads it before writing and once after to check, and writes one block per run of rows', () => {
    const h = messyHarness();
    h.sheet.values[0].push('Sync Status', 'Last Synced', 'Keap Sync Record');
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.sheet.reads).toBe(3);
    // Rows 2-4 and 6-15: the blank row 5 in between is not written.
    expect(h.sheet.writes).toBe(2);
    expect(h.sheet.formulaReads).toBe(0);
  });
});

describe('the next run', () => {
  it('sends nothing and reads nothing from Keap when no row changed, and still reports the errors', () => {
    const h = messyHarness();
    const first = runSyncWith('sidebar', h.ports(), h.limits);
    const writesBefore = h.sheet.writes;
    const sentBefore = h.keap.sent.length;
    const readsBefore = h.keap.reads;
    const statusesBefore = h.sheet.column('Sync Status');
    const second = runSyncWith('daily', h.ports(), h.limits);
    expect(h.keap.sent.length).toBe(sentBefore);
    expect(h.keap.reads).toBe(readsBefore);
    expect(h.keap.gatewaysOpened).toBe(1);
    expect(h.sheet.column('Sync Status')).toEqual(statusesBefore);
    // The first run read 3 times; this one once, and wrote nothing.
    expect(h.sheet.reads).toBe(4);
    expect(h.sheet.writes).toBe(writesBefore);
    expect(second).toMatchObject({
      outcome: 'completed',
      emailsUpdated: 0,
      optedOut: 0,
      unchanged: first.rowsSeen - first.errors,
      errors: first.errors,
      errorRows: first.errorRows,
      keapRequests: 0,
    });
  });

  it('syncs a row that was not found once its id is corrected', () => {
    const h = messyHarness();
    runSyncWith('sidebar', h.ports(), h.limits);
    h.keap.addContact(110, { EMAIL1: 'hal.old@example.com' });
    h.sheet.values[9][0] = 110;
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.keap.email1(110)).toBe('hal@example.com');
    expect(h.sheet.column('Sync Status')[8]).toBe('Updated: email changed to hal@example.com');
  });

  it('with an all-synced sheet, does not open Keap or write a cell', () => {
    const h = new SyncHarness([HEADER, [1, 'A', 'a@x.com', '', '']]);
    h.keap.addContact(1, { EMAIL1: 'old@x.com' });
    runSyncWith('sidebar', h.ports(), h.limits);
    const sheetWrites = h.sheet.writes;
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(h.keap.gatewaysOpened).toBe(1);
    expect(h.sheet.writes).toBe(sheetWrites);
    expect(h.sheet.reads).toBe(4);
    expect(summary).toMatchObject({ outcome: 'completed', unchanged: 1, keapRequests: 0 });
  });

  it('syncs an edited row, and does not undo a change made in Keap to an unedited one', () => {
    const h = new SyncHarness([HEADER, [1, 'A', 'a@x.com', '', ''], [2, 'B', 'b@x.com', '', '']]);
    h.keap.addContact(1, { EMAIL1: 'old1@x.com' });
    h.keap.addContact(2, { EMAIL1: 'old2@x.com' });
    runSyncWith('sidebar', h.ports(), h.limits);
    h.keap.addContact(2, { EMAIL1: 'changed-in-keap@x.com' });
    h.sheet.values[1][2] = 'a2@x.com';
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.keap.email1(1)).toBe('a2@x.com');
    expect(h.keap.email1(2)).toBe('changed-in-keap@x.com');
    expect(h.sheet.column('Sync Status')).toEqual([
      'Updated: email changed to a2@x.com',
      'Updated: email changed to b@x.com',
    ]);
  });

  it('compares an edited row with Keap first: an edit back to what Keap has writes nothing', () => {
    const h = new SyncHarness([HEADER, [1, 'A', 'a@x.com', '', '']]);
    h.keap.addContact(1, { EMAIL1: 'old@x.com' });
    runSyncWith('sidebar', h.ports(), h.limits);
    h.keap.addContact(1, { EMAIL1: 'keap@x.com' });
    h.sheet.values[1][2] = 'KEAP@x.com';
    const sent = h.keap.sent.length;
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.keap.sent.length).toBe(sent);
    expect(h.sheet.column('Sync Status')).toEqual(['Up to date']);
  });

  it('does not send a write twice after an execution died before saving its statuses', () => {
    const h = new SyncHarness([
      HEADER,
      [1, 'A', 'a@x.com', 'yes', ''],
      [2, 'B', 'b@x.com', '', ''],
    ]);
    h.keap.addContact(1, { EMAIL1: 'old1@x.com' });
    h.keap.addContact(2, { EMAIL1: 'b@x.com' });
    h.sheet.failWrites = new Error('Service Spreadsheets timed out');
    const broken = runSyncWith('daily', h.ports(), h.limits);
    // A passing Google error: the run is kept for the next run, not closed as failed.
    expect(broken.outcome).toBe('continuing');
    expect(h.state.state.size).toBe(0);
    const sent = h.keap.sent.length;
    h.sheet.failWrites = null;
    runSyncWith('daily', h.ports(), h.limits);
    expect(h.keap.sent.length).toBe(sent);
    expect(h.sheet.column('Sync Status')).toEqual(['Up to date', 'Up to date']);
  });
});

describe('the record of synced rows (the hidden Keap Sync Record column)', () => {
  function syncedThree(): SyncHarness {
    const h = new SyncHarness([
      HEADER,
      [1, 'A', 'a@x.com', '', ''],
      [2, 'B', 'b@x.com', '', ''],
      [3, 'C', 'c@x.com', '', ''],
    ]);
    for (const id of [1, 2, 3]) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
    runSyncWith('sidebar', h.ports(), h.limits);
    return h;
  }

  it('still knows every synced contact after a sort of only the visible columns', () => {
    const h = syncedThree();
    // Reverse the rows in columns A:G only; the hidden record cells (H) stay where they were.
    const visible = h.sheet.values.slice(1).map((row) => row.slice(0, 7));
    visible.reverse().forEach((cells, i) => h.sheet.values[i + 1].splice(0, 7, ...cells));
    const sent = h.keap.sent.length;
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(h.keap.sent.length).toBe(sent);
    expect(summary).toMatchObject({ unchanged: 3, keapRequests: 0 });
  });

  it("never skips an edited row whose record cell another contact's row now holds", () => {
    const h = syncedThree();
    // Row 2's record cell now sits on row 4 after a partial sort, and row 2 is edited.
    const records = h.sheet.values.slice(1).map((row) => row[7]);
    records.reverse().forEach((cell, i) => (h.sheet.values[i + 1][7] = cell));
    h.sheet.values[1][2] = 'a2@x.com';
    h.keap.addContact(3, { EMAIL1: 'changed-in-keap@x.com' });
    runSyncWith('daily', h.ports(), h.limits);
    expect(h.keap.email1(1)).toBe('a2@x.com');
    // Contact 3 was not edited in the sheet: Keap's own change stays.
    expect(h.keap.email1(3)).toBe('changed-in-keap@x.com');
    expect(h.state.state.get(1)?.fingerprint).not.toBe(h.state.state.get(2)?.fingerprint);
  });

  it("puts records back beside their own rows when it writes, so no contact's record is overwritten", () => {
    const h = syncedThree();
    const visible = h.sheet.values.slice(1).map((row) => row.slice(0, 7));
    visible.reverse().forEach((cells, i) => h.sheet.values[i + 1].splice(0, 7, ...cells));
    // Contact 1 now sits on the last row, beside contact 3's record cell, and is edited.
    h.sheet.values[3][2] = 'a2@x.com';
    runSyncWith('daily', h.ports(), h.limits);
    expect(h.keap.email1(1)).toBe('a2@x.com');
    expect(h.sheet.recordContacts()).toEqual(h.sheet.column('Contact ID'));
    // Contact 3 was never edited in the sheet: a change made in Keap since stays.
    h.keap.addContact(3, { EMAIL1: 'changed-in-keap@x.com' });
    runSyncWith('daily', h.ports(), h.limits);
    expect(h.keap.email1(3)).toBe('changed-in-keap@x.com');
  });

  it('puts records back after a partial sort even when nothing else changed, then writes nothing', () => {
    const h = syncedThree();
    const records = h.sheet.values.slice(1).map((row) => row[7]);
    records.reverse().forEach((cell, i) => (h.sheet.values[i + 1][7] = cell));
    const statuses = h.sheet.column('Sync Status');
    const writes = h.sheet.writes;
    expect(runSyncWith('daily', h.ports(), h.limits)).toMatchObject({ keapRequests: 0 });
    expect(h.sheet.writes).toBeGreaterThan(writes);
    expect(h.sheet.recordContacts()).toEqual(h.sheet.column('Contact ID'));
    expect(h.sheet.column('Sync Status')).toEqual(statuses);
    const aligned = h.sheet.writes;
    runSyncWith('daily', h.ports(), h.limits);
    expect(h.sheet.writes).toBe(aligned);
  });

  it('forgets nothing it needs when the record column is deleted: it compares with Keap again', () => {
    const h = syncedThree();
    h.sheet.values.forEach((row) => row.splice(7, 1));
    h.keap.addContact(2, { EMAIL1: 'changed-in-keap@x.com' });
    const writes = h.keap.writeCalls.length;
    runSyncWith('daily', h.ports(), h.limits);
    // Rows 1 and 3 match Keap; row 2 differs, and without a record the sheet wins again.
    expect(h.keap.writeCalls.length).toBe(writes + 1);
    expect(h.state.state.size).toBe(3);
  });
});

describe('rows that move while the sync runs', () => {
  it('puts each status on the row that now holds its contact after a sort', () => {
    const h = new SyncHarness([
      HEADER,
      [3, 'C', 'c@x.com', '', ''],
      [1, 'A', 'a@x.com', '', ''],
      [2, 'B', 'bad', '', ''],
    ]);
    h.keap.addContact(1, { EMAIL1: 'old@x.com' });
    h.keap.addContact(3, { EMAIL1: 'c@x.com' });
    h.sheet.beforeRead = (index, sheet) => {
      if (index === 1)
        sheet.values = [
          sheet.values[0],
          ...sheet.values.slice(1).sort((a, b) => Number(a[0]) - Number(b[0])),
        ];
    };
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.sheet.values.slice(1).map((row) => [row[0], row[5]])).toEqual([
      [1, 'Updated: email changed to a@x.com'],
      [2, "Error: 'bad' is not a valid email address"],
      [3, 'Up to date'],
    ]);
  });

  it('leaves a row edited during the run without status and syncs it next run', () => {
    const h = new SyncHarness([HEADER, [1, 'A', 'a@x.com', '', '']]);
    h.keap.addContact(1, { EMAIL1: 'old@x.com' });
    h.sheet.beforeRead = (index, sheet) => {
      if (index === 1) sheet.values[1][2] = 'edited@x.com';
    };
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.sheet.values[1][5] ?? '').toBe('');
    expect(h.state.state.size).toBe(0);
    h.sheet.beforeRead = null;
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.keap.email1(1)).toBe('edited@x.com');
    expect(h.sheet.column('Sync Status')).toEqual(['Updated: email changed to edited@x.com']);
  });
});

describe('the time limit', () => {
  function bigHarness(contacts: number): SyncHarness {
    const rows = Array.from({ length: contacts }, (_, i) => [
      i + 1,
      `P${i}`,
      `new${i + 1}@x.com`,
      '',
      '',
    ]);
    const h = new SyncHarness([HEADER, ...rows]);
    for (let id = 1; id <= contacts; id++) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
    h.keap.msPerWrite = 30_000;
    h.limits = { ...h.limits, chunkSize: 2 };
    return h;
  }

  it('stops starting chunks after the budget, then continues without sending a write twice', () => {
    const h = bigHarness(23);
    const first = runSyncWith('daily', h.ports(), h.limits);
    expect(first.outcome).toBe('continuing');
    expect(h.scheduled).toEqual([h.limits.continuationDelayMs]);
    expect(h.log.rows).toHaveLength(0);
    expect(h.finished).toBe(0);
    const doneFirst = h.keap.sent.length;
    expect(doneFirst).toBeGreaterThan(0);
    expect(doneFirst).toBeLessThan(23);
    expect(h.sheet.column('Sync Status').filter((s) => s !== '')).toHaveLength(doneFirst);

    let summary = first;
    for (let i = 0; i < 10 && summary.outcome === 'continuing'; i++) {
      h.clock.advance(60_000);
      summary = runSyncWith('continuation', h.ports(), h.limits);
    }
    expect(summary.outcome).toBe('completed');
    const contactsWritten = h.keap.sent.map((w) => (w.kind === 'setEmails' ? w.contactId : -1));
    expect(new Set(contactsWritten).size).toBe(23);
    expect(contactsWritten).toHaveLength(23);
    expect(
      h.sheet.column('Sync Status').every((s) => String(s).startsWith('Updated: email changed to')),
    ).toBe(true);
    expect(h.log.rows).toHaveLength(1);
    expect(h.log.rows[0]).toMatchObject({
      trigger: 'daily',
      outcome: 'completed',
      rowsSeen: 23,
      emailsUpdated: 23,
      unchanged: 0,
    });
    expect(h.log.rows[0].startedAt).toBe(first.startedAt);
    expect(h.finished).toBe(1);
    expect(h.checkpoint.saved).toBeNull();
  });

  it('counts rows with errors and unchanged rows once per run', () => {
    const h = bigHarness(12);
    h.sheet.values.push(['bad', 'X', 'x@x.com', '', ''], [500, 'Y', 'new500@x.com', '', '']);
    h.keap.addContact(500, { EMAIL1: 'new500@x.com' });
    let summary = runSyncWith('menu', h.ports(), h.limits);
    while (summary.outcome === 'continuing')
      summary = runSyncWith('continuation', h.ports(), h.limits);
    expect(summary).toMatchObject({
      errors: 1,
      errorRows: [14],
      unchanged: 1,
      emailsUpdated: 12,
      trigger: 'menu',
    });
  });

  it('hands writes the gateway could not start in time to the follow-up run', () => {
    const h = bigHarness(4);
    h.limits = { ...h.limits, chunkSize: 10, keapDeadlineAfterMs: 50_000 };
    const first = runSyncWith('sidebar', h.ports(), h.limits);
    expect(first.outcome).toBe('continuing');
    expect(h.keap.sent).toHaveLength(2);
    expect(h.sheet.column('Sync Status').slice(2)).toEqual(['', '']);
    const summary = runSyncWith('continuation', h.ports(), h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 4 });
    expect(h.keap.sent).toHaveLength(4);
  });

  it('gives up after too many follow-ups and says so', () => {
    const h = bigHarness(30);
    h.limits = { ...h.limits, maxContinuations: 1 };
    runSyncWith('daily', h.ports(), h.limits);
    const second = runSyncWith('continuation', h.ports(), h.limits);
    expect(second.outcome).toBe('failed');
    expect(second.message).toMatch(/follow-up runs/);
    expect(h.finished).toBe(1);
    expect(h.log.rows).toHaveLength(1);
  });

  it('closes a run whose follow-up never came', () => {
    const h = bigHarness(30);
    runSyncWith('daily', h.ports(), h.limits);
    h.clock.advance(h.limits.staleCheckpointMs + 1);
    runSyncWith('daily', h.ports(), h.limits);
    expect(h.log.rows[0]).toMatchObject({ outcome: 'failed', trigger: 'daily' });
    expect(h.log.rows[0].message).toMatch(/never came/);
  });
});

describe('one sync at a time', () => {
  it('returns busy and touches nothing when another sync holds the lease', () => {
    const h = messyHarness();
    h.leaseTaken = true;
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary.outcome).toBe('busy');
    expect(summary.message).toMatch(/already running/);
    expect(h.sheet.reads).toBe(0);
    expect(h.keap.gatewaysOpened).toBe(0);
    expect(h.log.rows).toHaveLength(0);
    expect(h.scheduled).toHaveLength(0);
  });

  it('a busy follow-up changes nothing: the recurring trigger continues the run later', () => {
    const h = messyHarness();
    h.pendingRun = 'run-1';
    h.leaseTaken = true;
    const summary = runSyncWith('continuation', h.ports(), h.limits);
    expect(summary.outcome).toBe('busy');
    expect(h.scheduled).toHaveLength(0);
    expect(h.finished).toBe(0);
  });

  it('a run that left a checkpoint continues from it, whichever trigger fires', () => {
    const h = messyHarness();
    h.pendingRun = null;
    h.checkpoint.save({
      startedAt: 1,
      runId: 'run-9',
      trigger: 'daily',
      executions: 1,
      tally: emptyTally(),
      savedAt: h.clock.now(),
    });
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(summary.trigger).toBe('daily');
    expect(summary.startedAt).toBe(new Date(1).toISOString());
  });

  describe('a pending run whose Keap account or tab changed', () => {
    const XY = 'xy123.infusionsoft.com';
    function pending(h: SyncHarness, context: { account?: string; sheetName?: string }) {
      h.checkpoint.save({
        startedAt: 1,
        runId: 'run-9',
        trigger: 'daily',
        executions: 1,
        tally: { ...emptyTally(), rowsSeen: 60, emailsUpdated: 48 },
        savedAt: h.clock.now(),
        ...context,
      });
    }
    const withAccount = (h: SyncHarness, account: string | null) => ({
      ...h.ports(),
      keapAccount: () => account,
    });

    it('is continued as the same run when both are the same (or unknown)', () => {
      for (const [context, account] of [
        [{ account: XY, sheetName: 'Contacts' }, XY],
        [{ account: XY, sheetName: 'Contacts' }, null],
        [{}, 'key-abc'],
      ] as const) {
        const h = messyHarness();
        pending(h, context);
        const summary = runSyncWith('continuation', withAccount(h, account), h.limits);
        expect(summary.startedAt).toBe(new Date(1).toISOString());
        expect(h.log.rows).toHaveLength(1);
      }
    });

    it('on another account is ended with its own log row, and a new run syncs the sheet', () => {
      const h = messyHarness();
      pending(h, { account: XY, sheetName: 'Contacts' });
      const now = new Date(h.clock.now()).toISOString();
      const summary = runSyncWith('continuation', withAccount(h, 'key-abc'), h.limits);
      expect(h.log.rows.map((r) => [r.outcome, r.startedAt, r.emailsUpdated])).toEqual([
        ['failed', new Date(1).toISOString(), 48],
        ['completed', now, summary.emailsUpdated],
      ]);
      expect(h.log.rows[0].message).toBe(
        'This sync stopped before finishing: the Keap connection changed from Keap account xy123 to an API key while it was under way. A new sync for the account now connected started in its place.',
      );
      expect(summary.emailsUpdated).toBeLessThanOrEqual(summary.rowsSeen);
      // Nothing is wrong: nobody is e-mailed about the run that was ended.
      expect(h.notices).toHaveLength(0);
      expect(h.checkpoint.saved).toBeNull();
    });

    it('on another tab is ended the same way; the new run counts the rows it sees', () => {
      const h = messyHarness();
      pending(h, { account: XY, sheetName: 'Old tab' });
      const summary = runSyncWith('continuation', withAccount(h, XY), h.limits);
      expect(h.log.rows[0].message).toBe(
        "This sync stopped before finishing: the tab to sync changed from 'Old tab' to 'Contacts' while it was under way. A new sync of 'Contacts' started in its place.",
      );
      expect(summary.startedAt).not.toBe(new Date(1).toISOString());
      expect(summary.errors).toBeGreaterThan(0);
    });

    it('a run that continues keeps its account and tab in the checkpoint', () => {
      const rows = Array.from({ length: 23 }, (_, i) => [i + 1, 'P', `n${i + 1}@x.com`, '', '']);
      const h = new SyncHarness([HEADER, ...rows]);
      for (let id = 1; id <= 23; id++) h.keap.addContact(id, { EMAIL1: `o${id}@x.com` });
      h.keap.msPerWrite = 30_000;
      h.limits = { ...h.limits, chunkSize: 2 };
      expect(runSyncWith('daily', withAccount(h, XY), h.limits).outcome).toBe('continuing');
      expect(h.checkpoint.saved).toMatchObject({ account: XY, sheetName: 'Contacts' });
    });
  });

  it('gives the lease back, even after a failure', () => {
    const h = messyHarness();
    h.sheet.failWrites = new Error('boom');
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.leaseTaken).toBe(false);
  });
});

describe('when Keap fails', () => {
  it('needs a reconnect: rows with errors still get their status, the owner is told once', () => {
    const h = messyHarness();
    // Words that give no instruction of their own get the add-on's.
    h.keap.accessError = new KeapAccessError({
      kind: 'recorded',
      text: 'the Keap app was disconnected',
      instructs: false,
    });
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(summary.outcome).toBe('needs-reconnect');
    expect(summary.message).toBe(
      'The Keap app was disconnected. Open Keap Sheets Sync from the Extensions menu and connect again; rows not yet synced are synced after that.',
    );
    expect(h.sheet.column('Sync Status')[4]).toMatch(/^Error: Contact ID must be/);
    expect(h.sheet.column('Sync Status')[0]).toBe('');
    expect(h.notices.map((n) => n.kind)).toEqual(['needs-reconnect']);
    expect(h.log.rows).toHaveLength(1);
    expect(h.finished).toBe(1);
  });

  it('does not e-mail about a run a person started from the sidebar', () => {
    const h = messyHarness();
    h.keap.accessError = new KeapAccessError({
      kind: 'recorded',
      text: 'revoked',
      instructs: true,
    });
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.notices).toHaveLength(0);
  });

  it('keeps what was done before Keap became unavailable; the rest say why and are left for the next run', () => {
    const rows = Array.from({ length: 6 }, (_, i) => [i + 1, 'P', `n${i + 1}@x.com`, '', '']);
    const h = new SyncHarness([HEADER, ...rows]);
    for (let id = 1; id <= 6; id++) h.keap.addContact(id, { EMAIL1: `o${id}@x.com` });
    h.limits = { ...h.limits, chunkSize: 3 };
    h.keap.failReadsAfter = 1;
    h.keap.failNextRead = new KeapUnavailableError({
      kind: 'connection',
      fault: { kind: 'described', text: 'Keap answered 503 five times' },
    });
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(summary).toMatchObject({ outcome: 'failed', emailsUpdated: 3 });
    expect(summary.message).toBe(
      'Keap answered 503 five times. Rows not yet synced are tried again on the next run.',
    );
    expect(h.sheet.column('Sync Status')).toEqual([
      'Updated: email changed to n1@x.com',
      'Updated: email changed to n2@x.com',
      'Updated: email changed to n3@x.com',
      // The rows Keap did not get to say why, in its words; no record: the next run sends them.
      ...Array(3).fill('Will retry: Keap answered 503 five times.'),
    ]);
    expect(h.notices.map((n) => n.kind)).toEqual(['sync-failed']);
    const next = runSyncWith('daily', h.ports(), h.limits);
    expect(next).toMatchObject({ outcome: 'completed', emailsUpdated: 3 });
    expect(h.keap.sent).toHaveLength(6);
  });

  it('marks rows Keap was too busy for, and retries them next run, not in the same run', () => {
    const h = new SyncHarness([HEADER, [1, 'A', 'a@x.com', '', '']]);
    h.keap.addContact(1, { EMAIL1: 'old@x.com' });
    h.keap.answer = () => ({ ok: false, failure: { kind: 'throttled' } });
    const summary = runSyncWith('daily', h.ports(), h.limits);
    expect(h.sheet.column('Sync Status')).toEqual(['Will retry: Keap was busy']);
    expect(summary.outcome).toBe('completed');
    expect(summary.message).toMatch(/1 row will be retried/);
    h.keap.answer = () => null;
    // A follow-up of the same run does not try again...
    const sameRun = h.state.state.get(1)?.run ?? '';
    h.pendingRun = sameRun;
    const now = h.clock.now();
    h.checkpoint.save({
      startedAt: now,
      runId: sameRun,
      trigger: 'daily',
      executions: 1,
      tally: emptyTally(),
      savedAt: now,
    });
    runSyncWith('continuation', h.ports(), h.limits);
    expect(h.keap.email1(1)).toBe('old@x.com');
    // ...the next run does, even within the same millisecond.
    runSyncWith('daily', h.ports(), h.limits);
    expect(h.keap.email1(1)).toBe('a@x.com');
  });

  it("puts Keap's refusal on the row", () => {
    const h = new SyncHarness([HEADER, [1, 'A', 'a@x.com', '', '']]);
    h.keap.addContact(1, { EMAIL1: 'old@x.com' });
    h.keap.answer = () => ({
      ok: false,
      failure: { kind: 'refused', status: 400, keapMessage: 'the email address is not valid' },
    });
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.sheet.column('Sync Status')).toEqual([
      'Error: Keap refused the email change: Keap refused the email: the email address is not valid. Trying again on Sun, Mar 2, or when the row is edited',
    ]);
    expect(summary).toMatchObject({ errors: 1, errorRows: [2] });
  });
});

describe('sheet problems', () => {
  it('fails with a message naming the missing column, and logs it', () => {
    const h = new SyncHarness([
      ['Id', 'Opt Out'],
      [1, 'yes'],
    ]);
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary.outcome).toBe('failed');
    expect(summary.message).toBe(
      "Row 1 of the 'Contacts' tab has neither a 'Contact ID' nor an 'Email' column, so no row " +
        "says whom to opt out. Add one of them (without a 'Contact ID' column, rows are matched by email).",
    );
    expect(h.log.rows).toHaveLength(1);
    expect(h.sheet.writes).toBe(0);
  });

  it('handles an empty sheet', () => {
    const h = new SyncHarness([]);
    expect(runSyncWith('sidebar', h.ports(), h.limits).outcome).toBe('failed');
  });

  it('creates the output columns at the right of the used range and touches no other cell', () => {
    const h = new SyncHarness([
      ['Contact ID', 'Email', 'Notes'],
      [1, 'a@x.com', '=SUM(1)'],
      ['', '', 'stray note'],
    ]);
    h.keap.addContact(1, { EMAIL1: 'a@x.com' });
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.sheet.values[0]).toEqual([
      'Contact ID',
      'Email',
      'Notes',
      'Sync Status',
      'Last Synced',
      'Keap Sync Record',
    ]);
    expect(h.sheet.values[1].slice(0, 4)).toEqual([1, 'a@x.com', '=SUM(1)', 'Up to date']);
    expect(h.sheet.values[1][5]).toMatch(/^ksr2\|1\|/);
    expect([...h.sheet.hiddenColumns]).toEqual([6]);
    expect(h.sheet.values[2]).toEqual(['', '', 'stray note']);
  });

  it('completes the run with statuses and records when the sheet refuses to hide the record column', () => {
    const h = new SyncHarness([HEADER, [1, 'A', 'a@x.com', '', '']]);
    h.keap.addContact(1, { EMAIL1: 'old@x.com' });
    h.sheet.hideColumn = () => {
      throw new Error('You do not have permission to hide columns');
    };
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary.outcome).toBe('completed');
    expect(summary.message).not.toMatch(/hide|permission/i);
    expect(h.sheet.column('Sync Status')).toEqual(['Updated: email changed to a@x.com']);
    expect(h.state.state.get(1)?.result).toBe('ok');
  });
});

describe('the end of a run and its follow-up triggers', () => {
  it('a checkpoint that cannot be cleared keeps the trigger that closes it at its next firing', () => {
    const h = messyHarness();
    h.checkpoint.clear = () => {
      throw new Error('Service error: PropertiesService');
    };
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary.outcome).toBe('completed');
    expect(summary.message).toMatch(/The checkpoint could not be cleared/);
    expect(h.finished).toBe(0);
  });

  it.each([
    [{ kind: 'soon', at: 0 } as const, /the rest continues automatically in a few minutes\.$/],
    [{ kind: 'hourly', at: Date.parse('2025-03-01T07:00:00Z') } as const, /at about 07:00 AM\.$/],
    [{ kind: 'stopped' } as const, /Keap was disconnected/],
  ])('says when the rest continues as it was arranged (%j)', (next, words) => {
    const rows = Array.from({ length: 6 }, (_, i) => [i + 1, '', `new${i + 1}@x.com`, '', '']);
    const h = new SyncHarness([HEADER, ...rows]);
    for (let id = 1; id <= 6; id++) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
    h.keap.msPerWrite = 30_000;
    h.limits = { ...h.limits, chunkSize: 2, stopStartingChunksAfterMs: 1 };
    const ports = h.ports();
    ports.continuation.schedule = () => next;
    const summary = runSyncWith('daily', ports, h.limits);
    expect(summary.outcome).toBe('continuing');
    expect(summary.message).toMatch(words);
  });
});
