/**
 * Connection faults (issue "Reliability and security"): the token endpoint down during a
 * refresh, Keap refusing the refresh token, and a 401 on an access token that looks valid.
 * Each ends in the right final state: nothing lost, plain words, recovery on the next run.
 */
import type { Fault } from '../keap-sim';
import { HOUR, World } from './world';
import {
  apiCalls,
  fireTriggerNow,
  idle,
  refreshCalls,
  storedToken,
  TOKEN_KEY,
  tokenCalls,
  tokenExpired,
  type SummaryLike,
} from './support/connection';

interface StateLike {
  connection: { state: string; reason?: string };
  sync: { lastRun: SummaryLike | null };
}

function connectedWorld(): World {
  const w = new World({ rows: [[1, 'first@example.com', '', '']] });
  w.addContact(1, 'old@example.com');
  w.connect();
  expect(w.call<SummaryLike>('syncNow').outcome).toBe('completed');
  return w;
}

/** Words a person should never have to read. */
const TECHNICAL = /SyntaxError|JSON|<html|<!DOCTYPE|undefined|Exception|stack|\bat \w+ \(/i;

describe('the token endpoint is down when the access token must be renewed', () => {
  it.each<{ name: string; fault: Fault }>([
    { name: '503 HTML error page', fault: { kind: 'tokenEndpointDown' } },
    { name: '502 from the gateway', fault: { kind: 'status', status: 502, route: 'token' } },
    { name: 'no answer at all', fault: { kind: 'network', route: 'token' } },
  ])(
    '$name: the run fails in plain words, the refresh token is kept, the next run recovers',
    ({ fault }) => {
      const w = connectedWorld();
      w.call('enableDailySync', [3]);
      idle(w, 25 * HOUR);
      expect(tokenExpired(w)).toBe(true);
      const kept = storedToken(w)!;
      w.sheet().setCell(2, 2, 'second@example.com');
      w.sim.inject(fault);

      // The unattended run during the outage.
      expect(fireTriggerNow(w).error).toBeUndefined();
      const during = w.call<StateLike>('getSidebarState');
      expect(during.sync.lastRun).toMatchObject({ trigger: 'daily', outcome: 'failed' });
      expect(during.sync.lastRun?.message).toContain('could not renew the sign-in just now');
      expect(during.sync.lastRun?.message).not.toMatch(TECHNICAL);
      expect(during.connection.state).toBe('connected');
      expect(storedToken(w)).toEqual(kept);
      expect(w.emailsOf(1).EMAIL1).toBe('first@example.com');
      expect(w.rt.mail.map((m) => m.body).join('\n')).not.toMatch(TECHNICAL);

      // A person clicking Sync now during the outage reads the same plain words.
      const manual = w.call<SummaryLike>('syncNow');
      expect(manual.outcome).toBe('failed');
      expect(manual.message).toContain('could not renew the sign-in just now');
      expect(storedToken(w)).toEqual(kept);

      // Keap is back: the next daily run renews with the kept refresh token and syncs.
      w.sim.clearFaults();
      // The trigger that came due while nobody ran anything fires now (the runtime's catch-up).
      const next = w.rt.runDueTriggers();
      expect(next.map((r) => [r.fn, r.error])).toEqual([['dailySync', undefined]]);
      expect(refreshCalls(w).filter((c) => c.status === 200)).toHaveLength(1);
      expect(w.sim.stats().invalidGrants).toBe(0);
      expect(storedToken(w)!.refresh_token).not.toBe(kept.refresh_token);
      expect(w.emailsOf(1).EMAIL1).toBe('second@example.com');
      expect(w.call<StateLike>('getSidebarState').sync.lastRun?.outcome).toBe('completed');
    },
  );

  it('a short outage is ridden out by the daily keep-alive: the access token still has hours to live', () => {
    const w = connectedWorld();
    idle(w, 13 * HOUR);
    w.call('enableDailySync', [(new Date(w.clock.now()).getUTCHours() + 1) % 24]);
    w.sheet().setCell(2, 2, 'second@example.com');
    w.sim.inject({ kind: 'tokenEndpointDown' });
    const [run] = w.rt.advanceBy(2 * HOUR);
    expect(run.error).toBeUndefined();
    // The renewal failed, but the still-valid access token did the sync.
    // (A faulted answer is logged before Keap reads the body: the code exchange is the first call.)
    expect(tokenCalls(w).map((c) => c.status)).toEqual([200, 503]);
    expect(w.emailsOf(1).EMAIL1).toBe('second@example.com');
    expect(w.call<StateLike>('getSidebarState').connection.state).toBe('connected');
  });
});

describe('Keap refuses the refresh token (invalid_grant)', () => {
  it('the connection is marked for reconnecting with the reason, after exactly one attempt', () => {
    const w = connectedWorld();
    w.sim.revokeRefreshTokens();
    idle(w, 25 * HOUR);
    w.sheet().setCell(2, 2, 'second@example.com');

    const first = w.call<SummaryLike>('syncNow');
    expect(first.outcome).toBe('needs-reconnect');
    const state = w.call<StateLike>('getSidebarState');
    expect(state.connection.state).toBe('needs-reconnect');
    expect(state.connection.reason).toContain('its Keap sign-in has ended');
    expect(w.call<SummaryLike>('syncNow').outcome).toBe('needs-reconnect');
    expect(refreshCalls(w)).toHaveLength(1);
  });
});

describe('a 401 on an access token that looks valid', () => {
  const notToken = { when: ({ route }: { route: string }) => route !== 'token' };

  it('one Keap hiccup: one safe refresh, one retry, and the sync completes with the new token', () => {
    const w = connectedWorld();
    const before = storedToken(w)!;
    w.sheet().setCell(2, 2, 'second@example.com');
    w.sim.inject({ kind: 'unauthorized', times: 1, ...notToken });

    const summary = w.call<SummaryLike>('syncNow');
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 1 });
    expect(w.emailsOf(1).EMAIL1).toBe('second@example.com');
    expect(refreshCalls(w).map((c) => [c.status, c.clientAuth])).toEqual([[200, 'basic']]);
    const after = storedToken(w)!;
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(w.call<StateLike>('getSidebarState').connection.state).toBe('connected');
  });

  it('Keap revoked the access token (not the refresh token): renewed once, then every request works', () => {
    const w = connectedWorld();
    w.sim.revokeAccessTokens();
    w.sheet().setCell(2, 2, 'second@example.com');
    expect(w.call<SummaryLike>('syncNow').outcome).toBe('completed');
    expect(w.call<SummaryLike>('previewSync')).toBeDefined();
    expect(refreshCalls(w)).toHaveLength(1);
    expect(w.emailsOf(1).EMAIL1).toBe('second@example.com');
  });

  it('Keap keeps refusing: one refresh, one retry, then a plain stop, not a loop', () => {
    const w = connectedWorld();
    w.sheet().setCell(2, 2, 'second@example.com');
    const apiBefore = apiCalls(w).length;
    w.sim.inject({ kind: 'unauthorized', ...notToken });

    const summary = w.call<SummaryLike>('syncNow');
    expect(summary.outcome).toBe('needs-reconnect');
    expect(summary.message).toContain('Keap refused the access token even right after renewing it');
    expect(refreshCalls(w)).toHaveLength(1);
    expect(apiCalls(w).length - apiBefore).toBe(2);
    expect(w.sim.stats().invalidGrants).toBe(0);
    expect(w.emailsOf(1).EMAIL1).toBe('first@example.com');

    // Keap recovers: the next sync works with the renewed token, no reconnect needed.
    w.sim.clearFaults();
    expect(w.call<SummaryLike>('syncNow').outcome).toBe('completed');
    expect(refreshCalls(w)).toHaveLength(1);
  });
});

describe('the property store fails while the renewed token is saved', () => {
  it('a passing server error on the write is retried: the rotated refresh token is not lost', () => {
    const w = connectedWorld();
    idle(w, 25 * HOUR);
    w.sheet().setCell(2, 2, 'second@example.com');
    let failures = 0;
    w.rt.faults = {
      failPropertyWrites: (key) => key === TOKEN_KEY && failures++ < 2,
    };

    expect(w.call<SummaryLike>('syncNow').outcome).toBe('completed');
    expect(failures).toBeGreaterThanOrEqual(2);
    w.rt.faults = {};
    const issued = w.rt.requests.filter((r) => r.request.url.endsWith('/token')).at(-1)!;
    const answer = JSON.parse(issued.response!.body) as { refresh_token: string };
    expect(storedToken(w)!.refresh_token).toBe(answer.refresh_token);

    // The saved token renews again a day later.
    idle(w, 25 * HOUR);
    w.sheet().setCell(2, 2, 'third@example.com');
    expect(w.call<SummaryLike>('syncNow').outcome).toBe('completed');
    expect(w.sim.stats()).toMatchObject({ refreshes: 2, invalidGrants: 0 });
  });
});
