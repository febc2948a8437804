import {
  classifyRefreshFailure,
  clearLostAccess,
  LOST_ACCESS_WORDS,
  readLostAccess,
  recordLostAccess,
} from '../../../src/connection/lostAccess';
import type { KeyValueStore } from '../../../src/connection/storePorts';

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
    expect(failure).toEqual({ lost: true, reason: LOST_ACCESS_WORDS.refreshTokenRejected });
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
    expect(failure.reason).not.toContain('abc123');
  });
});

describe('the lost-access record', () => {
  it('is kept with its first date until cleared', () => {
    const store = memoryStore();
    expect(readLostAccess(store)).toBeNull();
    recordLostAccess(store, {
      reason: 'r1',
      since: '2026-01-01T00:00:00.000Z',
      account: 'a.infusionsoft.com',
      method: 'oauth',
    });
    const again = recordLostAccess(store, {
      reason: 'r2',
      since: '2026-01-02T00:00:00.000Z',
      account: null,
      method: 'oauth',
    });
    expect(again.since).toBe('2026-01-01T00:00:00.000Z');
    expect(readLostAccess(store)?.reason).toBe('r2');
    clearLostAccess(store);
    expect(readLostAccess(store)).toBeNull();
  });

  it('does not live under the OAuth2 library’s own keys', () => {
    const store = memoryStore();
    recordLostAccess(store, { reason: 'r', since: 'now', account: null, method: 'oauth' });
    for (const key of store.data.keys()) expect(key.startsWith('oauth2.')).toBe(false);
  });
});
