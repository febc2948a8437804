import { resolveContactsTab, SpreadsheetContactSheet } from '../../../src/sheet/contactSheet';
import { LOG_HEADER, LOG_TAB_NAME, SpreadsheetLogTab } from '../../../src/sheet/logTab';
import { OLD_STATE_TAB_NAME } from '../../../src/sheet/oldStateTab';
import { SheetSetupError } from '../../../src/sheet/setupError';
import { readSyncState, SYNC_RECORD_HEADER } from '../../../src/sheet/syncRecord';
import { rowFingerprint } from '../../../src/sync/fingerprint';
import { runSyncWith, type SyncPorts } from '../../../src/sync/runSync';
import { worded } from './support/setupWords';
import { SyncHarness } from '../sync/support/fakes';

import { FakeSpreadsheet } from './support/fakeSpreadsheet';

const HEADER = ['Contact ID', 'Email', 'Opt Out'];

function sheetWith(rows: number, tabs: Record<string, unknown[][]> = {}): FakeSpreadsheet {
  const body = Array.from({ length: rows }, (_, i) => [i + 1, `new${i + 1}@x.com`, '']);
  return new FakeSpreadsheet({ Contacts: [[...HEADER], ...body], ...tabs });
}

/** runSync with the real sheet adapters over the fake spreadsheet, the rest in memory. */
function portsFor(spreadsheet: FakeSpreadsheet, h: SyncHarness): SyncPorts {
  const ss = spreadsheet.asSpreadsheet();
  return {
    ...h.ports(),
    sheet: new SpreadsheetContactSheet(ss, ''),
    log: new SpreadsheetLogTab(ss),
  };
}

function harnessFor(rows: number): SyncHarness {
  const h = new SyncHarness([]);
  for (let id = 1; id <= rows; id++) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
  h.keap.msPerWrite = 10;
  return h;
}

describe('finding the contacts tab', () => {
  it("prefers 'Contacts', else the first tab that is not the add-on's own", () => {
    const ss = new FakeSpreadsheet({
      People: [],
      Contacts: [],
    }).asSpreadsheet();
    expect(resolveContactsTab(ss, '').getName()).toBe('Contacts');
    const noContacts = new FakeSpreadsheet({ [LOG_TAB_NAME]: [], People: [] }).asSpreadsheet();
    expect(resolveContactsTab(noContacts, '').getName()).toBe('People');
  });

  it('uses the configured tab and names it when missing', () => {
    const ss = new FakeSpreadsheet({ Contacts: [], Leads: [] }).asSpreadsheet();
    expect(resolveContactsTab(ss, ' Leads ').getName()).toBe('Leads');
    expect(worded(() => resolveContactsTab(ss, 'Nope'))).toThrow(
      "There is no tab named 'Nope' in this spreadsheet.",
    );
  });

  it("never takes the add-on's own log tab as the contacts tab, even when a setting names it", () => {
    const ss = new FakeSpreadsheet({ Contacts: [], [LOG_TAB_NAME]: [] }).asSpreadsheet();
    expect(worded(() => resolveContactsTab(ss, LOG_TAB_NAME))).toThrow(
      `'${LOG_TAB_NAME}' is the add-on's own tab, not a tab of contacts. Choose the tab that holds your contacts.`,
    );
    expect(() => resolveContactsTab(ss, ` ${LOG_TAB_NAME} `)).toThrow(SheetSetupError);
  });
});

describe('the sheet adapters in a real run', () => {
  it('write statuses, a hidden record column and a log tab with a header row', () => {
    const spreadsheet = sheetWith(3);
    const h = harnessFor(3);
    const summary = runSyncWith('menu', portsFor(spreadsheet, h), h.limits);
    expect(summary.outcome).toBe('completed');
    const contacts = spreadsheet.tab('Contacts')?.cells ?? [];
    expect(contacts[0]).toEqual([...HEADER, 'Sync Status', 'Last Synced', SYNC_RECORD_HEADER]);
    expect(contacts[1][3]).toBe('Updated: email changed to new1@x.com');
    expect(contacts[1][4]).toBeInstanceOf(Date);
    expect([...(spreadsheet.tab('Contacts')?.hiddenColumns ?? [])]).toEqual([6]);
    expect([...readSyncState(contacts, 6).keys()]).toEqual([1, 2, 3]);
    const log = spreadsheet.tab(LOG_TAB_NAME)?.cells ?? [];
    expect(log[0]).toEqual(LOG_HEADER);
    expect(log[1].slice(1, 5)).toEqual(['menu', 3, 3, 0]);
    expect(spreadsheet.sheets.map((s) => s.name)).toEqual(['Contacts', LOG_TAB_NAME]);
  });

  const ROUND_TRIPS = new Set([
    'Sheet.getSheetValues',
    'Range.getValues',
    'Range.getFormulas',
    'Range.setValues',
    'Sheet.appendRow',
    'Spreadsheet.insertSheet',
  ]);
  const callsOfRun = (rows: number, run: 'changed' | 'unchanged') => {
    const spreadsheet = sheetWith(rows, { [LOG_TAB_NAME]: [[...LOG_HEADER]] });
    spreadsheet.tab('Contacts')?.cells[0].push('Sync Status', 'Last Synced', SYNC_RECORD_HEADER);
    const h = harnessFor(rows);
    expect(runSyncWith('sidebar', portsFor(spreadsheet, h), h.limits)).toMatchObject({
      outcome: 'completed',
      emailsUpdated: rows,
    });
    if (run === 'unchanged') {
      spreadsheet.counter.calls = [];
      expect(runSyncWith('daily', portsFor(spreadsheet, h), h.limits)).toMatchObject({
        keapRequests: 0,
        unchanged: rows,
      });
    }
    const calls = spreadsheet.counter.calls;
    return { all: calls.length, roundTrips: calls.filter((c) => ROUND_TRIPS.has(c)).length };
  };

  it.each([10, 500, 3000])(
    'stay within 10 + rows/500 data round trips per execution for %i rows',
    (rows) => {
      const changed = callsOfRun(rows, 'changed');
      const unchanged = callsOfRun(rows, 'unchanged');
      expect(changed.roundTrips).toBeLessThanOrEqual(10 + rows / 500);
      // Nothing changed: read the sheet (records included), log the run; write no cell.
      expect(unchanged.roundTrips).toBe(2);
    },
  );

  it("carry an old 'Keap Sync State' tab's records into the record column, then remove the tab", () => {
    const fingerprint = (id: number) =>
      rowFingerprint({ contactId: id, email: `new${id}@x.com`, optOut: false, reason: null });
    const oldTab = [
      ['Contact ID', 'Fingerprint', 'Synced At (ms)', 'Result', 'Run'],
      ...[1, 2, 3].map((id) => [id, fingerprint(id), 1_700_000_000_000, 'ok', 'old-run']),
    ];
    const spreadsheet = sheetWith(3, { [OLD_STATE_TAB_NAME]: oldTab });
    // The earlier version's first write added the status columns.
    spreadsheet.tab('Contacts')?.cells[0].push('Sync Status', 'Last Synced');
    const h = harnessFor(3);
    // Synced by the earlier version; contact 2 was changed in Keap since.
    h.keap.addContact(1, { EMAIL1: 'new1@x.com' });
    h.keap.addContact(2, { EMAIL1: 'changed-in-keap@x.com' });
    h.keap.addContact(3, { EMAIL1: 'new3@x.com' });
    const summary = runSyncWith('daily', portsFor(spreadsheet, h), h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', unchanged: 3, keapRequests: 0 });
    expect(h.keap.email1(2)).toBe('changed-in-keap@x.com');
    const contacts = spreadsheet.tab('Contacts')?.cells ?? [];
    expect(readSyncState(contacts, 6)).toEqual(
      new Map(
        [1, 2, 3].map((id) => [
          id,
          {
            fingerprint: fingerprint(id),
            syncedAt: 1_700_000_000_000,
            result: 'ok',
            run: 'old-run',
          },
        ]),
      ),
    );
    expect(spreadsheet.sheets.map((s) => s.name)).toEqual(['Contacts', LOG_TAB_NAME]);
    // The next run reads its records from the column alone, and still sends nothing.
    spreadsheet.counter.calls = [];
    expect(runSyncWith('daily', portsFor(spreadsheet, h), h.limits)).toMatchObject({
      unchanged: 3,
      keapRequests: 0,
    });
    expect(spreadsheet.counter.calls).not.toContain('Spreadsheet.deleteSheet');
  });

  it('make as many spreadsheet calls for 3000 rows as for 10, but for one status write per chunk', () => {
    // Statuses reach the rows chunk by chunk (1,000 rows): each chunk but the last adds a
    // re-read, a write (range and values) and the read that checks it, never a call per row.
    const perChunk = 4;
    expect(callsOfRun(3000, 'changed').all).toBeLessThanOrEqual(
      callsOfRun(10, 'changed').all + 2 * perChunk,
    );
    expect(callsOfRun(10, 'changed').all).toBeLessThanOrEqual(8);
  });

  it('reads the contacts tab in one call, re-reads it once before writing and once after to check the write', () => {
    const spreadsheet = sheetWith(50);
    const h = harnessFor(50);
    runSyncWith('sidebar', portsFor(spreadsheet, h), h.limits);
    const cellCalls = spreadsheet.counter.calls.filter((c) =>
      ['Sheet.getSheetValues', 'Range.getValues', 'Range.setValues', 'Sheet.appendRow'].includes(c),
    );
    // The production path: one getSheetValues per read, no getDataRange fallback.
    expect(spreadsheet.counter.calls).not.toContain('Sheet.getDataRange');
    const firstWrite = cellCalls.indexOf('Range.setValues');
    expect(cellCalls.slice(0, firstWrite)).toEqual([
      'Sheet.getSheetValues',
      'Sheet.getSheetValues',
    ]);
    // Statuses and records in one block, then one read to check them, then the log.
    expect(cellCalls.slice(firstWrite)).toEqual([
      'Range.setValues',
      'Sheet.getSheetValues',
      'Sheet.appendRow',
      'Sheet.appendRow',
    ]);
  });

  it('keeps a formula a person put in the Sync Status column between rows it writes', () => {
    const spreadsheet = sheetWith(4);
    const contacts = spreadsheet.tab('Contacts');
    if (!contacts) throw new Error('no Contacts tab');
    contacts.cells[0].push('Sync Status', 'Last Synced');
    contacts.cells[2] = ['', '', '', 'see below', ''];
    contacts.formulas.set('3,4', '="see below"');
    const h = harnessFor(4);
    runSyncWith('sidebar', portsFor(spreadsheet, h), h.limits);
    expect(contacts.formulas.get('3,4')).toBe('="see below"');
    expect(contacts.cells.map((row) => row[3])).toEqual([
      'Sync Status',
      'Updated: email changed to new1@x.com',
      'see below',
      'Updated: email changed to new3@x.com',
      'Updated: email changed to new4@x.com',
    ]);
  });
});
