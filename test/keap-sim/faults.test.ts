import { WireNetworkError } from '../support/wire';
import { API, bearer, call, connect, json, newSim, refresh, TENANT, V2 } from './testKit';

const userinfo = `${API}/crm/rest/v1/oauth/connect/userinfo`;

function setUp() {
  const { sim, clock } = newSim({ validateRequests: false });
  const id = sim.addContact(TENANT, { email1: 'a@x.com' });
  const tokens = connect(sim);
  return { sim, clock, id, tokens, auth: bearer(tokens.access_token) };
}

describe('injected faults', () => {
  it('answers a 5xx for the next N matching requests only', () => {
    const { sim, auth } = setUp();
    sim.inject({ kind: 'status', status: 503, route: 'contacts.list', times: 2 });
    const list = () => call(sim, 'GET', `${V2}/contacts`, auth).status;
    expect(call(sim, 'GET', userinfo, auth).status).toBe(200);
    expect([list(), list(), list()]).toEqual([503, 503, 200]);
    expect(sim.log.filter((l) => l.fault === 'fault:status')).toHaveLength(2);
  });

  it('throws WireNetworkError for a network fault, with the time it cost', () => {
    const { sim, auth } = setUp();
    sim.inject({ kind: 'network', route: 'userinfo', delayMs: 30_000, times: 1 });
    let caught: unknown;
    try {
      call(sim, 'GET', userinfo, auth);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(WireNetworkError);
    expect((caught as WireNetworkError).delayMs).toBe(30_000);
    expect(sim.log[sim.log.length - 1]).toMatchObject({ status: 0, fault: 'fault:network' });
    expect(call(sim, 'GET', userinfo, auth).status).toBe(200);
  });

  it('adds delay to a slow answer without changing it', () => {
    const { sim, id, auth } = setUp();
    sim.inject({ kind: 'slow', delayMs: 4000, route: 'contacts.get' });
    const r = call(sim, 'GET', `${V2}/contacts/${id}`, auth);
    expect(r.status).toBe(200);
    expect(r.delayMs).toBe(4000);
  });

  it('answers 401 on a valid token, and 429 with the quota body', () => {
    const { sim, auth } = setUp();
    sim.inject({ kind: 'unauthorized', route: 'userinfo', times: 1 });
    sim.inject({ kind: 'throttle', route: 'userinfo', times: 1 });
    const first = call(sim, 'GET', userinfo, auth);
    expect(first.status).toBe(401);
    expect(json<{ fault: { detail: { errorcode: string } } }>(first).fault.detail.errorcode).toBe(
      'keymanagement.service.invalid_access_token',
    );
    const second = call(sim, 'GET', userinfo, auth);
    expect(second.status).toBe(429);
    expect(json(second)).toEqual({
      code: '429',
      message: 'Quota Exceeded',
      status: 'Request Throttled',
    });
    expect(call(sim, 'GET', userinfo, auth).status).toBe(200);
  });

  it('takes the token endpoint down until cleared, without spending the refresh token', () => {
    const { sim, tokens } = setUp();
    sim.inject({ kind: 'tokenEndpointDown' });
    expect(refresh(sim, tokens.refresh_token).status).toBe(503);
    expect(refresh(sim, tokens.refresh_token).status).toBe(503);
    sim.clearFaults();
    expect(refresh(sim, tokens.refresh_token).status).toBe(200);
  });

  it('matches by predicate, e.g. one contact', () => {
    const { sim, id, auth } = setUp();
    const other = sim.addContact(TENANT, { email1: 'b@x.com' });
    sim.inject({
      kind: 'status',
      status: 500,
      when: ({ request }) => request.url.includes(`/contacts/${other}`),
    });
    expect(call(sim, 'GET', `${V2}/contacts/${id}`, auth).status).toBe(200);
    expect(call(sim, 'GET', `${V2}/contacts/${other}`, auth).status).toBe(500);
  });

  it('treats an unknown host as a DNS failure', () => {
    const { sim } = setUp();
    expect(() => call(sim, 'GET', 'https://api.example.invalid/crm/rest/v2/contacts')).toThrow(
      WireNetworkError,
    );
  });
});
