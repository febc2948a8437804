/**
 * Settings every run sees alike. Installed as an add-on, the daily run of the person who
 * turned it on has no active document (so no document properties): it opens the spreadsheet
 * by id. The settings an editor saves in the sidebar live in the spreadsheet (developer
 * metadata, visible to this script only), so that run syncs the tab and columns the editor
 * chose, not a copy of its own from earlier. Settings that earlier versions kept in document
 * properties or in a user's copy are carried into the spreadsheet once, and never lost.
 */
import { worked } from './support/hourly';
import { logRows, sheetRows } from './support/reliability';
import { DAY, EDITOR, HEADERS, OWNER, World } from './world';

const DAILY_HOUR = 9;
const SETTINGS_KEY = 'keapSync.settings';
const DEFAULT_HEADERS = {
  contactId: 'Contact ID',
  email: 'Email',
  optOut: 'Opt Out',
  optOutReason: 'Opt Out Reason',
};
/** The new tab an editor points the sync at, with headers of its own. */
const LEADS = 'Leads';
const LEADS_HEADERS = ['Lead ID', 'E-mail', 'Unsubscribe', 'Why'];
const LEADS_SETTINGS = {
  sheetName: LEADS,
  headers: { contactId: 'Lead ID', email: 'E-mail', optOut: 'Unsubscribe', optOutReason: 'Why' },
};

interface RunSummary {
  outcome: string;
  message: string;
  rowsSeen: number;
  emailsUpdated: number;
}

interface SidebarSettings {
  sync: { settings: { sheetName: string; headers: Record<string, string> } };
}

/**
 * Contacts 1-3 in Keap with old addresses; the Contacts tab still lists the old ones, the
 * Leads tab (made by the editor) the new ones. The owner turned the daily sync on.
 */
function sharedWorld(): World {
  const w = new World({
    headers: HEADERS,
    rows: [1, 2, 3].map((id) => [id, `old${id}@example.com`, '', '']),
    runtime: { addOnMode: true },
    // These spreadsheets start with no settings record at all, as real ones do.
    keapEmailStatus: null,
  });
  w.connect();
  for (const id of [1, 2, 3]) w.addContact(id, `old${id}@example.com`);
  w.call('enableDailySync', [DAILY_HOUR]);
  return w;
}

function addLeadsTab(w: World): void {
  w.rt.addSheet(w.spreadsheetId, LEADS, [
    LEADS_HEADERS,
    ...[1, 2, 3].map((id) => [id, `lead${id}@example.com`, '', '']),
  ]);
}

/** The next day's unattended run of the owner's trigger (the firings that did work). */
function dailyRun(w: World): RunSummary[] {
  const ran = worked(w.rt.advanceBy(DAY));
  for (const run of ran) if (run.error) throw new Error(`the run threw: ${run.error.message}`);
  return ran.map((run) => run.value as RunSummary);
}

function keapEmails(w: World): string[] {
  return [1, 2, 3].map((id) => w.emailsOf(id).EMAIL1);
}

function lastLogRow(w: World): { outcome: string; message: string } {
  const rows = logRows(w);
  const last = rows[rows.length - 1];
  return { outcome: String(last[9]), message: String(last[10]) };
}

/** The settings record in the spreadsheet, as the Sheets API's owner sees it. */
function settingsRecords(w: World) {
  return w.rt.developerMetadata(w.spreadsheetId).filter((record) => record.key === SETTINGS_KEY);
}

/** The tab and header names the sidebar shows (the Keap Email Status choice: sync-keap-status). */
function sidebarSettings(w: World, user: string): SidebarSettings['sync']['settings'] {
  const { sheetName, headers } = w.call<SidebarSettings>('getSidebarState', [], user).sync.settings;
  return { sheetName, headers };
}

function userCopyKey(w: World): string {
  return `${SETTINGS_KEY}.${w.spreadsheetId}`;
}

describe("an editor's settings reach the owner's unattended run", () => {
  it("the editor points the sync at a new tab: the owner's daily run syncs that tab", () => {
    const w = sharedWorld();
    addLeadsTab(w);
    expect(w.call('saveSettings', [LEADS_SETTINGS], EDITOR)).toEqual({ ok: true, errors: [] });

    const runs = dailyRun(w);
    expect(runs.map((run) => run.outcome)).toEqual(['completed']);
    expect(runs[0].rowsSeen).toBe(3);
    expect(keapEmails(w)).toEqual(['lead1@example.com', 'lead2@example.com', 'lead3@example.com']);
    expect(sheetRows(w, LEADS).map((row) => row.status)).toEqual([
      'Updated: email changed to lead1@example.com',
      'Updated: email changed to lead2@example.com',
      'Updated: email changed to lead3@example.com',
    ]);
    // The old tab was not touched.
    expect(w.sheet('Contacts').values()[0]).toEqual(HEADERS);
    // The settings live in the spreadsheet, kept to this script.
    expect(settingsRecords(w)).toEqual([
      expect.objectContaining({ visibility: 'PROJECT', value: JSON.stringify(LEADS_SETTINGS) }),
    ]);
    expect(w.rt.documentProperties(w.spreadsheetId)[SETTINGS_KEY]).toBeUndefined();
  });

  it("the editor renames a column and says so in the settings: the owner's run reads it", () => {
    const w = sharedWorld();
    w.sheet().setCell(1, 2, 'E-mail address');
    w.sheet().setValues(2, 2, [['b1@example.com'], ['b2@example.com'], ['b3@example.com']]);
    const settings = { sheetName: '', headers: { ...DEFAULT_HEADERS, email: 'E-mail address' } };
    expect(w.call('saveSettings', [settings], EDITOR)).toEqual({ ok: true, errors: [] });

    const runs = dailyRun(w);
    expect(runs.map((run) => [run.outcome, run.emailsUpdated])).toEqual([['completed', 3]]);
    expect(keapEmails(w)).toEqual(['b1@example.com', 'b2@example.com', 'b3@example.com']);
    // The owner's sidebar shows the editor's settings too.
    expect(sidebarSettings(w, OWNER)).toEqual(settings);
  });

  it("a stale copy in the owner's properties (from an earlier version) is not used", () => {
    const w = sharedWorld();
    addLeadsTab(w);
    w.call('saveSettings', [LEADS_SETTINGS], EDITOR);
    // What an earlier version left in the owner's properties: the settings before the change.
    w.rt.setUserProperty(
      OWNER,
      userCopyKey(w),
      JSON.stringify({ sheetName: '', headers: DEFAULT_HEADERS }),
    );

    const runs = dailyRun(w);
    expect(runs.map((run) => run.outcome)).toEqual(['completed']);
    expect(keapEmails(w)).toEqual(['lead1@example.com', 'lead2@example.com', 'lead3@example.com']);
    expect(w.sheet('Contacts').values()[0]).toEqual(HEADERS);
  });

  it('the tab the settings name is gone: the run says so plainly and changes nothing', () => {
    const w = sharedWorld();
    addLeadsTab(w);
    w.call('saveSettings', [LEADS_SETTINGS], EDITOR);
    w.sheet(LEADS).rename('Leads 2025');

    // A failed daily run is tried again the next hours: each says the same.
    const runs = dailyRun(w);
    expect(runs.length).toBeGreaterThan(0);
    expect(new Set(runs.map((run) => run.outcome))).toEqual(new Set(['failed']));
    expect(runs[0].message).toContain(`There is no tab named '${LEADS}' in this spreadsheet.`);
    expect(lastLogRow(w)).toEqual({ outcome: 'failed', message: runs[0].message });
    expect(keapEmails(w)).toEqual(['old1@example.com', 'old2@example.com', 'old3@example.com']);
    // Neither tab got statuses.
    expect(w.sheet('Contacts').values()[0]).toEqual(HEADERS);
    expect(w.sheet('Leads 2025').values()[0]).toEqual(LEADS_HEADERS);
  });
});

describe('settings of earlier versions are carried into the spreadsheet once', () => {
  /** An earlier version saved the editor's settings in document properties only. */
  function earlierVersionWorld(): World {
    const w = sharedWorld();
    addLeadsTab(w);
    w.rt.setDocumentProperty(w.spreadsheetId, SETTINGS_KEY, JSON.stringify(LEADS_SETTINGS));
    // The owner's copy, made when the daily sync was turned on, before the editor's change.
    w.rt.setUserProperty(
      OWNER,
      userCopyKey(w),
      JSON.stringify({ sheetName: '', headers: DEFAULT_HEADERS }),
    );
    return w;
  }

  it("from document properties, when someone opens the sidebar; the owner's run then uses them", () => {
    const w = earlierVersionWorld();
    expect(sidebarSettings(w, EDITOR)).toEqual(LEADS_SETTINGS);
    expect(settingsRecords(w).map((record) => [record.visibility, record.value])).toEqual([
      ['PROJECT', JSON.stringify(LEADS_SETTINGS)],
    ]);
    // Carried, then no longer kept (or read) where they were.
    expect(w.rt.documentProperties(w.spreadsheetId)[SETTINGS_KEY]).toBeUndefined();

    const runs = dailyRun(w);
    expect(runs.map((run) => run.outcome)).toEqual(['completed']);
    expect(keapEmails(w)).toEqual(['lead1@example.com', 'lead2@example.com', 'lead3@example.com']);
    // Carried once: later looks find the same one record.
    sidebarSettings(w, OWNER);
    expect(settingsRecords(w)).toHaveLength(1);
  });

  it("a run that reached only the owner's copy does not outweigh the document's settings", () => {
    const w = earlierVersionWorld();
    // Nobody opened the spreadsheet: the unattended run has only the owner's copy.
    const first = dailyRun(w);
    expect(first.map((run) => run.outcome)).toEqual(['completed']);
    // Then the editor opens the sidebar: the document's own settings win, and stay.
    expect(sidebarSettings(w, EDITOR)).toEqual(LEADS_SETTINGS);
    expect(sidebarSettings(w, OWNER)).toEqual(LEADS_SETTINGS);
    expect(w.rt.userProperties(OWNER)[userCopyKey(w)]).toBeUndefined();
    w.sheet(LEADS).setValues(2, 2, [['l1@example.com'], ['l2@example.com'], ['l3@example.com']]);
    const next = dailyRun(w);
    expect(next.map((run) => run.outcome)).toEqual(['completed']);
    expect(keapEmails(w)).toEqual(['l1@example.com', 'l2@example.com', 'l3@example.com']);
  });

  it("settings kept only in the owner's copy are carried by the owner's run, for everyone", () => {
    const w = sharedWorld();
    addLeadsTab(w);
    w.rt.setUserProperty(OWNER, userCopyKey(w), JSON.stringify(LEADS_SETTINGS));

    const runs = dailyRun(w);
    expect(runs.map((run) => run.outcome)).toEqual(['completed']);
    expect(keapEmails(w)).toEqual(['lead1@example.com', 'lead2@example.com', 'lead3@example.com']);
    // The editor, who never had a copy, sees them; they are no longer only the owner's.
    expect(sidebarSettings(w, EDITOR)).toEqual(LEADS_SETTINGS);
    expect(w.rt.userProperties(OWNER)[userCopyKey(w)]).toBeUndefined();
    expect(settingsRecords(w).map((record) => record.value)).toEqual([
      JSON.stringify(LEADS_SETTINGS),
    ]);
  });
});

describe('the record in the spreadsheet under strain', () => {
  it('the spreadsheet has no room left for metadata: nothing is lost, and saving says so', () => {
    const w = sharedWorld();
    addLeadsTab(w);
    w.rt.setDocumentProperty(w.spreadsheetId, SETTINGS_KEY, JSON.stringify(LEADS_SETTINGS));
    // Another add-on filled the spreadsheet's 30,000 characters of metadata.
    w.rt.addDeveloperMetadata(w.spreadsheetId, {
      key: 'other.addon',
      value: 'x'.repeat(29_980),
      visibility: 'DOCUMENT',
      project: 'another-script',
    });
    // Not carried, so kept where they were, and still the ones in force.
    expect(sidebarSettings(w, EDITOR)).toEqual(LEADS_SETTINGS);
    expect(w.rt.documentProperties(w.spreadsheetId)[SETTINGS_KEY]).toBe(
      JSON.stringify(LEADS_SETTINGS),
    );
    const saved = w.call<{ ok: boolean; errors: string[] }>(
      'saveSettings',
      [{ sheetName: '', headers: DEFAULT_HEADERS }],
      EDITOR,
    );
    expect(saved.ok).toBe(false);
    expect(saved.errors).toEqual([
      expect.stringMatching(
        /^The settings could not be saved in the spreadsheet, so the earlier ones still apply: /,
      ),
    ]);
    expect(sidebarSettings(w, OWNER)).toEqual(LEADS_SETTINGS);
  });

  it('two records left by two people carrying the settings at once: one is read, a save keeps one', () => {
    const w = sharedWorld();
    addLeadsTab(w);
    for (const value of [LEADS_SETTINGS, { sheetName: '', headers: DEFAULT_HEADERS }]) {
      w.rt.addDeveloperMetadata(w.spreadsheetId, {
        key: SETTINGS_KEY,
        value: JSON.stringify(value),
        visibility: 'PROJECT',
      });
    }
    expect(sidebarSettings(w, OWNER)).toEqual(LEADS_SETTINGS);
    expect(dailyRun(w).map((run) => run.outcome)).toEqual(['completed']);
    expect(keapEmails(w)).toEqual(['lead1@example.com', 'lead2@example.com', 'lead3@example.com']);
    expect(w.call('saveSettings', [LEADS_SETTINGS], EDITOR)).toEqual({ ok: true, errors: [] });
    expect(settingsRecords(w).map((record) => record.value)).toEqual([
      JSON.stringify(LEADS_SETTINGS),
    ]);
  });
});

describe('the log tab is found by its mark, read with the settings', () => {
  const LOG = 'Keap Sync Log';

  function syncNow(w: World): RunSummary {
    return w.call<RunSummary>('syncNow');
  }

  it('a log tab of an earlier version is marked once; renamed by a person, it keeps the rows', () => {
    const w = sharedWorld();
    // An earlier version's log tab: found by its name, then marked.
    w.rt.addSheet(w.spreadsheetId, LOG, [['When', 'How']]);
    expect(syncNow(w).outcome).toBe('completed');
    expect(w.sheet(LOG).values()).toHaveLength(2);
    expect(w.rt.developerMetadata(w.spreadsheetId)).toContainEqual(
      expect.objectContaining({ key: 'keapSync.logTab', sheet: LOG, visibility: 'PROJECT' }),
    );
    w.sheet(LOG).rename('Sync history');
    expect(syncNow(w).outcome).toBe('completed');
    expect(w.rt.sheetNames(w.spreadsheetId)).not.toContain(LOG);
    expect(w.sheet('Sync history').values()).toHaveLength(3);
  });

  it('deleted by a person, a new log tab is made and marked', () => {
    const w = sharedWorld();
    expect(syncNow(w).outcome).toBe('completed');
    w.rt.deleteSheet(w.spreadsheetId, LOG);
    expect(syncNow(w).outcome).toBe('completed');
    expect(w.sheet(LOG).values()).toHaveLength(2);
    expect(
      w.rt.developerMetadata(w.spreadsheetId).filter((record) => record.key === 'keapSync.logTab'),
    ).toEqual([expect.objectContaining({ sheet: LOG })]);
  });
});
