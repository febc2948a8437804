/**
 * Everything a page can call (issue 14): google.script.run reaches every public top-level
 * function of the bundle, with any arguments, as whoever has the sidebar open. Through the
 * built bundle, as the connected owner and as another editor of the same spreadsheet: every
 * exposed function with no arguments and with hostile ones. No answer, error or alert carries
 * a secret or the other person's data; a hostile call changes nothing and says so.
 */
import type { ExecutionResult } from '../gas-runtime';
import { ENTRY_POINT_NAMES } from '../support/entryPoints';
import { addSpreadsheet, leakedSecrets, secretsOf } from './support/connection';
import { EDITOR, OWNER, World } from './world';

const EDITOR_TENANT = 'ed456';
const REFUSED = /was called with arguments it does not accept/;

/** JSON as a hostile page can send it: `__proto__` arrives as an own key. */
function pollutedObject(): unknown {
  return JSON.parse(
    '{"__proto__": {"isAdmin": true, "triggerUid": "1"}, "triggerUid": "1", "parameter": {"code": "c"}, "sheetName": "Contacts", "headers": {}}',
  ) as unknown;
}

/** Arguments no entry point accepts: each call must be refused before it does anything. */
const HOSTILE: [string, unknown[]][] = [
  ['null', [null]],
  ['a boolean', [true]],
  ['a negative hour', [-1]],
  ['a fractional hour', [2.5]],
  ['a negative fractional hour', [-0.5]],
  ['an hour past 23', [24]],
  ['NaN', [Number.NaN]],
  ['Infinity', [Number.POSITIVE_INFINITY]],
  ['a script tag', ['<script>alert(document.cookie)</script>']],
  ['a huge string', ['K'.repeat(200_000)]],
  ['an empty array', [[]]],
  ['an array', [['<script>', 3, null]]],
  ['an object with __proto__', [pollutedObject()]],
  ['two arguments', [3, '<script>x</script>']],
];

/** Arguments of the right type with hostile content, per entry point: refused in words. */
function contentAttacks(
  ownerTriggerUid: string,
  user: string,
): Record<string, [string, unknown[]][]> {
  const huge = 'x'.repeat(5000);
  return {
    saveApiKey: [
      ['blank', ['   ']],
      ['a script tag with spaces', ['<script> alert(1) </script>']],
      ['a long key', [`KeapAK-${'A'.repeat(600)}`]],
    ],
    saveSettings: [
      ['unknown fields', [{ sheetName: 'Contacts', headers: {}, isAdmin: true }]],
      ['a huge tab name', [{ sheetName: huge, headers: {} }]],
      ['a script-tag tab', [{ sheetName: '<script>alert(1)</script>', headers: {} }]],
      ['an array header', [{ headers: { email: ['Email'] } }]],
      ['one header twice', [{ headers: { email: 'Email', optOut: 'Email' } }]],
      ['a header row 1 does not have', [{ headers: { optOut: 'Unsubscribe' } }]],
      ["the add-on's own column", [{ headers: { optOutReason: 'Sync Status' } }]],
      [
        'a contact id header nobody has',
        [{ headers: { contactId: '<img src=x onerror=alert(1)>' } }],
      ],
    ],
    getSettingsChoices: [
      ['unknown fields', [{ sheetName: 'Contacts', isAdmin: true }]],
      ['a huge tab name', [{ sheetName: huge }]],
      ['a tab name that is a number', [{ sheetName: 7 }]],
      ['a script-tag tab', [{ sheetName: '<script>alert(1)</script>' }]],
    ],
    dailySync: [
      ['a forged trigger id', [{ triggerUid: '4242424242', authMode: 'FULL' }]],
      ['a script-tag trigger id', [{ triggerUid: '<script>' }]],
      // The owner may run their own trigger early (it is theirs); another person may not.
      ...(user === OWNER
        ? []
        : ([["the owner's trigger id", [{ triggerUid: ownerTriggerUid, authMode: 'FULL' }]]] as [
            string,
            unknown[],
          ][])),
    ],
    continueSync: [
      ['a forged trigger id', [{ triggerUid: '4242424242', authMode: 'FULL' }]],
      ["the daily trigger's id", [{ triggerUid: ownerTriggerUid }]],
    ],
    authCallback: [
      ['a huge code', [{ parameter: { code: huge.repeat(2), state: 'forged' } }]],
      ['a code that is an array', [{ parameter: { code: ['a'], state: 'forged' } }]],
      ['parameters that are text', [{ parameter: 'code=abc&state=forged' }]],
    ],
    onOpen: [['an event that is text', ['{"authMode":"FULL"}']]],
  };
}

interface Setup {
  w: World;
  second: string;
  ownerTriggerUid: string;
  secrets: string[];
  /** Per user: what the other person's answers must never contain. */
  privateTo: Record<string, string[]>;
}

/**
 * The owner connected by OAuth, with a daily sync here and one on a second spreadsheet of
 * theirs; another editor of this spreadsheet connected with an API key of another Keap account.
 */
function setup(): Setup {
  const w = new World({ rows: [[1, 'first@example.com', 'no', '']] });
  w.addContact(1, 'first@example.com');
  w.sim.addTenant(EDITOR_TENANT);
  w.connect(OWNER);
  w.call('syncNow');
  w.call('enableDailySync', [3]);
  const second = addSpreadsheet(w, [[1, 'first@example.com', 'no', '']]);
  const onSecond = w.rt.run('enableDailySync', [5], { user: OWNER, spreadsheetId: second });
  expect(onSecond.error).toBeUndefined();
  const editorKey = w.sim.createApiKey(EDITOR_TENANT, 'PAT');
  w.call('saveApiKey', [editorKey], EDITOR);
  const ownerTriggers = w.rt.triggers(OWNER);
  expect(ownerTriggers.map((t) => t.handler)).toEqual(['dailySync', 'dailySync']);
  const ownerTriggerUid = ownerTriggers[0].uid;
  const ownerAccount = w.call<{ connection: { account?: string } }>('getSidebarState').connection
    .account;
  expect(ownerAccount).toContain('xy123');
  return {
    w,
    second,
    ownerTriggerUid,
    secrets: secretsOf(w, [editorKey]),
    privateTo: {
      [OWNER]: [OWNER, second, ...ownerTriggers.map((t) => t.uid), ownerAccount as string],
      [EDITOR]: [EDITOR, EDITOR_TENANT, editorKey],
    },
  };
}

/** Everything stored anywhere: properties of every kind, triggers, cells, Keap, mail. */
function storedState(s: Setup): string {
  const { w } = s;
  const ids = [w.spreadsheetId, s.second];
  return JSON.stringify({
    script: w.rt.scriptProperties(),
    users: [OWNER, EDITOR].map((user) => w.rt.userProperties(user)),
    documents: ids.map((id) => w.rt.documentProperties(id)),
    triggers: w.rt.triggers(),
    cells: ids.map((id) =>
      w.rt.sheetNames(id).map((name) => [name, w.rt.sheet(id, name).values()]),
    ),
    keap: w.emailsOf(1),
    mail: w.rt.mail.length,
  });
}

/** One call from the sidebar's page: the answer, the error and any alert the page caused. */
function fromPage(s: Setup, fn: string, args: unknown[], user: string): ExecutionResult {
  return s.w.rt.scriptRun(fn, args, { user, spreadsheetId: s.w.spreadsheetId });
}

/** What the caller saw, and whether any of it is a secret or the other person's data. */
function leaksIn(s: Setup, result: ExecutionResult, user: string): string[] {
  const other = user === OWNER ? EDITOR : OWNER;
  const seen = JSON.stringify([result.value ?? null, result.error ?? null, result.ui]);
  return leakedSecrets(seen, [...s.secrets, ...s.privateTo[other]]);
}

describe('every function the browser can call', () => {
  it('is exactly the entry-point list: nothing else is offered to google.script.run', () => {
    const { w } = setup();
    expect([...w.rt.publicFunctions()].sort()).toEqual([...ENTRY_POINT_NAMES].sort());
    for (const internal of [
      'clientCredentials',
      'knownSecrets',
      'readClientCredentials',
      'userStore',
    ]) {
      expect(() =>
        w.rt.scriptRun(internal, [], { user: EDITOR, spreadsheetId: w.spreadsheetId }),
      ).toThrow(`google.script.run.${internal} is not a function`);
    }
  });

  it('refuses hostile arguments from the owner and from another editor: a plain error, nothing stored, nothing sent, nothing leaked', () => {
    const s = setup();
    const problems: string[] = [];
    let calls = 0;
    for (const user of [OWNER, EDITOR]) {
      const attacks = contentAttacks(s.ownerTriggerUid, user);
      for (const fn of ENTRY_POINT_NAMES) {
        for (const [label, args] of [...HOSTILE, ...(attacks[fn] ?? [])]) {
          const before = storedState(s);
          const keapCalls = s.w.rt.requests.length;
          const result = fromPage(s, fn, args, user);
          calls += 1;
          const where = `${fn}(${label}) as ${user}`;
          const answer = result.value as { ok?: boolean; errors?: string[] } | null | undefined;
          const refusedInWords =
            (result.error !== undefined && result.error.message.length > 10) ||
            (answer?.ok === false && (answer.errors ?? []).length > 0);
          if (!refusedInWords)
            problems.push(`${where}: not refused (${JSON.stringify(result.value)})`);
          if (storedState(s) !== before) problems.push(`${where}: stored state changed`);
          // Text that could be a key is the one thing Keap is asked about (and refuses).
          const keyCheck = fn === 'saveApiKey' && typeof args[0] === 'string' && args.length === 1;
          if (s.w.rt.requests.length !== keapCalls && !keyCheck) {
            problems.push(`${where}: Keap was called`);
          }
          const leaks = leaksIn(s, result, user);
          if (leaks.length > 0) problems.push(`${where}: leaked ${leaks.join(', ')}`);
          const message = result.error?.message ?? '';
          const refusal = keyCheck ? /Keap|key/ : REFUSED;
          if (HOSTILE.some(([l]) => l === label) && !refusal.test(message)) {
            problems.push(`${where}: not refused by the argument check (${message})`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(calls).toBeGreaterThan(2 * ENTRY_POINT_NAMES.length * HOSTILE.length);
  });

  it('a forged OAuth callback from the page stores nothing and shows no secret', () => {
    const s = setup();
    for (const user of [OWNER, EDITOR]) {
      for (const parameter of [
        { code: 'forged-code', state: 'forged-state' },
        { error: 'server_error', error_description: '<script>alert(1)</script>' },
        {},
      ]) {
        const before = storedState(s);
        const result = fromPage(s, 'authCallback', [{ parameter }], user);
        expect(leaksIn(s, result, user)).toEqual([]);
        // The page is an HtmlOutput: google.script.run hands the browser null, not the page.
        expect(result.value ?? null).toBeNull();
        expect(storedState(s)).toBe(before);
      }
    }
  });

  it('with no arguments, as the owner and as another editor, answers without a secret or the other person’s data', () => {
    const s = setup();
    // Destructive ones last, so the calls before them meet a connected world.
    const last = ['menuDisconnect', 'disconnect'];
    const order = [...ENTRY_POINT_NAMES.filter((fn) => !last.includes(fn)), ...last];
    const problems: string[] = [];
    const outcomes: Record<string, string> = {};
    for (const user of [EDITOR, OWNER]) {
      for (const fn of order) {
        const result = fromPage(s, fn, [], user);
        const leaks = leaksIn(s, result, user);
        if (leaks.length > 0) problems.push(`${fn}() as ${user}: leaked ${leaks.join(', ')}`);
        if (user === OWNER) outcomes[fn] = result.error ? result.error.message : 'ran';
      }
    }
    expect(problems).toEqual([]);
    // Those that need an argument (or a trigger) say so; the rest ran.
    const needArguments = [
      'authCallback',
      'dailySync',
      'continueSync',
      'enableDailySync',
      'saveSettings',
      'saveApiKey',
    ];
    for (const fn of ENTRY_POINT_NAMES) {
      if (needArguments.includes(fn))
        expect({ fn, outcome: outcomes[fn] }).toEqual({
          fn,
          outcome: expect.stringMatching(REFUSED),
        });
      else expect({ fn, outcome: outcomes[fn] }).toEqual({ fn, outcome: 'ran' });
    }
  });

  it("the other editor's sidebar shows their own connection and daily sync, nothing of the owner's", () => {
    const s = setup();
    const state = fromPage(s, 'getSidebarState', [], EDITOR).value as {
      connection: { state: string; account?: string | null };
      sync: { daily: { enabled: boolean; owner: string | null } };
    };
    expect(state.connection.state).toBe('connected');
    expect(JSON.stringify(state)).not.toContain('xy123');
    expect(state.sync.daily).toEqual(expect.objectContaining({ enabled: false, owner: null }));
    expect(JSON.stringify(state)).not.toContain(OWNER);
    expect(leaksIn(s, fromPage(s, 'getSyncStatus', [], EDITOR), EDITOR)).toEqual([]);
  });

  it("another editor's calls never touch the owner's connection, triggers or other spreadsheet", () => {
    const s = setup();
    const owners = () =>
      JSON.stringify([
        s.w.rt.userProperties(OWNER),
        s.w.rt.triggers(OWNER),
        s.w.rt.documentProperties(s.second),
      ]);
    const before = owners();
    for (const fn of ['disableDailySync', 'disconnect', 'menuDisconnect', 'menuDisableDailySync']) {
      expect({ fn, error: fromPage(s, fn, [], EDITOR).error }).toEqual({ fn, error: undefined });
    }
    expect(owners()).toBe(before);
    expect(s.w.rt.userProperties(EDITOR)).toEqual({});
    // The owner's daily sync still runs as the owner, with the owner's connection.
    const fired = s.w.rt.advanceBy(24 * 3600_000);
    // The hourly trigger fires every hour; the firings that did work are the two daily runs.
    expect(fired.every((r) => r.fn === 'dailySync' && r.user === OWNER && !r.error)).toBe(true);
    expect(fired.filter((r) => r.value !== null).map((r) => [r.fn, r.user, r.error])).toEqual([
      ['dailySync', OWNER, undefined],
      ['dailySync', OWNER, undefined],
    ]);
  });
});
