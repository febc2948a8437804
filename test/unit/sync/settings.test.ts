import {
  defaultSettings,
  readSettings,
  SETTINGS_KEY,
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
    });
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
