import { worded } from './support/setupWords';
/**
 * The table of synced fields (src/sheet/fields.ts) drives every place that names the
 * columns: a fake extra field, added to the table alone, shows up in each of them.
 */
import * as realFields from '../../../src/sheet/fields';

const PHONE = {
  key: 'phone',
  header: 'Phone',
  label: 'Phone',
  formLabel: 'Phone column',
  requestKey: 'phone',
  fingerprint: 'text',
  readWhen: 'always',
} as const;

type Modules = {
  headers: typeof import('../../../src/sheet/headers');
  rowParsing: typeof import('../../../src/sheet/rowParsing');
  fingerprint: typeof import('../../../src/sync/fingerprint');
  settings: typeof import('../../../src/sync/settings');
  callArguments: typeof import('../../../src/entry/callArguments');
  sidebarState: typeof import('../../../src/ui/sidebarState');
};

/** The fake field's parser: what a field added to the table brings to cellParsers.ts. */
const parsePhone = (cell: unknown) => ({ ok: true, value: String(cell).trim() || null });

/** The modules as they load with PHONE appended to the table (and its parser). */
function withPhone(): Modules {
  let modules: Modules | undefined;
  jest.isolateModules(() => {
    jest.doMock('../../../src/sheet/fields', () => {
      const SYNCED_FIELDS = [...realFields.SYNCED_FIELDS, PHONE];
      return {
        SYNCED_FIELDS,
        SYNCED_FIELD_KEYS: SYNCED_FIELDS.map((field) => field.key),
        perField: <T>(valueOf: (field: (typeof SYNCED_FIELDS)[number]) => T) =>
          Object.fromEntries(SYNCED_FIELDS.map((field) => [field.key, valueOf(field)])),
      };
    });
    jest.doMock('../../../src/sheet/cellParsers', () => {
      const real = jest.requireActual('../../../src/sheet/cellParsers');
      return { ...real, CELL_PARSERS: { ...real.CELL_PARSERS, phone: parsePhone } };
    });
    /* eslint-disable @typescript-eslint/no-require-imports -- only require loads anew here */
    modules = {
      headers: require('../../../src/sheet/headers'),
      rowParsing: require('../../../src/sheet/rowParsing'),
      fingerprint: require('../../../src/sync/fingerprint'),
      settings: require('../../../src/sync/settings'),
      callArguments: require('../../../src/entry/callArguments'),
      sidebarState: require('../../../src/ui/sidebarState'),
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  jest.dontMock('../../../src/sheet/fields');
  jest.dontMock('../../../src/sheet/cellParsers');
  return modules as Modules;
}

describe('the table of synced fields', () => {
  const m = withPhone();
  const HEADER = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason', 'Phone'];

  it('gives the headers their defaults and finds the new column in row 1', () => {
    expect(m.headers.DEFAULT_HEADER_NAMES).toMatchObject({ phone: 'Phone' });
    const columns = m.headers.findColumns(HEADER, m.headers.DEFAULT_HEADER_NAMES as never);
    expect(columns).toMatchObject({ contactId: 1, phone: 5 });
    expect(m.headers.inputColumnsOf(columns)).toEqual([1, 2, 3, 4, 5]);
  });

  it("makes the new cell part of a row's key and of what makes a row not blank", () => {
    const columns = m.headers.findColumns(HEADER, m.headers.DEFAULT_HEADER_NAMES as never);
    expect(m.rowParsing.rowKey(['1', 'a@b.co', '', '', '555'], columns).split('\u001f')).toEqual([
      '1',
      'a@b.co',
      '',
      '',
      '555',
    ]);
  });

  it("parses the new cell into the row's request, with or without a Contact ID", () => {
    const columns = m.headers.findColumns(HEADER, m.headers.DEFAULT_HEADER_NAMES as never);
    expect(m.rowParsing.parseRow(['7', 'a@b.co', '', '', ' 555 '], 2, columns)).toEqual({
      kind: 'valid',
      row: 2,
      key: m.rowParsing.rowKey(['7', 'a@b.co', '', '', ' 555 '], columns),
      request: { contactId: 7, email: 'a@b.co', optOut: false, reason: null, phone: '555' },
    });
    expect(m.rowParsing.parseRow(['', 'a@b.co', 'yes', '', '555'], 3, columns)).toMatchObject({
      kind: 'byEmail',
      request: { email: 'a@b.co', optOut: true, reason: null, phone: '555' },
    });
  });

  it('refuses the new column set to a column the add-on writes, naming it by its label', () => {
    const names = { ...m.headers.DEFAULT_HEADER_NAMES, phone: 'Sync Status' };
    expect(
      worded(() =>
        m.rowParsing.parseSheet([[...HEADER.slice(0, 4), 'Sync Status']], names, () => 'Contacts'),
      ),
    ).toThrow("The 'Phone' column is set to 'Sync Status', a column this add-on writes itself");
  });

  it("counts the new field in a row's fingerprint", () => {
    const request = { contactId: 7, email: 'a@b.co', optOut: false, reason: null, phone: '555' };
    expect(m.fingerprint.canonicalRequest(request)).toBe('[7,"a@b.co",0,"","555"]');
  });

  it('reads, checks and names the new header in the settings', () => {
    expect(m.settings.defaultSettings().headers).toMatchObject({ phone: 'Phone' });
    const checked = m.settings.validateSettingsInput({
      headers: { phone: 'Mobile', email: 'Mobile' },
    });
    expect(checked.chosen).toEqual(['email', 'phone']);
    expect(checked.errors).toEqual(["'Phone' and 'Email' cannot use the same header name."]);
    const missing = m.settings.checkAgainstHeaderRow(
      m.settings.validateSettingsInput({ headers: { phone: 'Mobile' } }),
      HEADER,
      'Contacts',
    );
    expect(missing).toEqual([
      "Row 1 of the 'Contacts' tab has no 'Mobile' column (chosen for 'Phone').",
    ]);
    expect(
      m.settings.settingsChoicesOf([], { error: 'x' }, 'Contacts').defaults.headers,
    ).toMatchObject({ phone: 'Phone' });
  });

  it('lets saveSettings take the new header name', () => {
    expect(
      m.callArguments.checkSettingsArgument('saveSettings', [{ headers: { phone: 'Mobile' } }]),
    ).toEqual({ headers: { phone: 'Mobile' } });
  });

  it('carries the new header in the sidebar state, and gives the settings form its list', () => {
    const settings = {
      sheetName: '',
      headers: { ...m.headers.DEFAULT_HEADER_NAMES, phone: 'Mobile' },
    };
    const state = m.sidebarState.composeSidebarState({
      connection: { state: 'not-connected', redirectUri: 'https://example.com/cb' },
      sync: {
        daily: { enabled: false, hour: null, timeZone: 'UTC', nextRunAfter: null, owner: null },
        lastRun: null,
        running: false,
        settings,
        locale: 'en-US',
        interrupted: null,
      },
      buildAuthorizationUrl: () => null,
    });
    expect(state.sync.settings.headers).toMatchObject({ phone: 'Mobile' });
    expect(state.settingsFields).toEqual([
      { field: 'contactId', label: 'Contact ID column' },
      { field: 'email', label: 'Email column' },
      { field: 'optOut', label: 'Opt-out column' },
      { field: 'optOutReason', label: 'Opt-out reason column' },
      { field: 'phone', label: 'Phone column' },
    ]);
  });
});
