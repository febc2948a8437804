import type { WireRequest } from '../support/wire';
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

describe('the OAuth2 library stand-in', () => {
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
