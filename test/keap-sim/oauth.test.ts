import {
  API,
  authorizeQuery,
  bearer,
  call,
  CLIENT,
  connect,
  exchangeCode,
  FORM,
  json,
  newSim,
  refresh,
  TENANT,
  V2,
  type Tokens,
} from './testKit';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const userinfo = `${API}/crm/rest/v1/oauth/connect/userinfo`;

describe('authorize', () => {
  it('redirects an approval with a code and the state, and a denial with access_denied', () => {
    const { sim } = newSim();
    const approved = new URL(
      sim.authorize(authorizeQuery('abc'), { approve: true, tenant: TENANT }),
    );
    expect(`${approved.origin}${approved.pathname}`).toBe(CLIENT.redirectUris[0]);
    expect(approved.searchParams.get('code')).toMatch(/\S{10,}/);
    expect(approved.searchParams.get('state')).toBe('abc');

    const denied = new URL(
      sim.authorize(authorizeQuery('abc'), { approve: false, tenant: TENANT }),
    );
    expect(denied.searchParams.get('error')).toBe('access_denied');
    expect(denied.searchParams.get('state')).toBe('abc');
    expect(denied.searchParams.has('code')).toBe(false);
  });

  it('refuses unknown clients and unregistered redirect URIs without redirecting', () => {
    const { sim } = newSim();
    expect(() =>
      sim.authorize({ ...authorizeQuery(), client_id: 'nope' }, { approve: true, tenant: TENANT }),
    ).toThrow(/client_id/);
    expect(() =>
      sim.authorize(
        { ...authorizeQuery(), redirect_uri: 'https://evil.example/cb' },
        { approve: true, tenant: TENANT },
      ),
    ).toThrow(/redirect_uri/);
    const wrongType = new URL(
      sim.authorize(
        { ...authorizeQuery(), response_type: 'token' },
        { approve: true, tenant: TENANT },
      ),
    );
    expect(wrongType.searchParams.get('error')).toBe('unsupported_response_type');
  });

  it('serves a consent page whose Allow form redirects with a code that works', () => {
    const { sim } = newSim();
    const q = new URLSearchParams(authorizeQuery('s1')).toString();
    const page = call(sim, 'GET', `https://accounts.infusionsoft.com/app/oauth/authorize?${q}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('value="allow"');
    expect(page.body).toContain(`name="state" value="s1"`);

    const form = new URLSearchParams({
      ...authorizeQuery('s1'),
      keap_sim_tenant: TENANT,
      keap_sim_decision: 'allow',
    });
    const posted = call(
      sim,
      'POST',
      'https://accounts.infusionsoft.com/app/oauth/authorize',
      FORM,
      form.toString(),
    );
    expect(posted.status).toBe(302);
    const location = new URL(posted.headers.location);
    expect(location.searchParams.get('state')).toBe('s1');
    expect(exchangeCode(sim, location.searchParams.get('code') as string).status).toBe(200);
  });

  it('shows an error page, not a redirect, for an unregistered redirect URI', () => {
    const { sim } = newSim();
    const q = new URLSearchParams({
      ...authorizeQuery(),
      redirect_uri: 'https://evil.example/cb',
    }).toString();
    const page = call(sim, 'GET', `https://signin.infusionsoft.com/app/oauth/authorize?${q}`);
    expect(page.status).toBe(400);
    expect(page.headers.location).toBeUndefined();
  });
});

describe('token endpoint: authorization_code', () => {
  it('answers the documented token shape with the tenant in scope', () => {
    const { sim } = newSim();
    const tokens = connect(sim);
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.expires_in).toBe(86400);
    expect(tokens.scope).toBe(`full|${TENANT}.infusionsoft.com`);
    expect(tokens.refresh_token).not.toBe(tokens.access_token);
  });

  it('accepts a code once only', () => {
    const { sim } = newSim();
    const code = new URL(
      sim.authorize(authorizeQuery(), { approve: true, tenant: TENANT }),
    ).searchParams.get('code') as string;
    expect(exchangeCode(sim, code).status).toBe(200);
    const again = exchangeCode(sim, code);
    expect(again.status).toBe(400);
    expect(json(again).error).toBe('invalid_grant');
  });

  it('rejects a code after 10 minutes and a mismatched redirect_uri', () => {
    const { sim, clock } = newSim();
    const codeOf = (): string =>
      new URL(sim.authorize(authorizeQuery(), { approve: true, tenant: TENANT })).searchParams.get(
        'code',
      ) as string;
    const late = codeOf();
    clock.advance(10 * 60_000 + 1);
    expect(json(exchangeCode(sim, late)).error).toBe('invalid_grant');
    const other = codeOf();
    expect(json(exchangeCode(sim, other, 'https://script.google.com/other')).error).toBe(
      'invalid_grant',
    );
    expect(sim.stats().invalidGrants).toBe(2);
  });

  it('rejects a JSON body as Keap does', () => {
    const { sim } = newSim();
    const r = call(
      sim,
      'POST',
      `${API}/token`,
      { 'content-type': 'application/json' },
      JSON.stringify({ grant_type: 'refresh_token', refresh_token: 'x' }),
    );
    expect(r.status).toBe(400);
    expect(json(r)).toEqual({
      error: 'invalid_request',
      error_description: 'response_type or grant_type is required',
    });
  });

  it('rejects a wrong client secret', () => {
    const { sim } = newSim();
    const tokens = connect(sim);
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token,
    }).toString();
    const wrong = `Basic ${Buffer.from(`${CLIENT.clientId}:bad`).toString('base64')}`;
    const r = call(sim, 'POST', `${API}/token`, { ...FORM, authorization: wrong }, body);
    expect(r.status).toBe(401);
    expect(json(r).error).toBe('invalid_client');
  });
});

describe('token endpoint: refresh_token rotation', () => {
  it('issues a new refresh token and kills the old one', () => {
    const { sim } = newSim();
    const first = connect(sim);
    const second = refresh(sim, first.refresh_token);
    expect(second.status).toBe(200);
    const rotated = json<Tokens>(second);
    expect(rotated.refresh_token).not.toBe(first.refresh_token);

    const reuse = refresh(sim, first.refresh_token);
    expect(reuse.status).toBe(400);
    expect(json(reuse)).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid refresh token',
    });
    expect(refresh(sim, rotated.refresh_token).status).toBe(200);
    expect(sim.stats()).toMatchObject({ refreshes: 2, invalidGrants: 1 });
  });

  it('lets only one of two executions refreshing with the same token succeed', () => {
    const { sim } = newSim();
    const t = connect(sim);
    const statuses = [refresh(sim, t.refresh_token).status, refresh(sim, t.refresh_token).status];
    expect(statuses.sort()).toEqual([200, 400]);
  });

  it('records whether the client authenticated with Basic or body credentials', () => {
    const { sim } = newSim();
    const t = connect(sim);
    const body = new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: t.refresh_token,
      client_id: CLIENT.clientId,
      client_secret: CLIENT.clientSecret,
    }).toString();
    expect(call(sim, 'POST', `${API}/token`, FORM, body).status).toBe(200);
    const last = sim.log[sim.log.length - 1];
    expect(last).toMatchObject({ route: 'token', clientAuth: 'body', grantType: 'refresh_token' });
    expect(sim.stats().refreshesWithoutBasic).toBe(1);
  });

  it('expires refresh tokens after 45 days', () => {
    const { sim, clock } = newSim();
    const t = connect(sim);
    clock.advance(45 * DAY);
    expect(json(refresh(sim, t.refresh_token)).error).toBe('invalid_grant');
  });

  it('kills every refresh token of a client on revokeRefreshTokens', () => {
    const { sim } = newSim();
    const t = connect(sim);
    sim.revokeRefreshTokens(CLIENT.clientId);
    expect(json(refresh(sim, t.refresh_token)).error).toBe('invalid_grant');
  });
});

describe('access tokens on API calls', () => {
  it('work for 24 hours, then answer 401 access_token_expired', () => {
    const { sim, clock } = newSim();
    const t = connect(sim);
    clock.advance(24 * HOUR - 1);
    expect(call(sim, 'GET', userinfo, bearer(t.access_token)).status).toBe(200);
    clock.advance(1);
    const r = call(sim, 'GET', userinfo, bearer(t.access_token));
    expect(r.status).toBe(401);
    expect(json(r)).toEqual({
      fault: {
        faultstring: 'Access Token expired',
        detail: { errorcode: 'keymanagement.service.access_token_expired' },
      },
    });
  });

  it('answer 401 invalid_access_token once revoked, and for unknown or missing tokens', () => {
    const { sim } = newSim();
    const t = connect(sim);
    sim.revokeAccessTokens();
    for (const headers of [bearer(t.access_token), bearer('made-up'), {}]) {
      const r = call(sim, 'GET', `${V2}/contacts`, headers);
      expect(r.status).toBe(401);
      expect(json<{ fault: { detail: { errorcode: string } } }>(r).fault.detail.errorcode).toBe(
        'keymanagement.service.invalid_access_token',
      );
    }
  });

  it('stay valid after a refresh until they expire', () => {
    const { sim } = newSim();
    const t = connect(sim);
    refresh(sim, t.refresh_token);
    expect(call(sim, 'GET', userinfo, bearer(t.access_token)).status).toBe(200);
  });

  it('identify the tenant in userinfo (v1 and v2)', () => {
    const { sim } = newSim();
    sim.addTenant('ab999');
    const t = connect(sim, 'ab999');
    const v1 = json(call(sim, 'GET', userinfo, bearer(t.access_token)));
    expect(v1.email).toBe('owner@ab999.example.com');
    const v2 = json(call(sim, 'GET', `${V2}/oauth/connect/userinfo`, bearer(t.access_token)));
    expect(v2.tenant_id).toBe('ab999');
  });
});
