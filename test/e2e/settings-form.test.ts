/**
 * The sidebar's settings form through the built bundle (issue 16): the tabs and row 1's
 * headers to choose from, a chosen header that is not in the sheet refused before anything
 * is kept, an empty field meaning the default, and Reset to defaults.
 */
import { columnOf, connectedWorld, type Summary } from './support/sync';
import { EDITOR, TENANT, type World } from './world';

interface Choices {
  ok: boolean;
  errors: string[];
  tabs: string[];
  tab: string;
  headers: string[];
  defaults: { sheetName: string; headers: Record<string, string> };
}

interface Settings {
  sheetName: string;
  headers: Record<string, string>;
}

const EMPTY = {
  sheetName: '',
  headers: { contactId: '', email: '', optOut: '', optOutReason: '' },
};
const DEFAULTS = {
  sheetName: '',
  headers: {
    contactId: 'Contact ID',
    email: 'Email',
    optOut: 'Opt Out',
    optOutReason: 'Opt Out Reason',
  },
};

function leadsWorld(): World {
  const w = connectedWorld([
    ['Contact ID', 'Email', 'Opt Out'],
    [1, 'one@example.com', ''],
  ]);
  w.addContact(1, 'old1@example.com');
  w.addContact(8, 'eight@example.com');
  w.rt.addSheet(w.spreadsheetId, 'Leads', [
    ['Why', 'Keap #', 'Unsubscribe?', 'Mail', '', 'Mail', 'Sync Status'],
    ['moved away', 8, 'yes', '', '', '', ''],
  ]);
  return w;
}

/** The tab and header names saved (the Keap Email Status choice: sync-keap-status.test.ts). */
function savedSettings(w: World): Settings {
  const { sheetName, headers } = w.call<{ sync: { settings: Settings } }>('getSidebarState').sync
    .settings;
  return { sheetName, headers };
}

describe('the settings form offers what the sheet has', () => {
  it("lists the spreadsheet's tabs (not the add-on's log) and the saved tab's headers", () => {
    const w = leadsWorld();
    expect(w.call<Summary>('syncNow').outcome).toBe('completed'); // makes the log tab
    expect(w.rt.sheetNames(w.spreadsheetId)).toContain('Keap Sync Log');
    const choices = w.call<Choices>('getSettingsChoices');
    expect(choices).toEqual({
      ok: true,
      errors: [],
      tabs: ['Contacts', 'Leads'],
      tab: 'Contacts',
      // The add-on's own columns are no choice.
      headers: ['Contact ID', 'Email', 'Opt Out'],
      defaults: { sheetName: 'Contacts', headers: DEFAULTS.headers },
    });
  });

  it('lists the headers of the tab chosen in the form: empty cells and repeats left out', () => {
    const w = leadsWorld();
    const choices = w.call<Choices>('getSettingsChoices', [{ sheetName: 'Leads' }], EDITOR);
    expect(choices).toMatchObject({
      ok: true,
      tab: 'Leads',
      headers: ['Why', 'Keap #', 'Unsubscribe?', 'Mail'],
    });
    expect(w.call<Choices>('getSettingsChoices', [{ sheetName: '' }]).tab).toBe('Contacts');
  });

  it('a tab that is gone is said plainly, with the tabs there are', () => {
    const w = leadsWorld();
    expect(w.call<Choices>('getSettingsChoices', [{ sheetName: 'Old leads' }])).toMatchObject({
      ok: false,
      errors: ["There is no tab named 'Old leads' in this spreadsheet."],
      tabs: ['Contacts', 'Leads'],
      tab: '',
      headers: [],
    });
  });
});

describe('saving checks the names against the sheet first', () => {
  it('refuses a chosen header that row 1 does not have, naming it, and keeps the old settings', () => {
    const w = leadsWorld();
    const answer = w.call('saveSettings', [
      { sheetName: 'Leads', headers: { contactId: 'Keap #', email: 'Mail', optOut: 'Opt-out' } },
    ]);
    expect(answer).toEqual({
      ok: false,
      errors: ["Row 1 of the 'Leads' tab has no 'Opt-out' column (chosen for 'Opt Out')."],
    });
    expect(savedSettings(w)).toEqual(DEFAULTS);
  });

  it("refuses the add-on's own columns as a column to read", () => {
    const w = leadsWorld();
    expect(w.call('saveSettings', [{ headers: { optOutReason: 'Sync Status' } }])).toEqual({
      ok: false,
      errors: [
        "'Sync Status' is a column the add-on writes itself; choose another column for 'Opt Out Reason'.",
      ],
    });
  });

  it('saves empty fields as the defaults, and the sync uses them', () => {
    const w = leadsWorld();
    const answer = w.call('saveSettings', [
      { sheetName: 'Leads', headers: { contactId: 'Keap #', email: '', optOut: 'Unsubscribe' } },
    ]);
    // "Email" (the default for an empty field) is not on Leads: that is allowed, as it
    // always was for the email and opt-out columns; a chosen one must be there.
    expect(answer).toEqual({ ok: true, errors: [] });
    expect(savedSettings(w)).toEqual({
      sheetName: 'Leads',
      headers: { ...DEFAULTS.headers, contactId: 'Keap #', optOut: 'Unsubscribe' },
    });
    expect(w.call<Summary>('syncNow')).toMatchObject({ outcome: 'completed', optedOut: 1 });
    expect(columnOf(w, 'Sync Status', 'Leads')).toEqual(['Updated: opted out']);
  });

  it('every field empty on a tab with none of the default columns: nothing to sync', () => {
    const w = leadsWorld();
    expect(w.call('saveSettings', [{ ...EMPTY, sheetName: 'Leads' }])).toEqual({
      ok: false,
      errors: [
        "Row 1 of the 'Leads' tab has neither an 'Email' nor an 'Opt Out' column, so there is nothing to sync.",
      ],
    });
    expect(savedSettings(w)).toEqual(DEFAULTS);
  });

  it("keeps the default 'Contact ID' on a tab without it that has an Email column; its rows are matched by email", () => {
    const w = leadsWorld();
    w.rt.addSheet(w.spreadsheetId, 'Form answers', [
      ['Timestamp', 'Mail', 'Unsubscribe?'],
      ['2026-12-01', 'eight@example.com', 'yes'],
    ]);
    const headers = { contactId: '', email: 'Mail', optOut: 'Unsubscribe?', optOutReason: '' };
    expect(w.call('saveSettings', [{ sheetName: 'Form answers', headers }])).toEqual({
      ok: true,
      errors: [],
    });
    // The default name given by name is the default too.
    const named = { ...headers, contactId: 'Contact ID' };
    expect(w.call('saveSettings', [{ sheetName: 'Form answers', headers: named }])).toEqual({
      ok: true,
      errors: [],
    });
    expect(savedSettings(w)).toEqual({
      sheetName: 'Form answers',
      headers: { ...DEFAULTS.headers, email: 'Mail', optOut: 'Unsubscribe?' },
    });
    expect(w.call<Summary>('syncNow')).toMatchObject({ outcome: 'completed', optedOut: 1 });
    expect(columnOf(w, 'Sync Status', 'Form answers')).toEqual([
      'Updated: opted out (Keap contact 8, found by email)',
    ]);
    expect(w.sim.emailStatus(TENANT, 'eight@example.com')?.status).toBe('MANUAL');
    // Without the Email column as well, nothing says whom to opt out.
    const optOutOnly = { ...headers, email: '' };
    expect(w.call('saveSettings', [{ sheetName: 'Form answers', headers: optOutOnly }])).toEqual({
      ok: false,
      errors: [
        "Row 1 of the 'Form answers' tab has neither a 'Contact ID' nor an 'Email' column, so no row " +
          "says whom to opt out. Add one of them (without a 'Contact ID' column, rows are matched by email).",
      ],
    });
  });

  it('Reset to defaults (every field empty) brings back the default tab and names', () => {
    const w = leadsWorld();
    w.call('saveSettings', [
      {
        sheetName: 'Leads',
        headers: { contactId: 'Keap #', email: 'Mail', optOut: 'Unsubscribe' },
      },
    ]);
    expect(savedSettings(w).sheetName).toBe('Leads');
    expect(w.call('saveSettings', [EMPTY], EDITOR)).toEqual({ ok: true, errors: [] });
    expect(savedSettings(w)).toEqual(DEFAULTS);
    expect(w.call<Summary>('syncNow')).toMatchObject({ outcome: 'completed', emailsUpdated: 1 });
    expect(columnOf(w, 'Sync Status')).toEqual(['Updated: email changed to one@example.com']);
  });
});
