import {
  classifyRefreshFailure,
  clearLostAccess,
  readLostAccess,
  recordLostAccess,
} from '../../../src/connection/lostAccess';
import type { KeyValueStore } from '../../../src/connection/storePorts';
import { USER_KEYS } from '../../../src/connection/userRecords';
import { connectionFaultWords, connectionProblemWords } from '../../../src/sync/statusText';
import { LOST_ACCESS_WORDS } from './connectionWords';

function memoryStore(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return {
    data,
    getProperty: (key) => data.get(key) ?? null,
    setProperty: (key, value) => data.set(key, value),
    deleteProperty: (key) => data.delete(key),
  };
}

describe('telling a dead connection from a passing fault', () => {
  it('invalid_grant means the refresh token is gone', () => {
    const failure = classifyRefreshFailure(
      new Error('Error retrieving token: invalid_grant, Invalid refresh token'),
    );
    expect(failure).toEqual({ lost: true, problem: { kind: 'sign-in-ended' } });
    if (failure.lost) {
      expect(connectionProblemWords(failure.problem)).toBe(LOST_ACCESS_WORDS.refreshTokenRejected);
    }
  });

  it('invalid_client means the add-on’s Keap app was refused', () => {
    expect(classifyRefreshFailure(new Error('Error retrieving token: invalid_client')).lost).toBe(
      true,
    );
  });

  it.each([
    'Token response not valid JSON: SyntaxError',
    'Exception: Address unavailable: https://api.infusionsoft.com/token',
    'Error retrieving token: 503: {}',
  ])('%s is passing', (message) => {
    expect(classifyRefreshFailure(new Error(message)).lost).toBe(false);
  });

  it('never repeats the library’s raw message (it may carry request details)', () => {
    const failure = classifyRefreshFailure(new Error('Exception: secret=abc123 timeout'));
    expect(failure.lost).toBe(false);
    if (!failure.lost) expect(connectionFaultWords(failure.fault)).not.toContain('abc123');
  });
});

describe('the lost-access record', () => {
  it('is kept with its first date until cleared', () => {
    const store = memoryStore();
    expect(readLostAccess(store)).toBeNull();
    recordLostAccess(store, {
      problem: { kind: 'sign-in-ended' },
      since: '2026-01-01T00:00:00.000Z',
      account: 'a.infusionsoft.com',
      method: 'oauth',
    });
    const again = recordLostAccess(store, {
      problem: { kind: 'app-rejected' },
      since: '2026-01-02T00:00:00.000Z',
      account: null,
      method: 'oauth',
    });
    expect(again.since).toBe('2026-01-01T00:00:00.000Z');
    expect(readLostAccess(store)?.problem).toEqual({ kind: 'app-rejected' });
    clearLostAccess(store);
    expect(readLostAccess(store)).toBeNull();
  });

  it('does not live under the OAuth2 library’s own keys', () => {
    const store = memoryStore();
    recordLostAccess(store, {
      problem: { kind: 'sign-in-ended' },
      since: 'now',
      account: null,
      method: 'oauth',
    });
    for (const key of store.data.keys()) expect(key.startsWith('oauth2.')).toBe(false);
  });
});

/**
 * Records the released version saved: `reason`, a sentence, where this version keeps a code.
 * Each of its sentences (byte for byte) reads back as its code, so the sidebar and the runs say
 * the same words as before the update; any other text is kept and said as it is.
 */
describe('a lost-access record saved by the released version', () => {
  const RELEASED_SENTENCES: [string, string][] = [
    [
      'Keap no longer accepts this connection: its Keap sign-in has ended (the add-on was removed in Keap, a password was changed, or the connection went unused for 45 days). Reconnect from the sidebar.',
      'sign-in-ended',
    ],
    [
      "Keap no longer accepts this add-on's Keap app (client id or secret rejected). Check KEAP_CLIENT_ID and KEAP_CLIENT_SECRET, then reconnect from the sidebar.",
      'app-rejected',
    ],
    [
      'Keap no longer accepts the saved API key (it may have been revoked). Paste a new key or connect with Keap from the sidebar.',
      'api-key-rejected',
    ],
  ];

  function savedByReleasedVersion(reason: string, method: 'oauth' | 'api-key' = 'oauth') {
    const store = memoryStore();
    const record = {
      reason,
      since: '2026-01-01T00:00:00.000Z',
      account: 'a.infusionsoft.com',
      method,
    };
    store.setProperty(USER_KEYS.lostAccess, JSON.stringify(record));
    return store;
  }

  it.each(RELEASED_SENTENCES)('%s reads as %s, and says the same words', (sentence, kind) => {
    const lost = readLostAccess(savedByReleasedVersion(sentence));
    expect(lost).toEqual({
      problem: { kind },
      since: '2026-01-01T00:00:00.000Z',
      account: 'a.infusionsoft.com',
      method: 'oauth',
    });
    expect(connectionProblemWords(lost!.problem)).toBe(sentence);
  });

  it('keeps a sentence it does not know, said as it was, with its own instruction', () => {
    const lost = readLostAccess(savedByReleasedVersion('Keap said no. Reconnect.', 'api-key'));
    expect(lost?.problem).toEqual({
      kind: 'recorded',
      text: 'Keap said no. Reconnect.',
      instructs: true,
    });
    expect(lost?.method).toBe('api-key');
  });

  it("keeps the first refusal's time when Keap refuses again, and writes the code", () => {
    const store = savedByReleasedVersion(RELEASED_SENTENCES[0][0]);
    recordLostAccess(store, {
      problem: { kind: 'sign-in-ended' },
      since: '2026-02-01T00:00:00.000Z',
      account: null,
      method: 'oauth',
    });
    const stored = JSON.parse(store.getProperty(USER_KEYS.lostAccess)!);
    expect(stored).toMatchObject({
      problem: { kind: 'sign-in-ended' },
      since: '2026-01-01T00:00:00.000Z',
    });
    expect(stored.reason).toBeUndefined();
  });

  it('reads a record of neither shape as none', () => {
    const store = memoryStore();
    store.setProperty(USER_KEYS.lostAccess, JSON.stringify({ problem: { kind: 'teapot' } }));
    expect(readLostAccess(store)).toBeNull();
  });
});
