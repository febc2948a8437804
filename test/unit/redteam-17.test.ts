/**
 * Red team of issue #17 (words as codes, legacy readers, synced fields, one retry loop):
 * "behaviour unchanged". The expected texts and shapes below are the ones the code at
 * e4d6e52 (before the refactor) gave for the same inputs; each was also compared by running
 * both versions side by side.
 */
import { contactPatchRequest, parseContactPage, sameContact } from '../../src/keap/contactsApi';
import type { KeapContact, KeapWrite } from '../../src/keap/model';
import { isWriteApplied } from '../../src/keap/writeRecovery';
import { readLostAccess, recordLostAccess } from '../../src/connection/lostAccess';
import { withServiceRetry } from '../../src/connection/serviceRetry';
import { steadyPropertyStore } from '../../src/connection/steadyPropertyStore';
import { KeapStatusMarks } from '../../src/sync/keapStatusMarks';
import {
  connectionFaultWords,
  connectionProblemWords,
  keapStopMessage,
  KEAP_STATUS_WORDS,
  NOT_IN_KEAP_EMAILS,
  NOT_TICKED,
  UNKNOWN_STATUS_PREFIX,
} from '../../src/sync/statusText';
import type { ConnectionProblem } from '../../src/keap/failure';

const KEY = 'keapSheetsSync.connection.lostAccess';

// The released version's LOST_ACCESS_WORDS and fault sentences (e4d6e52 src/connection/*).
const OLD = {
  refreshTokenRejected:
    'Keap no longer accepts this connection: its Keap sign-in has ended (the add-on was removed in Keap, a password was changed, or the connection went unused for 45 days). Reconnect from the sidebar.',
  clientRejected:
    "Keap no longer accepts this add-on's Keap app (client id or secret rejected). Check KEAP_CLIENT_ID and KEAP_CLIENT_SECRET, then reconnect from the sidebar.",
  apiKeyRejected:
    'Keap no longer accepts the saved API key (it may have been revoked). Paste a new key or connect with Keap from the sidebar.',
  notConnected: 'Keap is not connected. Connect from the sidebar.',
  tokenRefused:
    'Keap refused the access token even right after renewing it. If this keeps happening, reconnect from the sidebar.',
  renewalFailed:
    'Keap could not renew the sign-in just now (Keap or the network had a problem); will retry next run.',
};

function memoryStore(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return {
    data,
    getProperty: (key: string) => data.get(key) ?? null,
    setProperty: (key: string, value: string) => data.set(key, value),
    deleteProperty: (key: string) => data.delete(key),
  };
}

function oldRecord(reason: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    reason,
    since: '2026-11-01T00:00:00.000Z',
    account: 'xy123.infusionsoft.com',
    method: 'oauth',
    ...extra,
  });
}

/** What the sidebar and a run say for a stored record, as the released version said it. */
function saidFor(text: string): { reason: string; stop: string } | null {
  const lost = readLostAccess(memoryStore({ [KEY]: text }));
  if (!lost) return null;
  return {
    reason: connectionProblemWords(lost.problem),
    stop: keapStopMessage({ kind: 'unauthorized', problem: lost.problem }),
  };
}

const AFTER = 'Rows not yet synced are synced once Keap is connected again.';

describe('lost-access records of the released version (sentences)', () => {
  it.each([
    ['sign-in ended', OLD.refreshTokenRejected, 'sign-in-ended'],
    ['app rejected', OLD.clientRejected, 'app-rejected'],
    ['API key rejected', OLD.apiKeyRejected, 'api-key-rejected'],
  ])('%s: read back as its code, worded byte for byte as before', (_, sentence, kind) => {
    const lost = readLostAccess(memoryStore({ [KEY]: oldRecord(sentence) }));
    expect(lost?.problem).toEqual({ kind });
    expect(lost).toMatchObject({ since: '2026-11-01T00:00:00.000Z', method: 'oauth' });
    expect(saidFor(oldRecord(sentence))).toEqual({
      reason: sentence,
      stop: `${sentence} ${AFTER}`,
    });
  });

  it.each([
    ['a trailing space and newline', `${OLD.refreshTokenRejected} \n`],
    ['a leading newline', `\n  ${OLD.clientRejected}`],
    ['CRLF inside', OLD.apiKeyRejected.replace('. ', '.\r\n')],
    ['HTML', '<b>Keap</b> said <script>alert(1)</script> no'],
    ['an empty sentence', ''],
    ['200 000 characters', 'x'.repeat(200_000)],
    ['another language', 'Keap akzeptiert diese Verbindung nicht mehr. Verbinden Sie neu.'],
  ])('with %s: kept as it was, still asks to reconnect, words as before', (_, reason) => {
    const said = saidFor(oldRecord(reason));
    // e4d6e52: connection card reason = the stored text; the run's message =
    // asSentence(reason) || 'Keap does not accept the connection.', then SYNCED_ONCE_CONNECTED.
    expect(said?.reason).toBe(reason);
    const sentence = reason.trim().replace(/[\s;,:]+$/, '');
    const expected =
      sentence === ''
        ? 'Keap does not accept the connection.'
        : /[.!?]$/.test(sentence)
          ? sentence.charAt(0).toUpperCase() + sentence.slice(1)
          : `${sentence.charAt(0).toUpperCase()}${sentence.slice(1)}.`;
    expect(said?.stop).toBe(`${expected} ${AFTER}`);
  });

  it('unexpected fields beside the sentence change nothing', () => {
    const text = oldRecord(OLD.refreshTokenRejected, {
      problem: 'sign-in-ended',
      extra: { nested: [1, 2] },
      version: 99,
    });
    expect(readLostAccess(memoryStore({ [KEY]: text }))?.problem).toEqual({
      kind: 'sign-in-ended',
    });
  });

  it('a record without since/account/method is still lost access (as before)', () => {
    const lost = readLostAccess(memoryStore({ [KEY]: JSON.stringify({ reason: 'gone' }) }));
    expect(lost?.problem).toEqual({ kind: 'recorded', text: 'gone', instructs: true });
  });

  it.each([
    ['not JSON', '{"reason":'],
    ['JSON null', 'null'],
    ['a JSON string', '"Reconnect from the sidebar."'],
    ['a number', '42'],
    ['an array', JSON.stringify([{ reason: OLD.refreshTokenRejected }])],
    ['an empty object', '{}'],
    ['a reason that is a number', oldRecord(5)],
    ['a reason that is null', oldRecord(null)],
    ['a problem of an unknown kind', JSON.stringify({ problem: { kind: 'tenant-gone' } })],
    ['a recorded problem without text', JSON.stringify({ problem: { kind: 'recorded' } })],
    ['an empty property', ''],
  ])('%s: no lost access, no throw (the released version read it the same way)', (_, text) => {
    expect(() => readLostAccess(memoryStore({ [KEY]: text }))).not.toThrow();
    expect(readLostAccess(memoryStore({ [KEY]: text }))).toBeNull();
  });

  it('a new refusal over a released record keeps the first refusal time and stores a code', () => {
    const store = memoryStore({ [KEY]: oldRecord(`${OLD.clientRejected}\n`) });
    const kept = recordLostAccess(store, {
      problem: { kind: 'sign-in-ended' },
      since: '2026-12-07T00:00:00.000Z',
      account: null,
      method: 'oauth',
    });
    expect(kept.since).toBe('2026-11-01T00:00:00.000Z');
    expect(readLostAccess(store)?.problem).toEqual({ kind: 'sign-in-ended' });
  });
});

describe('connection problem and fault words, code by code, as the released version said them', () => {
  const cases: [ConnectionProblem, string][] = [
    [{ kind: 'sign-in-ended' }, OLD.refreshTokenRejected],
    [{ kind: 'app-rejected' }, OLD.clientRejected],
    [{ kind: 'api-key-rejected' }, OLD.apiKeyRejected],
    [{ kind: 'not-connected' }, OLD.notConnected],
    [{ kind: 'token-refused' }, OLD.tokenRefused],
    [
      { kind: 'not-set-up', missing: ['KEAP_CLIENT_ID', 'KEAP_CLIENT_SECRET'] },
      'Keap is not set up for this add-on yet: the script properties KEAP_CLIENT_ID and KEAP_CLIENT_SECRET must be set by whoever installed it.',
    ],
    [
      { kind: 'not-set-up', missing: ['KEAP_CLIENT_SECRET'] },
      'Keap is not set up for this add-on yet: the script properties KEAP_CLIENT_SECRET must be set by whoever installed it.',
    ],
  ];
  it.each(cases)('%j', (problem, words) => {
    expect(connectionProblemWords(problem)).toBe(words);
    expect(keapStopMessage({ kind: 'unauthorized', problem })).toBe(`${words} ${AFTER}`);
  });

  it('faults', () => {
    expect(connectionFaultWords({ kind: 'renewal-failed' })).toBe(OLD.renewalFailed);
    expect(connectionFaultWords({ kind: 'lock-busy' })).toBe(
      'Another run held the Keap connection for too long; will retry next run.',
    );
  });
});

describe('one retry loop: steadyPropertyStore and withServiceRetry try as often as before', () => {
  function flaky(failures: number, message = "We're sorry, a server error occurred.") {
    const inner = memoryStore();
    let left = failures;
    let calls = 0;
    const props = {
      ...inner,
      setProperty: (key: string, value: string) => {
        calls += 1;
        if (left-- > 0) throw new Error(message);
        inner.setProperty(key, value);
        return props;
      },
      getProperty: (key: string) => {
        calls += 1;
        if (left-- > 0) throw new Error(message);
        return inner.getProperty(key);
      },
      calls: () => calls,
    };
    return props;
  }
  const plan = () => {
    const slept: number[] = [];
    return { slept, plan: { delaysMs: [10, 20, 40], sleep: (ms: number) => slept.push(ms) } };
  };

  it.each([0, 1, 2, 3])('a token write failing %i times is kept (4 tries)', (failures) => {
    const inner = flaky(failures);
    const { slept, plan: p } = plan();
    const steady = steadyPropertyStore(inner as never, p);
    steady.setProperty('oauth2.keap', '{"refresh_token":"r2"}');
    expect(inner.data.get('oauth2.keap')).toBe('{"refresh_token":"r2"}');
    expect(slept).toEqual([10, 20, 40].slice(0, failures));
  });

  it('a write failing 4 times throws after 4 tries; any error is retried for writes', () => {
    const inner = flaky(4, 'Something odd');
    const { slept, plan: p } = plan();
    const steady = steadyPropertyStore(inner as never, p);
    expect(() => steady.setProperty('k', 'v')).toThrow('Something odd');
    expect(inner.calls()).toBe(4);
    expect(slept).toEqual([10, 20, 40]);
  });

  it('reads retry only Google’s passing errors', () => {
    const odd = flaky(1, 'Something odd');
    expect(() => steadyPropertyStore(odd as never, plan().plan).getProperty('k')).toThrow();
    expect(odd.calls()).toBe(1);
    const passing = flaky(3);
    expect(steadyPropertyStore(passing as never, plan().plan).getProperty('k')).toBeNull();
    expect(passing.calls()).toBe(4);
  });

  it('withServiceRetry: 3 more tries after 500, 1000, 2000 ms', () => {
    const slept: number[] = [];
    let calls = 0;
    expect(() =>
      withServiceRetry(
        () => {
          calls += 1;
          throw new Error('Service unavailable: Properties');
        },
        (ms) => slept.push(ms),
      ),
    ).toThrow('Service unavailable');
    expect(calls).toBe(4);
    expect(slept).toEqual([500, 1000, 2000]);
  });
});

describe('the Keap Email Status column: which words are the add-on’s (marks not switched on)', () => {
  const marks = new KeapStatusMarks(null);
  it('the released version’s words are the add-on’s, with or without the not-ticked note', () => {
    const words = [
      ...Object.values(KEAP_STATUS_WORDS),
      NOT_IN_KEAP_EMAILS,
      'Opted out by this add-on on 2024-01-31',
      `${UNKNOWN_STATUS_PREFIX}WEIRD_CODE`,
    ];
    for (const text of words) {
      expect([text, marks.isOurs(text)]).toEqual([text, true]);
      expect([text, marks.isOurs(text + NOT_TICKED)]).toEqual([text, true]);
    }
  });
  it.each([
    '',
    'my own note',
    'Opted out by this add-on on 2024-01-31 (called them)',
    ' Opted out by this add-on on 2024-01-31',
    `${UNKNOWN_STATUS_PREFIX}weird`,
    `${UNKNOWN_STATUS_PREFIX}${'A'.repeat(300)}`,
    `${NOT_IN_KEAP_EMAILS} `,
    NOT_IN_KEAP_EMAILS.toLowerCase(),
  ])('a person’s text %j is kept', (text) => {
    expect(marks.isOurs(text)).toBe(false);
  });
});

describe('synced contact fields: Keap answers and the PATCH, as before', () => {
  it('PATCH body and update_mask are the released version’s, byte for byte', () => {
    const request = contactPatchRequest(42, {
      emails: [
        { field: 'EMAIL1', email: 'new@example.com' },
        { field: 'EMAIL3', email: 'Third@Example.com' },
      ],
    });
    expect(request.method).toBe('patch');
    expect(request.url).toBe(
      'https://api.infusionsoft.com/crm/rest/v2/contacts/42?update_mask=email_addresses',
    );
    expect(request.body).toBe(
      '{"email_addresses":[{"email":"new@example.com","field":"EMAIL1"},{"email":"Third@Example.com","field":"EMAIL3"}]}',
    );
  });

  it('unexpected fields in the answer are ignored, slots kept in order', () => {
    const page = parseContactPage(
      JSON.stringify({
        contacts: [
          {
            id: '7',
            given_name: 'X',
            email_addresses: [
              { email: 'a@example.com', field: 'EMAIL2', extra: true },
              { email: '', field: 'EMAIL_FIELD_UNSPECIFIED' },
              { email: 'b@example.com', field: 'EMAIL1' },
            ],
          },
        ],
        next_page_token: 'n',
      }),
    );
    expect(page).toEqual({
      items: [
        {
          id: 7,
          emails: [
            { field: 'EMAIL2', email: 'a@example.com' },
            { field: 'EMAIL1', email: 'b@example.com' },
          ],
        },
      ],
      nextPageToken: 'n',
    });
  });

  it.each([
    ['no list', { id: 1 }],
    ['a null list', { id: 1, email_addresses: null }],
    ['a null slot', { id: 1, email_addresses: [null] }],
    [
      'a slot twice',
      {
        id: 1,
        email_addresses: [
          { email: 'a@x.co', field: 'EMAIL1' },
          { email: 'b@x.co', field: 'EMAIL1' },
        ],
      },
    ],
    ['an empty address', { id: 1, email_addresses: [{ email: ' ', field: 'EMAIL2' }] }],
    [
      'an address under UNSPECIFIED',
      { id: 1, email_addresses: [{ email: 'q@x.co', field: 'EMAIL_FIELD_UNSPECIFIED' }] },
    ],
    ['a lower-case slot', { id: 1, email_addresses: [{ email: 'q@x.co', field: 'email1' }] }],
    ['a list as an object', { id: 1, email_addresses: { EMAIL1: 'q@x.co' } }],
    ['a fractional id', { id: 1.5, email_addresses: [] }],
  ])('%s: unreadable, never a basis for a write', (_, contact) => {
    expect(() => parseContactPage(JSON.stringify({ contacts: [contact] }))).toThrow(
      expect.objectContaining({ name: 'UnreadableAnswerError' }),
    );
  });

  it('overlapping pages: the same slots in another order agree; a case change does not', () => {
    const a: KeapContact = {
      id: 1,
      emails: [
        { field: 'EMAIL1', email: 'a@x.co' },
        { field: 'EMAIL3', email: 'b@x.co' },
      ],
    };
    const b: KeapContact = {
      id: 1,
      emails: [
        { field: 'EMAIL3', email: 'b@x.co' },
        { field: 'EMAIL1', email: 'a@x.co' },
      ],
    };
    const c: KeapContact = {
      id: 1,
      emails: [
        { field: 'EMAIL1', email: 'A@x.co' },
        { field: 'EMAIL3', email: 'b@x.co' },
      ],
    };
    expect(sameContact(a, b)).toBe(true);
    expect(sameContact(a, c)).toBe(false);
  });

  it('a lost write counts as applied when Keap has the slots, ignoring case and spaces', () => {
    const write: KeapWrite = {
      kind: 'setEmails',
      contactId: 1,
      emails: [{ field: 'EMAIL1', email: 'New@X.co ' }],
    };
    const contacts = new Map<number, KeapContact>([
      [1, { id: 1, emails: [{ field: 'EMAIL1', email: 'new@x.co' }] }],
    ]);
    expect(isWriteApplied(write, contacts, new Map())).toBe(true);
    const more = new Map<number, KeapContact>([
      [
        1,
        {
          id: 1,
          emails: [
            { field: 'EMAIL1', email: 'new@x.co' },
            { field: 'EMAIL2', email: 'z@x.co' },
          ],
        },
      ],
    ]);
    expect(isWriteApplied(write, more, new Map())).toBe(false);
  });
});
