import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import type { WireRequest } from '../support/wire';
import { compileLibrary, OAUTH2_LIBRARY_PATH, oauth2LibraryScript } from './libraries';
import { INVALID_STATE_MESSAGE } from './runtime';
import { json, network, removeBundles, runtimeWith } from './testSupport';

afterAll(removeBundles);

const BUNDLE = `
function service_() {
  return OAuth2.createService('keap')
    .setAuthorizationBaseUrl('https://auth.example.com/authorize')
    .setTokenUrl('https://auth.example.com/token')
    .setClientId('client-1')
    .setClientSecret('secret-1')
    .setScope('full')
    .setCallbackFunction('authCallback')
    .setPropertyStore(PropertiesService.getUserProperties())
    .setCache(CacheService.getUserCache())
    .setLock(LockService.getUserLock())
    .setTokenHeaders({ Authorization: 'Basic ' + Utilities.base64Encode('client-1:secret-1') });
}
function authUrl() { return service_().getAuthorizationUrl({ sheet: 'abc' }); }
function authCallback(e) {
  var ok = service_().handleCallback(e);
  return HtmlService.createHtmlOutput(ok ? 'Connected ' + e.parameter.sheet : 'Denied');
}
function access() {
  var s = service_();
  var ok = s.hasAccess();
  var err = s.getLastError();
  return [ok, err ? err.message : null];
}
function accessToken() { return service_().getAccessToken(); }
function trap() {
  var s = service_();
  s.getToken();
  Utilities.sleep(1);
  try { s.refresh(); return 'refreshed'; } catch (e) { return e.message; }
}
function rereadThenRefresh() {
  var s = service_();
  s.getToken();
  Utilities.sleep(1);
  s.getToken(true);
  s.refresh();
  return 'refreshed';
}
function disconnect() { service_().getStorage().setValue('extra', { a: 1 }); service_().reset(); }
`;

/** A token endpoint that rotates refresh tokens as Keap does. */
function tokenServer() {
  let issued = 0;
  const live = new Set<string>();
  const calls: { grant: string; form: URLSearchParams; headers: Record<string, string> }[] = [];
  const issue = () => {
    issued++;
    live.add(`rt${issued}`);
    return json(200, {
      access_token: `at${issued}`,
      refresh_token: `rt${issued}`,
      expires_in: 3600,
      token_type: 'bearer',
    });
  };
  const handler = network((req: WireRequest) => {
    if (req.url !== 'https://auth.example.com/token') return undefined;
    const form = new URLSearchParams(req.body);
    const grant = form.get('grant_type') ?? '';
    calls.push({ grant, form, headers: req.headers });
    if (grant === 'authorization_code')
      return form.get('code') === 'good-code' ? issue() : json(400, { error: 'invalid_grant' });
    const refresh = form.get('refresh_token') ?? '';
    if (!live.delete(refresh))
      return json(400, { error: 'invalid_grant', error_description: 'Invalid refresh token' });
    return issue();
  });
  return { handler, calls, revokeAll: () => live.clear() };
}

const USER = 'ann@example.com';

function connected() {
  const server = tokenServer();
  const rt = runtimeWith(BUNDLE, { network: server.handler });
  const url = new URL(rt.run<string>('authUrl', [], { user: USER }).value as string);
  const state = url.searchParams.get('state') as string;
  const callback = rt.userCallback(
    `${rt.redirectUri}?code=good-code&state=${encodeURIComponent(state)}`,
    USER,
  );
  return { rt, server, url, state, callback };
}

function storedToken(rt: ReturnType<typeof connected>['rt']) {
  return JSON.parse(rt.userProperties(USER)['oauth2.keap'] ?? 'null') as Record<string, unknown>;
}

describe('state tokens and the OAuth callback', () => {
  test('the authorization URL carries a state token that userCallback turns into the callback call', () => {
    const { rt, server, url, callback } = connected();
    expect(url.origin + url.pathname).toBe('https://auth.example.com/authorize');
    expect(url.searchParams.get('redirect_uri')).toBe(
      'https://script.google.com/macros/d/1kss-local-script-0000000000000000000000000000000000000/usercallback',
    );
    expect(url.searchParams.get('client_id')).toBe('client-1');
    expect(url.searchParams.get('scope')).toBe('full');
    expect(callback).toMatchObject({ status: 200, html: 'Connected abc' });

    const [exchange] = server.calls;
    expect(exchange?.form.get('code')).toBe('good-code');
    expect(exchange?.form.get('redirect_uri')).toBe(rt.redirectUri);
    expect(exchange?.form.get('client_secret')).toBe('secret-1');
    expect(exchange?.headers.authorization).toBe(
      `Basic ${Buffer.from('client-1:secret-1').toString('base64')}`,
    );

    const token = storedToken(rt);
    expect(token).toMatchObject({ access_token: 'at1', refresh_token: 'rt1' });
    // Granted when the token answer arrived, which is the last thing that took time.
    expect(token.expiresAt).toBe(Math.floor((callback.result?.endedAt as number) / 1000) + 3600);
  });

  test('a forged or expired state token gets the error page and runs nothing', () => {
    const { rt, state } = connected();
    const runs = rt.executions.length;
    const forged = rt.userCallback(`${rt.redirectUri}?code=good-code&state=ADEpC6forged`, USER);
    expect(forged.status).toBe(400);
    expect(forged.html).toContain(INVALID_STATE_MESSAGE);
    rt.clock.advance(3600 * 1000);
    const expired = rt.userCallback(
      `${rt.redirectUri}?code=good-code&state=${encodeURIComponent(state)}`,
      USER,
    );
    expect(expired.html).toContain(INVALID_STATE_MESSAGE);
    expect(rt.executions.length).toBe(runs);
  });

  test('a provider error in the callback is thrown; access_denied is a plain refusal', () => {
    const { rt, state } = connected();
    const failed = rt.userCallback(`${rt.redirectUri}?error=server_error&state=${state}`, USER);
    expect(failed.status).toBe(500);
    expect(failed.result?.error?.message).toBe('Error authorizing token: server_error');
    expect(rt.userCallback(`${rt.redirectUri}?error=access_denied&state=${state}`, USER).html).toBe(
      'Denied',
    );
  });
});

describe('the OAuth2 library (v43, the real file from ../shared)', () => {
  test('hasAccess is free while valid and refreshes, under the lock, within 60 s of expiry', () => {
    const { rt, server } = connected();
    const expiresAtMs = (storedToken(rt).expiresAt as number) * 1000;
    rt.clock.set(expiresAtMs - 61000);
    const free = rt.run('access', [], { user: USER });
    expect(free.value).toEqual([true, null]);
    expect(free.ledger.requestCount).toBe(0);

    rt.clock.set(expiresAtMs - 59000);
    const methods: string[] = [];
    const refreshed = rt.run('access', [], {
      user: USER,
      onServiceCall: ({ service, method }) => methods.push(`${service}.${method}`),
    });
    expect(refreshed.value).toEqual([true, null]);
    expect(server.calls.map((c) => c.grant)).toEqual(['authorization_code', 'refresh_token']);
    expect(server.calls[1]?.form.get('refresh_token')).toBe('rt1');
    expect(methods).toEqual(expect.arrayContaining(['Lock.waitLock', 'Lock.releaseLock']));
    expect(methods.indexOf('Lock.waitLock')).toBeLessThan(methods.indexOf('UrlFetchApp.fetch'));
    expect(storedToken(rt)).toMatchObject({ access_token: 'at2', refresh_token: 'rt2' });
  });

  test('a refresh error is swallowed: hasAccess is false, getLastError has it, getAccessToken is generic', () => {
    const { rt, server } = connected();
    server.revokeAll();
    rt.clock.advance(3600 * 1000);
    expect(rt.run('access', [], { user: USER }).value).toEqual([
      false,
      'Error retrieving token: invalid_grant, Invalid refresh token',
    ]);
    expect(rt.run('accessToken', [], { user: USER }).error?.message).toBe(
      'Access not granted or expired.',
    );
    expect(storedToken(rt).refresh_token).toBe('rt1');
  });

  test('while another execution holds the lock, an expired token cannot be refreshed and hasAccess throws', () => {
    const { rt } = connected();
    rt.clock.advance(3600 * 1000);
    let inner: ReturnType<typeof rt.run> | undefined;
    rt.run('access', [], {
      user: USER,
      onServiceCall: ({ method }) => {
        if (method === 'fetch' && !inner) inner = rt.run('access', [], { user: USER });
      },
    });
    expect(inner?.error?.message).toBe(
      'Lock timeout: another process was holding the lock for too long.',
    );
    expect(inner?.ledger.lockWaitMs).toBe(30000);
  });

  test('the rotation trap: refresh() uses the token in memory, not the one another execution rotated', () => {
    const { rt } = connected();
    rt.clock.advance(3600 * 1000);
    const rotateMeanwhile = ({ method }: { method: string }) => {
      if (method === 'sleep') rt.run('access', [], { user: USER });
    };
    const trapped = rt.run('trap', [], { user: USER, onServiceCall: rotateMeanwhile });
    expect(trapped.value).toBe('Error retrieving token: invalid_grant, Invalid refresh token');
    expect(storedToken(rt).refresh_token).toBe('rt2');

    rt.clock.advance(3600 * 1000);
    const safe = rt.run('rereadThenRefresh', [], { user: USER, onServiceCall: rotateMeanwhile });
    expect(safe.value).toBe('refreshed');
    expect(storedToken(rt).refresh_token).toBe('rt4');
  });

  test('reset() deletes the token and every oauth2.<name>.* key', () => {
    const { rt } = connected();
    rt.setUserProperty(USER, 'oauth2.keapish', 'other service');
    rt.run('disconnect', [], { user: USER });
    expect(rt.userProperties(USER)).toEqual({ 'oauth2.keapish': 'other service' });
    expect(rt.run('access', [], { user: USER }).value).toEqual([false, null]);
  });
});

describe('the library in every execution', () => {
  const SURFACE = `
function surface() { return Object.keys(OAuth2).sort(); }
function redirect() { return OAuth2.getRedirectUri(); }
function spoil() { OAuth2.createService = null; return typeof OAuth2.createService; }
function works() { return typeof OAuth2.createService; }
function names() {
  var store = PropertiesService.getUserProperties();
  OAuth2.createService('one').setPropertyStore(store).getStorage().setValue(null, { access_token: 'a' });
  OAuth2.createService('two').setPropertyStore(store).getStorage().setValue('extra', 1);
  return OAuth2.getServiceNames(store);
}
`;

  test('is the real file, compiled once per process, and a fresh OAuth2 global per execution', () => {
    expect(oauth2LibraryScript()).toBe(oauth2LibraryScript());
    const rt = runtimeWith(SURFACE, { scriptId: 'my script' });
    expect(rt.run('surface').value).toEqual([
      'TOKEN_FORMAT',
      'createService',
      'getRedirectUri',
      'getServiceNames',
    ]);
    expect(rt.run('spoil').value).toBe('object');
    expect(rt.run('works').value).toBe('function');
    expect(rt.run('redirect').value).toBe(
      'https://script.google.com/macros/d/my%20script/usercallback',
    );
    expect(rt.redirectUri).toBe('https://script.google.com/macros/d/my%20script/usercallback');
    expect(rt.run('names', [], { user: USER }).value).toEqual(['one', 'two']);
  });

  test('what the stand-in did not do: a miss is remembered (memory, and 6 h in a cache); getRedirectUri asks ScriptApp', () => {
    const MISS = `
function miss(withCache) {
  var s = OAuth2.createService('late').setPropertyStore(PropertiesService.getUserProperties());
  if (withCache) s.setCache(CacheService.getUserCache());
  var before = s.getToken();
  Utilities.sleep(1);
  return [before, s.getToken(), s.getToken(true) && s.getToken(true).access_token];
}
function uri() { return OAuth2.getRedirectUri(); }
`;
    const rt = runtimeWith(MISS);
    const storeMeanwhile = ({ method }: { method: string }) => {
      if (method === 'sleep')
        rt.setUserProperty(USER, 'oauth2.late', JSON.stringify({ access_token: 'late-at' }));
    };
    expect(rt.run('miss', [false], { user: USER, onServiceCall: storeMeanwhile }).value).toEqual([
      null,
      null,
      'late-at',
    ]);
    rt.setUserProperty(USER, 'oauth2.late', null);
    // With a cache the miss is cached for 6 hours: even a re-read skipping memory finds it.
    expect(rt.run('miss', [true], { user: USER, onServiceCall: storeMeanwhile }).value).toEqual([
      null,
      null,
      null,
    ]);
    const methods: string[] = [];
    rt.run('uri', [], {
      onServiceCall: ({ service, method }) => methods.push(`${service}.${method}`),
    });
    expect(methods).toEqual(['ScriptApp.getScriptId']);
  });

  test('a missing library file stops with a message naming the path', () => {
    expect(OAUTH2_LIBRARY_PATH).toMatch(/\/shared\/apps-script\/oauth2-library\/OAuth2\.gs$/);
    expect(() => compileLibrary('/nowhere/shared/apps-script/oauth2-library/OAuth2.gs')).toThrow(
      /not found at \/nowhere\/shared\/apps-script\/oauth2-library\/OAuth2\.gs/,
    );
  });
});

describe('flows the add-on does not use, run by the real library on the fakes', () => {
  const TOKEN_URL = 'https://auth.example.com/token';
  const FLOWS = `
function store_() { return PropertiesService.getUserProperties(); }
function pkce_() {
  return OAuth2.createService('pkce')
    .setAuthorizationBaseUrl('https://auth.example.com/authorize')
    .setTokenUrl('${TOKEN_URL}')
    .setClientId('client-1')
    .setClientSecret('secret-1')
    .setCallbackFunction('pkceCallback')
    .setPropertyStore(store_())
    .generateCodeVerifier();
}
function pkceUrl() { return pkce_().getAuthorizationUrl(); }
function pkceCallback(e) { return HtmlService.createHtmlOutput(String(pkce_().handleCallback(e))); }
function jwtAccess(key) {
  var s = OAuth2.createService('robot')
    .setTokenUrl('${TOKEN_URL}')
    .setPrivateKey(key)
    .setIssuer('robot@example.com')
    .setSubject('ann@example.com')
    .setScope(['a', 'b'])
    .setPropertyStore(store_());
  return [s.hasAccess(), s.getLastError() ? s.getLastError().message : null];
}
function grantAccess() {
  var s = OAuth2.createService('machine')
    .setTokenUrl('${TOKEN_URL}')
    .setGrantType('client_credentials')
    .setClientId('client-1')
    .setClientSecret('secret-1')
    .setPropertyStore(store_());
  return s.hasAccess();
}
function idTokenAccess() {
  var s = OAuth2.createService('oidc')
    .setTokenUrl('${TOKEN_URL}')
    .setClientId('client-1')
    .setClientSecret('secret-1')
    .setPropertyStore(store_());
  return [s.hasAccess(), s.getToken().access_token];
}
`;
  const b64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

  test('PKCE: an S256 challenge (Utilities.computeDigest, base64EncodeWebSafe) and the verifier in the exchange', () => {
    const seen: URLSearchParams[] = [];
    const handler = network((req) => {
      if (req.url !== TOKEN_URL) return undefined;
      seen.push(new URLSearchParams(req.body));
      return json(200, { access_token: 'at', refresh_token: 'rt', expires_in: 3600 });
    });
    const rt = runtimeWith(FLOWS, { network: handler });
    const url = new URL(rt.run<string>('pkceUrl', [], { user: USER }).value as string);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    const page = rt.userCallback(
      `${rt.redirectUri}?code=c1&state=${encodeURIComponent(url.searchParams.get('state') as string)}`,
      USER,
    );
    expect(page.html).toBe('true');
    const verifier = seen[0]?.get('code_verifier') as string;
    expect(verifier).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('code_challenge')).toBe(
      createHash('sha256').update(verifier).digest('base64url'),
    );
  });

  test('service account: a JWT signed with Utilities.computeRsaSha256Signature at the virtual time', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    let claims: Record<string, unknown> = {};
    let signatureOk = false;
    const handler = network((req) => {
      if (req.url !== TOKEN_URL) return undefined;
      const form = new URLSearchParams(req.body);
      expect(form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
      const [header, payload, signature] = (form.get('assertion') as string).split('.');
      signatureOk = verify(
        'sha256',
        Buffer.from(`${header}.${payload}`),
        publicKey,
        Buffer.from(signature as string, 'base64url'),
      );
      claims = JSON.parse(Buffer.from(payload as string, 'base64url').toString()) as Record<
        string,
        unknown
      >;
      return json(200, { access_token: 'robot-at', expires_in: 3600 });
    });
    const rt = runtimeWith(FLOWS, { network: handler });
    const now = Math.round(rt.clock.now() / 1000);
    expect(rt.run('jwtAccess', [pem], { user: USER }).value).toEqual([true, null]);
    expect(signatureOk).toBe(true);
    expect(claims).toEqual({
      iss: 'robot@example.com',
      aud: TOKEN_URL,
      sub: 'ann@example.com',
      scope: 'a b',
      iat: now,
      exp: now + 3600,
    });
    expect(rt.run('jwtAccess', ['not a key'], { user: USER }).value).toEqual([true, null]);
    rt.clock.advance(3600 * 1000);
    expect(rt.run('jwtAccess', ['not a key'], { user: USER }).value).toEqual([
      false,
      'Invalid argument: key',
    ]);
  });

  test('client_credentials: Basic authorization from Utilities.base64Encode', () => {
    const headers: Record<string, string>[] = [];
    const handler = network((req) => {
      if (req.url !== TOKEN_URL) return undefined;
      headers.push(req.headers);
      return json(200, { access_token: 'machine-at', expires_in: 3600 });
    });
    const rt = runtimeWith(FLOWS, { network: handler });
    expect(rt.run('grantAccess', [], { user: USER }).value).toBe(true);
    expect(headers[0]?.authorization).toBe(
      `Basic ${Buffer.from('client-1:secret-1').toString('base64')}`,
    );
  });

  test('an id_token that expires first (read with base64DecodeWebSafe and a Blob) makes the token expired', () => {
    let issued = 0;
    const handler = network((req) => {
      if (req.url !== TOKEN_URL) return undefined;
      issued++;
      const exp = Math.floor(rt.clock.now() / 1000) + 600;
      return json(200, {
        access_token: `at${issued}`,
        refresh_token: `rt${issued}`,
        expires_in: 3600,
        id_token: `${b64url({ alg: 'none' })}.${b64url({ sub: 'ann', exp })}.sig`,
      });
    });
    const rt = runtimeWith(FLOWS, { network: handler });
    rt.setUserProperty(
      USER,
      'oauth2.oidc',
      JSON.stringify({
        access_token: 'at0',
        refresh_token: 'rt0',
        expiresAt: Math.floor(rt.clock.now() / 1000) + 3600,
        id_token: `${b64url({ alg: 'none' })}.${b64url({ exp: Math.floor(rt.clock.now() / 1000) + 600 })}.sig`,
      }),
    );
    expect(rt.run('idTokenAccess', [], { user: USER }).value).toEqual([true, 'at0']);
    rt.clock.advance(541 * 1000);
    expect(rt.run('idTokenAccess', [], { user: USER }).value).toEqual([true, 'at1']);
  });
});
