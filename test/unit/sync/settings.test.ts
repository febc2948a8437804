import {
  checkAgainstHeaderRow,
  defaultSettings,
  readSettings,
  SETTINGS_KEY,
  settingsChoicesOf,
  storeSettings,
  validateSettingsInput,
} from '../../../src/sync/settings';
import { MemoryStore } from './support/fakes';

describe('sync settings', () => {
  it('defaults to the Contacts tab and the standard headers', () => {
    expect(readSettings(new MemoryStore())).toEqual({
      sheetName: '',
      headers: {
        contactId: 'Contact ID',
        email: 'Email',
        optOut: 'Opt Out',
        optOutReason: 'Opt Out Reason',
      },
    });
  });

  it('round-trips what was saved', () => {
    const store = new MemoryStore();
    const settings = {
      sheetName: 'People',
      headers: { ...defaultSettings().headers, email: 'Mail' },
    };
    storeSettings(store, settings);
    expect(readSettings(store)).toEqual(settings);
  });

  it('falls back to defaults for damaged or partial stored values', () => {
    const store = new MemoryStore();
    store.setProperty(SETTINGS_KEY, '{not json');
    expect(readSettings(store)).toEqual(defaultSettings());
    store.setProperty(
      SETTINGS_KEY,
      JSON.stringify({ sheetName: 5, headers: { email: '  Mail ', optOut: '' } }),
    );
    expect(readSettings(store)).toEqual({
      sheetName: '',
      headers: { ...defaultSettings().headers, email: 'Mail' },
    });
  });

  it('trims input and accepts missing fields', () => {
    expect(validateSettingsInput({ sheetName: ' People ', headers: { email: ' Mail ' } })).toEqual({
      settings: { sheetName: 'People', headers: { ...defaultSettings().headers, email: 'Mail' } },
      errors: [],
      chosen: ['email'],
    });
  });

  it('takes an empty field as "the default", not as a choice', () => {
    expect(
      validateSettingsInput({
        sheetName: '',
        headers: { contactId: '', email: '  ', optOut: 'Unsubscribe', optOutReason: '' },
      }),
    ).toEqual({
      settings: { sheetName: '', headers: { ...defaultSettings().headers, optOut: 'Unsubscribe' } },
      errors: [],
      chosen: ['optOut'],
    });
  });

  it("refuses the add-on's own columns as a column to read", () => {
    expect(validateSettingsInput({ headers: { email: 'last synced' } }).errors).toEqual([
      "'last synced' is a column the add-on writes itself; choose another column for 'Email'.",
    ]);
    expect(validateSettingsInput({ headers: { email: 'Keap Email Status' } }).errors).toEqual([
      "'Keap Email Status' is a column the add-on writes itself; choose another column for 'Email'.",
    ]);
  });

  it('refuses header names that are empty, punctuation only, or the same as another', () => {
    const { errors } = validateSettingsInput({ headers: { email: '--', optOut: 'contact id' } });
    expect(errors).toEqual([
      "The header name for 'Email' must contain letters or digits.",
      "'Opt Out' and 'Contact ID' cannot use the same header name.",
    ]);
  });

  it('refuses input that is not settings', () => {
    expect(validateSettingsInput({ sheetName: 42 }).errors).toEqual(['The tab name must be text.']);
    expect(validateSettingsInput(null).errors).toEqual([]);
  });
});

describe('the Keap Email Status choice', () => {
  it('is absent until chosen, then read back as stored', () => {
    expect(defaultSettings().keapEmailStatus).toBeUndefined();
    const store = new MemoryStore();
    store.setProperty(SETTINGS_KEY, JSON.stringify({ keapEmailStatus: false }));
    expect(readSettings(store).keapEmailStatus).toBe(false);
    store.setProperty(SETTINGS_KEY, JSON.stringify({ keapEmailStatus: 'yes' }));
    expect(readSettings(store).keapEmailStatus).toBeUndefined();
  });

  it('is taken from the sidebar only as on or off', () => {
    expect(validateSettingsInput({ keapEmailStatus: true }).settings.keapEmailStatus).toBe(true);
    expect(validateSettingsInput({ keapEmailStatus: 1 }).errors).toEqual([
      'The Keap Email Status choice must be on or off.',
    ]);
  });
});

describe('settings against the sheet', () => {
  const row = ['Keap #', 'E-mail', 'Unsubscribe?', 'Sync Status'];

  it('accepts chosen headers row 1 has (case, spaces and punctuation aside)', () => {
    const checked = validateSettingsInput({ headers: { contactId: 'keap', email: 'email' } });
    expect(checkAgainstHeaderRow(checked, row, 'Leads')).toEqual([]);
  });

  it('names every chosen header row 1 lacks, before what the sync needs', () => {
    const checked = validateSettingsInput({
      headers: { contactId: 'Keap #', optOut: 'Opt-out', optOutReason: 'Reason' },
    });
    expect(checkAgainstHeaderRow(checked, row, 'Leads')).toEqual([
      "Row 1 of the 'Leads' tab has no 'Opt-out' column (chosen for 'Opt Out').",
      "Row 1 of the 'Leads' tab has no 'Reason' column (chosen for 'Opt Out Reason').",
    ]);
  });

  it('a default the tab lacks is fine where the sync does without it', () => {
    const optional = validateSettingsInput({ headers: { contactId: 'Keap #', email: 'E-mail' } });
    expect(checkAgainstHeaderRow(optional, row, 'Leads')).toEqual([]);
    // No 'Contact ID' column: its rows are matched by their 'E-mail'.
    const none = validateSettingsInput({ headers: {} });
    expect(checkAgainstHeaderRow(none, row, 'Leads')).toEqual([]);
    expect(checkAgainstHeaderRow(none, ['Keap #', 'Why'], 'Leads')).toEqual([
      "Row 1 of the 'Leads' tab has neither an 'Email' nor an 'Opt Out' column, so there is nothing to sync.",
    ]);
  });

  it("keeps the default 'Contact ID' (left empty or named) on a tab without it that has an Email column", () => {
    const noIds = ['E-mail', 'Unsubscribe?'];
    const headers = { email: 'E-mail', optOut: 'Unsubscribe' };
    expect(checkAgainstHeaderRow(validateSettingsInput({ headers }), noIds, 'Leads')).toEqual([]);
    const named = validateSettingsInput({ headers: { ...headers, contactId: 'contact id' } });
    expect(checkAgainstHeaderRow(named, noIds, 'Leads')).toEqual([]);
    // Another name chosen for the id column must be there.
    const other = validateSettingsInput({ headers: { ...headers, contactId: 'Keap #' } });
    expect(checkAgainstHeaderRow(other, noIds, 'Leads')).toEqual([
      "Row 1 of the 'Leads' tab has no 'Keap #' column (chosen for 'Contact ID').",
    ]);
    // Without an Email column nothing says whom to opt out.
    const optOutOnly = validateSettingsInput({ headers: { optOut: 'Unsubscribe' } });
    expect(checkAgainstHeaderRow(optOutOnly, ['Unsubscribe?'], 'Leads')).toEqual([
      "Row 1 of the 'Leads' tab has neither a 'Contact ID' nor an 'Email' column, so no row " +
        "says whom to opt out. Add one of them (without a 'Contact ID' column, rows are matched by email).",
    ]);
  });
});

describe('the choices the settings form offers', () => {
  it("lists row 1's headers as written, without blanks, repeats, the add-on's columns or huge ones", () => {
    const choices = settingsChoicesOf(
      ['Contacts', 'Leads'],
      {
        name: 'Leads',
        headerRow: ['Keap #', '', 'E-mail', 'e mail', 42, 'Last Synced', 'x'.repeat(101), ' Why '],
      },
      'Contacts',
    );
    expect(choices).toEqual({
      ok: true,
      errors: [],
      tabs: ['Contacts', 'Leads'],
      tab: 'Leads',
      headers: ['Keap #', 'E-mail', '42', 'Why'],
      defaults: { sheetName: 'Contacts', headers: defaultSettings().headers },
    });
  });

  it('says why a tab cannot be read and still lists the tabs; at most 200 of each', () => {
    const many = Array.from({ length: 300 }, (_, i) => `H${i}`);
    expect(
      settingsChoicesOf(['A'], { name: 'A', headerRow: many }, 'Contacts').headers,
    ).toHaveLength(200);
    expect(settingsChoicesOf(['A', 'B'], { error: 'No tab.' }, 'Contacts')).toMatchObject({
      ok: false,
      errors: ['No tab.'],
      tabs: ['A', 'B'],
      tab: '',
      headers: [],
    });
  });
});
