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

/** Inside jest.isolateModules: PHONE appended to the sheet's table, with its parser. */
function mockPhoneInSheetTable(): void {
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
}

/** The modules as they load with PHONE appended to the table (and its parser). */
function withPhone(): Modules {
  let modules: Modules | undefined;
  jest.isolateModules(() => {
    mockPhoneInSheetTable();
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

/** Keap's side of the fake field: the contact's phone slots (src/keap/contactFields.ts). */
interface PhoneSlot {
  field: string;
  number: string;
}

const phones = {
  property: 'phone_numbers',
  read: (raw: unknown) => (Array.isArray(raw) ? (raw as PhoneSlot[]) : null),
  sent: (list: PhoneSlot[]) => list.map(({ field, number }) => ({ field, number })),
  sameAnswer: (a: PhoneSlot[], b: PhoneSlot[]) => JSON.stringify(a) === JSON.stringify(b),
  applied: (a: PhoneSlot[], b: PhoneSlot[]) => JSON.stringify(a) === JSON.stringify(b),
};

/** The row's phone is the contact's PHONE1 (src/sync/contactMapping.ts). */
const phoneInKeap = {
  field: 'phone',
  inKeap: (slots: PhoneSlot[]) => slots.find((slot) => slot.field === 'PHONE1')?.number ?? null,
  holds: (inKeap: string | null, row: string) => inKeap === row,
  withRowValue: (slots: PhoneSlot[], number: string) => [
    { field: 'PHONE1', number },
    ...slots.filter((slot) => slot.field !== 'PHONE1'),
  ],
};

type SyncModules = {
  headers: typeof import('../../../src/sheet/headers');
  rowParsing: typeof import('../../../src/sheet/rowParsing');
  plan: typeof import('../../../src/sync/plan');
  contactsApi: typeof import('../../../src/keap/contactsApi');
  statusText: typeof import('../../../src/sync/statusText');
};

/**
 * The modules as they load with PHONE in each table a synced field is added to: the sheet's
 * (with its parser), the Keap side's and the mapping between them.
 */
function withPhoneSynced(): SyncModules {
  let modules: SyncModules | undefined;
  jest.isolateModules(() => {
    mockPhoneInSheetTable();
    jest.doMock('../../../src/keap/contactFields', () => {
      const real = jest.requireActual('../../../src/keap/contactFields');
      const CONTACT_FIELDS = { ...real.CONTACT_FIELDS, phones };
      const CONTACT_FIELD_LIST = Object.entries(CONTACT_FIELDS) as [string, typeof phones][];
      return {
        ...real,
        CONTACT_FIELDS,
        CONTACT_FIELD_LIST,
        CONTACT_PROPERTIES: CONTACT_FIELD_LIST.map(([, field]) => field.property).join(','),
      };
    });
    jest.doMock('../../../src/sync/contactMapping', () => {
      const real = jest.requireActual('../../../src/sync/contactMapping');
      return { ...real, ROW_TO_CONTACT: { ...real.ROW_TO_CONTACT, phones: phoneInKeap } };
    });
    /* eslint-disable @typescript-eslint/no-require-imports -- only require loads anew here */
    modules = {
      headers: require('../../../src/sheet/headers'),
      rowParsing: require('../../../src/sheet/rowParsing'),
      plan: require('../../../src/sync/plan'),
      contactsApi: require('../../../src/keap/contactsApi'),
      statusText: require('../../../src/sync/statusText'),
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  for (const mocked of ['sheet/fields', 'sheet/cellParsers', 'keap/contactFields']) {
    jest.dontMock(`../../../src/${mocked}`);
  }
  jest.dontMock('../../../src/sync/contactMapping');
  return modules as SyncModules;
}

describe('a synced field added to the tables alone', () => {
  const m = withPhoneSynced();
  const HEADER = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason', 'Phone'];
  const columns = m.headers.findColumns(HEADER, m.headers.DEFAULT_HEADER_NAMES as never);
  const [contact] = m.contactsApi.parseContactPage(
    JSON.stringify({
      contacts: [
        {
          id: '7',
          email_addresses: [{ field: 'EMAIL1', email: 'a@b.co' }],
          phone_numbers: [{ field: 'PHONE2', number: '999' }],
        },
      ],
    }),
  ).items;
  const planOf = (cells: unknown[]) => {
    const parsed = m.rowParsing.parseRow(cells, 2, columns);
    if (parsed.kind !== 'valid') throw new Error(`row not valid: ${parsed.kind}`);
    const unit = { contactId: 7, request: parsed.request, fingerprint: 'v1:x', rows: [] };
    return m.plan.planUnit(unit, contact, new Map());
  };

  it('is parsed, planned, sent in the PATCH and worded in the status', () => {
    const plan = planOf(['7', 'a@b.co', '', '', ' 555 ']);
    expect(plan.unit.request).toMatchObject({ phone: '555' });
    expect(plan.contactChanges).toEqual([{ field: 'phone', from: null, to: '555' }]);
    expect(m.plan.changesContact(plan)).toBe(true);
    expect(plan.emailChange).toBeNull();

    const [write] = [...m.plan.firstWave([plan]).values()];
    if (write.kind !== 'setEmails') throw new Error('not the contact write');
    const { kind: _kind, contactId, ...values } = write;
    const patch = m.contactsApi.contactPatchRequest(contactId, values);
    expect(new URL(patch.url).searchParams.get('update_mask')).toBe(
      'email_addresses,phone_numbers',
    );
    expect(JSON.parse(patch.body ?? '')).toEqual({
      email_addresses: [{ email: 'a@b.co', field: 'EMAIL1' }],
      phone_numbers: [
        { field: 'PHONE1', number: '555' },
        { field: 'PHONE2', number: '999' },
      ],
    });

    const result = m.plan.resolveUnit(plan, { ok: true }, undefined);
    expect(result.emailChangedTo).toBeNull();
    expect(m.statusText.unitStatus(result)).toBe('Updated: phone changed to 555');
  });

  it('is worded after the email, and an opt-out waits for the PATCH', () => {
    const plan = planOf(['7', 'new@b.co', 'yes', '', '555']);
    expect(plan.contactChanges.map((change) => change.field)).toEqual(['email', 'phone']);
    expect([...m.plan.firstWave([plan]).values()].map((write) => write.kind)).toEqual([
      'setEmails',
    ]);
    const result = m.plan.resolveUnit(plan, { ok: true }, { ok: true });
    expect(m.statusText.unitStatus(result)).toBe(
      'Updated: email changed to new@b.co; phone changed to 555; opted out',
    );
  });

  it('changes nothing when Keap already has the value', () => {
    const held = { ...contact, phones: [{ field: 'PHONE1', number: '555' }] } as typeof contact;
    const parsed = m.rowParsing.parseRow(['7', 'A@b.co', '', '', '555'], 2, columns);
    if (parsed.kind !== 'valid') throw new Error(`row not valid: ${parsed.kind}`);
    const unit = { contactId: 7, request: parsed.request, fingerprint: 'v1:x', rows: [] };
    const plan = m.plan.planUnit(unit, held, new Map());
    expect(m.plan.changesContact(plan)).toBe(false);
    expect(m.plan.firstWave([plan]).size).toBe(0);
    expect(m.statusText.unitStatus(m.plan.resolveUnit(plan, undefined, undefined))).toBe(
      'Up to date',
    );
  });
});
