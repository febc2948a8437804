import {
  ArgumentError,
  checkApiKeyArgument,
  checkCallbackRequest,
  checkHourArgument,
  checkNoArguments,
  checkOptionalEvent,
  checkSettingsArgument,
  checkSettingsChoicesArgument,
  checkTriggerEvent,
  MAX_API_KEY_INPUT,
  MAX_CALLBACK_VALUE,
  MAX_SETTINGS_TEXT,
} from '../../../src/entry/callArguments';

/** What google.script.run may deliver from a hostile page (JSON-like, after the wire). */
const polluted = JSON.parse('{"__proto__": {"isAdmin": true}, "sheetName": "Contacts"}') as unknown;
const emptyObject = {};
const HOSTILE: unknown[] = [
  null,
  0,
  -1,
  2.5,
  Number.NaN,
  true,
  '',
  '<script>alert(1)</script>',
  'x'.repeat(100_000),
  [],
  [1, 2],
  emptyObject,
  polluted,
  Object.create({ inherited: true }),
  { constructor: 'x' },
];

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ArgumentError);
    return (error as Error).message;
  }
  throw new Error('expected the call to be refused');
}

describe('checkNoArguments', () => {
  it('accepts nothing (or only undefined) and refuses any argument, with the function named', () => {
    expect(() => checkNoArguments('syncNow', [])).not.toThrow();
    expect(() => checkNoArguments('syncNow', [undefined])).not.toThrow();
    for (const value of HOSTILE) {
      expect(refusal(() => checkNoArguments('syncNow', [value]))).toBe(
        'syncNow was called with arguments it does not accept: it takes no arguments.',
      );
    }
  });
});

describe('checkOptionalEvent', () => {
  it("accepts no argument or Apps Script's event object; refuses anything else", () => {
    expect(() => checkOptionalEvent('onOpen', [])).not.toThrow();
    expect(() =>
      checkOptionalEvent('onOpen', [{ authMode: 'LIMITED', source: {}, user: {} }]),
    ).not.toThrow();
    for (const value of HOSTILE.filter((v) => v !== emptyObject)) {
      expect(refusal(() => checkOptionalEvent('onOpen', [value]))).toContain("Apps Script's event");
    }
    expect(refusal(() => checkOptionalEvent('onOpen', [{}, {}]))).toContain('onOpen');
  });
});

describe('checkTriggerEvent', () => {
  it('needs an event with a trigger id', () => {
    expect(checkTriggerEvent('dailySync', [{ triggerUid: '1234567', authMode: 'FULL' }])).toEqual({
      triggerUid: '1234567',
    });
    expect(refusal(() => checkTriggerEvent('dailySync', []))).toContain('exactly one argument');
    for (const value of HOSTILE) {
      expect(() => checkTriggerEvent('dailySync', [value])).toThrow(ArgumentError);
    }
    for (const uid of ['', '<script>', 'a'.repeat(129), 12, null, ['1'], { id: 1 }]) {
      expect(refusal(() => checkTriggerEvent('continueSync', [{ triggerUid: uid }]))).toContain(
        'no valid trigger id',
      );
    }
  });
});

describe('checkCallbackRequest', () => {
  it('keeps the parameters when each is short text', () => {
    const request = { parameter: { code: 'abc', state: 'xyz' }, queryString: 'code=abc' };
    expect(checkCallbackRequest('authCallback', [request])).toEqual({
      parameter: { code: 'abc', state: 'xyz' },
    });
    expect(checkCallbackRequest('authCallback', [{}])).toEqual({ parameter: {} });
  });

  it('refuses other shapes, other types, long values and too many parameters', () => {
    for (const value of HOSTILE.filter((v) => v !== emptyObject)) {
      expect(() => checkCallbackRequest('authCallback', [value])).toThrow(ArgumentError);
    }
    for (const parameter of [
      'code=1',
      [],
      polluted,
      { code: 1 },
      { code: ['a'] },
      { code: { nested: 'a' } },
      { code: 'x'.repeat(MAX_CALLBACK_VALUE + 1) },
      Object.fromEntries(Array.from({ length: 21 }, (_, i) => [`p${i}`, 'v'])),
    ]) {
      expect(() => checkCallbackRequest('authCallback', [{ parameter }])).toThrow(ArgumentError);
    }
  });
});

describe('checkApiKeyArgument', () => {
  it('passes text on (its format is checked later) and refuses everything else', () => {
    expect(checkApiKeyArgument('saveApiKey', [' KeapAK-abc '])).toBe(' KeapAK-abc ');
    expect(refusal(() => checkApiKeyArgument('saveApiKey', []))).toContain('exactly one argument');
    expect(refusal(() => checkApiKeyArgument('saveApiKey', ['a', 'b']))).toContain('exactly one');
    expect(
      refusal(() => checkApiKeyArgument('saveApiKey', ['k'.repeat(MAX_API_KEY_INPUT + 1)])),
    ).toContain('far too long');
    for (const value of HOSTILE.filter((v) => typeof v !== 'string')) {
      expect(refusal(() => checkApiKeyArgument('saveApiKey', [value]))).toContain('must be text');
    }
  });

  it('never repeats the argument in its message (it may be a secret)', () => {
    const key = 'KeapAK-secret-'.repeat(100);
    expect(refusal(() => checkApiKeyArgument('saveApiKey', [key]))).not.toContain('secret');
  });
});

describe('checkHourArgument', () => {
  it('accepts the whole hours 0 to 23 only', () => {
    for (let hour = 0; hour < 24; hour += 1) {
      expect(checkHourArgument('enableDailySync', [hour])).toBe(hour);
    }
    for (const value of [
      -1,
      24,
      2.5,
      -0.5,
      Number.NaN,
      Infinity,
      '3',
      null,
      [3],
      { hour: 3 },
      true,
    ]) {
      expect(refusal(() => checkHourArgument('enableDailySync', [value]))).toContain(
        'whole number from 0 to 23',
      );
    }
    expect(() => checkHourArgument('enableDailySync', [])).toThrow(ArgumentError);
    expect(() => checkHourArgument('enableDailySync', [3, 4])).toThrow(ArgumentError);
  });
});

describe('checkSettingsArgument', () => {
  const form = {
    sheetName: 'Contacts',
    headers: { contactId: 'ID', email: 'Email', optOut: 'Opt Out', optOutReason: 'Why' },
  };

  it("passes the sidebar's form on, field by field", () => {
    expect(checkSettingsArgument('saveSettings', [form])).toEqual(form);
    expect(checkSettingsArgument('saveSettings', [{ headers: { email: 'Mail' } }])).toEqual({
      headers: { email: 'Mail' },
    });
    expect(checkSettingsArgument('saveSettings', [{ sheetName: null, headers: null }])).toEqual({
      headers: {},
    });
    expect(checkSettingsArgument('saveSettings', [{ ...form, keapEmailStatus: false }])).toEqual({
      ...form,
      keapEmailStatus: false,
    });
  });

  it('refuses other types, unknown fields, prototype tricks and huge texts', () => {
    for (const value of HOSTILE.filter((v) => v !== emptyObject)) {
      expect(() => checkSettingsArgument('saveSettings', [value])).toThrow(ArgumentError);
    }
    for (const bad of [
      { ...form, extra: 1 },
      { ...form, sheetName: 7 },
      { ...form, keapEmailStatus: 'yes' },
      { ...form, sheetName: 's'.repeat(MAX_SETTINGS_TEXT + 1) },
      { ...form, headers: 'Email' },
      { ...form, headers: [] },
      { ...form, headers: { ...form.headers, admin: 'x' } },
      { ...form, headers: { ...form.headers, email: ['Email'] } },
      { ...form, headers: JSON.parse('{"__proto__": {"email": "x"}}') as unknown },
    ]) {
      expect(() => checkSettingsArgument('saveSettings', [bad])).toThrow(ArgumentError);
    }
    expect(() => checkSettingsArgument('saveSettings', [])).toThrow(ArgumentError);
  });
});

describe('checkSettingsChoicesArgument', () => {
  it('takes nothing (the saved tab) or the tab chosen in the form', () => {
    expect(checkSettingsChoicesArgument('getSettingsChoices', [])).toBeUndefined();
    expect(checkSettingsChoicesArgument('getSettingsChoices', [undefined])).toBeUndefined();
    expect(checkSettingsChoicesArgument('getSettingsChoices', [{ sheetName: 'Leads' }])).toBe(
      'Leads',
    );
    expect(checkSettingsChoicesArgument('getSettingsChoices', [{ sheetName: '' }])).toBe('');
    expect(checkSettingsChoicesArgument('getSettingsChoices', [{}])).toBeUndefined();
  });

  it('refuses other types, unknown fields, prototype tricks, huge texts and more arguments', () => {
    for (const value of HOSTILE.filter((v) => v !== emptyObject && v !== polluted)) {
      expect(() => checkSettingsChoicesArgument('getSettingsChoices', [value])).toThrow(
        ArgumentError,
      );
    }
    for (const bad of [
      polluted,
      { sheetName: 7 },
      { sheetName: ['Leads'] },
      { sheetName: 's'.repeat(MAX_SETTINGS_TEXT + 1) },
      { sheetName: 'Leads', headers: {} },
    ]) {
      expect(() => checkSettingsChoicesArgument('getSettingsChoices', [bad])).toThrow(
        ArgumentError,
      );
    }
    expect(() =>
      checkSettingsChoicesArgument('getSettingsChoices', [{ sheetName: 'a' }, 'b']),
    ).toThrow(ArgumentError);
  });
});
