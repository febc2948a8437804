import type { WireResponse } from '../support/wire';
import { API, bearer, call, CLIENT, connect, json, newSim, TENANT, V2 } from './testKit';

const userinfo = `${API}/crm/rest/v1/oauth/connect/userinfo`;

function burst(send: () => WireResponse, n: number): number[] {
  return Array.from({ length: n }, () => send().status);
}

describe('OAuth client throttle (per client id)', () => {
  it('refuses the request over the per-minute limit with the Keap 429 body, then recovers as the minute rolls', () => {
    const { sim, clock } = newSim({ limits: { clientPerMinute: 5 } });
    const token = connect(sim).access_token;
    const send = () => call(sim, 'GET', userinfo, bearer(token));
    expect(burst(send, 3)).toEqual([200, 200, 200]);
    clock.advance(30_000);
    const fourth = send();
    expect(fourth.headers['x-keap-product-throttle-available']).toBe('1');
    expect(fourth.headers['x-keap-product-throttle-used']).toBe('4');
    expect(fourth.headers['x-keap-product-throttle-limit']).toBe('5');
    expect(fourth.headers['x-keap-product-throttle-time-unit']).toBe('minute');
    expect(send().status).toBe(200);
    const refused = send();
    expect(refused.status).toBe(429);
    expect(json(refused)).toEqual({
      code: '429',
      message: 'Quota Exceeded',
      status: 'Request Throttled',
    });
    expect(refused.headers['x-keap-product-throttle-available']).toBe('0');
    // A rolling minute: the first three fall out 60 s after they were made, the last two later.
    clock.advance(30_001);
    expect(burst(send, 4)).toEqual([200, 200, 200, 429]);
    expect(sim.stats().throttled).toBe(2);
  });

  it('counts one client across every Keap account it serves', () => {
    const { sim } = newSim({ limits: { clientPerMinute: 2 } });
    sim.addTenant('ab999');
    const a = connect(sim).access_token;
    const b = connect(sim, 'ab999').access_token;
    expect(call(sim, 'GET', userinfo, bearer(a)).status).toBe(200);
    expect(call(sim, 'GET', userinfo, bearer(b)).status).toBe(200);
    expect(call(sim, 'GET', userinfo, bearer(b)).status).toBe(429);
  });

  it('resets the daily quota at 00:00 UTC and says when in expiry-time', () => {
    const { sim, clock } = newSim({ limits: { clientPerDay: 3 } });
    clock.set(Date.UTC(2026, 4, 1, 23, 58, 0));
    const token = connect(sim).access_token;
    const send = () => call(sim, 'GET', userinfo, bearer(token));
    const first = send();
    expect(first.headers['x-keap-product-quota-expiry-time']).toBe(String(Date.UTC(2026, 4, 2)));
    expect(first.headers['x-keap-product-quota-available']).toBe('2');
    expect(burst(send, 3)).toEqual([200, 200, 429]);
    clock.set(Date.UTC(2026, 4, 2, 0, 0, 0));
    expect(send().status).toBe(200);
  });

  it('refuses spikes above the per-second spike limit', () => {
    const { sim, clock } = newSim({ spikeLimitPerSecond: 3 });
    const token = connect(sim).access_token;
    clock.advance(5000); // the token exchange is outside the burst measured below
    const send = () => call(sim, 'GET', userinfo, bearer(token));
    expect(burst(send, 4)).toEqual([200, 200, 200, 429]);
    clock.advance(1000);
    expect(send().status).toBe(200);
    expect(sim.stats().maxPerSecond).toBe(4);
  });

  it('allows 25 in one second by default and refuses the 26th', () => {
    const { sim } = newSim();
    const token = connect(sim).access_token;
    const statuses = burst(() => call(sim, 'GET', userinfo, bearer(token)), 26);
    expect(statuses.filter((s) => s === 200)).toHaveLength(25);
    expect(statuses[25]).toBe(429);
  });
});

describe('API key throttle (PAT / SAK)', () => {
  it('allows 10 per second per key by default', () => {
    const { sim, clock } = newSim();
    const key = sim.createApiKey(TENANT, 'PAT');
    const send = () => call(sim, 'GET', userinfo, { 'x-keap-api-key': key });
    expect(burst(send, 11).filter((s) => s === 429)).toHaveLength(1);
    clock.advance(1000);
    expect(send().status).toBe(200);
  });

  it('applies the per-minute key limit in the product-throttle headers', () => {
    const { sim, clock } = newSim({ limits: { keyPerMinute: 3 } });
    const key = sim.createApiKey(TENANT, 'SAK');
    expect(key.startsWith('KeapAK')).toBe(true);
    const send = () => {
      clock.advance(200);
      return call(sim, 'GET', userinfo, { 'x-keap-api-key': key });
    };
    const statuses = burst(send, 4);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(send().headers['x-keap-product-throttle-limit']).toBe('3');
  });
});

describe('tenant throttle (per Keap account, any credential)', () => {
  it('adds up OAuth and key traffic to one account and leaves other accounts alone', () => {
    const { sim } = newSim({ limits: { tenantPerMinute: 3 } });
    sim.addTenant('ab999');
    const token = connect(sim).access_token;
    const key = sim.createApiKey(TENANT, 'PAT');
    expect(call(sim, 'GET', userinfo, bearer(token)).status).toBe(200);
    expect(call(sim, 'GET', userinfo, { 'x-keap-api-key': key }).status).toBe(200);
    const third = call(sim, 'GET', userinfo, bearer(token));
    expect(third.headers['x-keap-tenant-throttle-used']).toBe('3');
    expect(third.headers['x-keap-tenant-throttle-available']).toBe('0');
    expect(call(sim, 'GET', userinfo, { 'x-keap-api-key': key }).status).toBe(429);
    const other = connect(sim, 'ab999').access_token;
    expect(call(sim, 'GET', userinfo, bearer(other)).status).toBe(200);
  });
});

describe('daily quota (per client id, per API key)', () => {
  const contacts = `${V2}/contacts?filter=ids%3D%3D1&fields=email_addresses`;

  it('sends the quota headers on every REST answer: a success, a refusal of the request, XML-RPC', () => {
    const { sim, clock } = newSim({ limits: { clientPerDay: 10 } });
    clock.set(Date.UTC(2026, 4, 1, 15, 0, 0));
    const token = connect(sim).access_token;
    const answers = [
      call(sim, 'GET', contacts, bearer(token)),
      call(sim, 'GET', `${V2}/contacts/999999`, bearer(token)),
      call(
        sim,
        'POST',
        `${API}/crm/xmlrpc/v1`,
        { ...bearer(token), 'content-type': 'text/xml' },
        '',
      ),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 200]);
    answers.forEach((answer, i) => {
      expect(answer.headers).toMatchObject({
        'x-keap-product-quota-limit': '10',
        'x-keap-product-quota-time-unit': 'day',
        'x-keap-product-quota-interval': '1',
        'x-keap-product-quota-used': String(i + 1),
        'x-keap-product-quota-available': String(10 - i - 1),
        'x-keap-product-quota-expiry-time': String(Date.UTC(2026, 4, 2)),
      });
    });
  });

  it('refuses once spent with the 429 body and quota headers saying none is left, counting no refusal', () => {
    const { sim } = newSim({ limits: { clientPerDay: 2 } });
    const token = connect(sim).access_token;
    const send = () => call(sim, 'GET', contacts, bearer(token));
    expect(burst(send, 2)).toEqual([200, 200]);
    const refused = send();
    expect(refused.status).toBe(429);
    expect(json(refused)).toEqual({
      code: '429',
      message: 'Quota Exceeded',
      status: 'Request Throttled',
    });
    expect(refused.headers['x-keap-product-quota-available']).toBe('0');
    expect(refused.headers['x-keap-product-quota-used']).toBe('2');
    expect(send().headers['x-keap-product-quota-used']).toBe('2');
    expect(sim.stats()).toMatchObject({ throttled: 2, quotaRefusals: 2 });
    expect(sim.log.filter((e) => e.throttled).map((e) => e.refusedBy)).toEqual(['day', 'day']);
  });

  it('is spent for every user of the client id when someone else uses it up, until 00:00 UTC', () => {
    const { sim, clock } = newSim({ limits: { clientPerDay: 100 } });
    sim.registerClient({ ...CLIENT, clientId: 'other-app' });
    clock.set(Date.UTC(2026, 4, 1, 20, 0, 0));
    const token = connect(sim).access_token;
    sim.spendDailyQuota({ clientId: CLIENT.clientId }, 40);
    expect(sim.dailyQuotaLeft({ clientId: CLIENT.clientId })).toBe(60);
    expect(
      call(sim, 'GET', contacts, bearer(token)).headers['x-keap-product-quota-available'],
    ).toBe('59');
    sim.spendDailyQuota({ clientId: CLIENT.clientId });
    expect(call(sim, 'GET', contacts, bearer(token)).status).toBe(429);
    clock.set(Date.UTC(2026, 4, 1, 23, 59, 59));
    expect(call(sim, 'GET', contacts, bearer(token)).status).toBe(429);
    clock.set(Date.UTC(2026, 4, 2, 0, 0, 0));
    const next = call(sim, 'GET', contacts, bearer(token));
    expect(next.status).toBe(200);
    expect(next.headers['x-keap-product-quota-used']).toBe('1');
    expect(next.headers['x-keap-product-quota-expiry-time']).toBe(String(Date.UTC(2026, 4, 3)));
  });

  it('counts each API key on its own daily quota, apart from the OAuth client', () => {
    const { sim, clock } = newSim({ limits: { keyPerDay: 2 } });
    clock.set(Date.UTC(2026, 4, 1, 12, 0, 0));
    const pat = sim.createApiKey(TENANT, 'PAT');
    const sak = sim.createApiKey(TENANT, 'SAK');
    const token = connect(sim).access_token;
    const send = (key: string) => {
      clock.advance(1000);
      return call(sim, 'GET', contacts, { 'x-keap-api-key': key });
    };
    expect([send(pat), send(pat), send(pat)].map((r) => r.status)).toEqual([200, 200, 429]);
    const other = send(sak);
    expect(other.status).toBe(200);
    expect(other.headers['x-keap-product-quota-limit']).toBe('2');
    expect(other.headers['x-keap-product-quota-available']).toBe('1');
    expect(call(sim, 'GET', contacts, bearer(token)).status).toBe(200);
    sim.spendDailyQuota({ apiKey: sak });
    expect(send(sak).status).toBe(429);
    clock.set(Date.UTC(2026, 4, 2, 0, 0, 1));
    expect([send(pat).status, send(sak).status]).toEqual([200, 200]);
  });
});
