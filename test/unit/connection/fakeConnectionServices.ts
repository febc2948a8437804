/**
 * The Apps Script services the connection's read-only paths touch (status, connection
 * problem, consent URL), faked. A write, a lock, a refresh or any network call fails the test:
 * these paths only read what is stored.
 */
export function installServices(options: {
  user?: Record<string, string>;
  script?: Record<string, string>;
}) {
  const calls: string[] = [];
  const props = (data: Record<string, string>, name: string) => ({
    getProperty: (key: string) => {
      calls.push(`${name}.getProperty ${key}`);
      return data[key] ?? null;
    },
    setProperty: () => {
      throw new Error('a read-only path must not write');
    },
    deleteProperty: () => {
      throw new Error('a read-only path must not delete');
    },
  });
  const user = props(options.user ?? {}, 'user');
  const script = props(options.script ?? {}, 'script');
  const forbidden = (what: string) => () => {
    throw new Error(`a read-only path must not call ${what}`);
  };
  const service: Record<string, unknown> = {
    getToken: () => {
      calls.push('service.getToken');
      const raw = user.getProperty('oauth2.keap');
      return raw === null ? null : (JSON.parse(raw) as object);
    },
    hasAccess: forbidden('hasAccess (it may refresh)'),
    refresh: forbidden('refresh'),
    getAccessToken: forbidden('getAccessToken'),
    getAuthorizationUrl: () => {
      calls.push('service.getAuthorizationUrl');
      return 'https://accounts.example/authorize?state=fresh';
    },
  };
  for (const setter of [
    'setAuthorizationBaseUrl',
    'setTokenUrl',
    'setScope',
    'setCallbackFunction',
    'setPropertyStore',
    'setLock',
    'setTokenPayloadHandler',
    'setClientId',
    'setClientSecret',
    'setTokenHeaders',
  ]) {
    service[setter] = () => service;
  }
  const globals = globalThis as Record<string, unknown>;
  globals.PropertiesService = { getUserProperties: () => user, getScriptProperties: () => script };
  globals.LockService = {
    getUserLock: () => ({ waitLock: forbidden('waitLock'), releaseLock: () => undefined }),
  };
  globals.OAuth2 = { createService: () => service, getRedirectUri: () => 'https://redirect' };
  globals.Utilities = { base64Encode: (text: string) => text, sleep: forbidden('sleep') };
  globals.UrlFetchApp = { fetch: forbidden('UrlFetchApp.fetch'), fetchAll: forbidden('fetchAll') };
  return calls;
}

export const CREDENTIALS = { KEAP_CLIENT_ID: 'id', KEAP_CLIENT_SECRET: 'secret' };

export function removeServices(): void {
  for (const name of ['PropertiesService', 'LockService', 'OAuth2', 'Utilities', 'UrlFetchApp']) {
    delete (globalThis as Record<string, unknown>)[name];
  }
}
