/**
 * Issue "Keap connection", done when: connect, sync, 25 hours later the daily trigger syncs
 * unattended with a refreshed and rotated token; sixty days of daily runs stay connected.
 * Everything runs through the built bundle (dist/Code.js) against the Keap simulator.
 */
// The daily sync's trigger fires hourly; only firings that did work are counted.
import { worked } from './support/hourly';
import { DAY, HOUR, OWNER, World } from './world';
import {
  idle,
  refreshCalls,
  storedToken,
  tokenCalls,
  tokenExpired,
  type SummaryLike,
} from './support/connection';

function nextHour(w: World): number {
  return (new Date(w.clock.now()).getUTCHours() + 1) % 24;
}

describe.each([
  { mode: 'bound script', addOnMode: false },
  { mode: 'published add-on (no active document in triggers)', addOnMode: true },
])('a connection kept alive by the daily trigger ($mode)', ({ addOnMode }) => {
  it('connect, sync, 25 hours later the unattended daily sync refreshes with Basic auth, rotates the refresh token and syncs', () => {
    const w = new World({ rows: [[1, 'first@example.com', '', '']], runtime: { addOnMode } });
    w.addContact(1, 'old@example.com');

    expect(w.connect()).toContain('Connected to Keap');
    const exchange = tokenCalls(w);
    expect(exchange).toEqual([
      expect.objectContaining({ grantType: 'authorization_code', status: 200 }),
    ]);
    const exchangeRequest = w.rt.requests.find((r) => r.request.url.endsWith('/token'));
    expect(exchangeRequest?.request.headers['content-type']).toMatch(
      /^application\/x-www-form-urlencoded/,
    );
    const consentToken = storedToken(w);
    expect(consentToken).not.toBeNull();

    const manual = w.call<SummaryLike>('syncNow');
    expect(manual.outcome).toBe('completed');
    expect(w.emailsOf(1).EMAIL1).toBe('first@example.com');

    idle(w, 25 * HOUR);
    expect(tokenExpired(w)).toBe(true);
    // The person changes a row; nobody opens the spreadsheet again.
    w.sheet().setCell(2, 2, 'second@example.com');
    w.call('enableDailySync', [nextHour(w)]);
    const runs = worked(w.rt.advanceBy(2 * HOUR));

    expect(runs.map((r) => [r.fn, r.user, r.error?.message])).toEqual([
      ['dailySync', OWNER, undefined],
    ]);
    const [daily] = runs;
    const refreshes = refreshCalls(w);
    expect(refreshes).toHaveLength(1);
    expect(refreshes[0]).toMatchObject({ status: 200, clientAuth: 'basic' });
    expect(refreshes[0].at).toBeGreaterThanOrEqual(daily.startedAt);
    expect(refreshes[0].at).toBeLessThanOrEqual(daily.endedAt);
    const rotated = storedToken(w);
    expect(rotated?.refresh_token).not.toBe(consentToken?.refresh_token);
    expect(rotated?.access_token).not.toBe(consentToken?.access_token);
    expect(rotated!.expiresAt * 1000).toBeGreaterThan(w.clock.now() + 20 * HOUR);
    expect(w.emailsOf(1).EMAIL1).toBe('second@example.com');
    expect(w.sim.stats()).toMatchObject({ invalidGrants: 0, refreshesWithoutBasic: 0 });
    expect(w.sim.specViolations).toEqual([]);
  });
});

describe('sixty days of daily runs', () => {
  it('stays connected with one rotation a day and no invalid_grant, even with nothing to sync', () => {
    const w = new World({ rows: [[1, 'a@example.com', '', '']] });
    w.addContact(1, 'a@example.com');
    w.connect();
    w.call('enableDailySync', [nextHour(w)]);

    const refreshTokens = new Set<string>([storedToken(w)!.refresh_token]);
    let dailyRuns = 0;
    for (let day = 0; day < 60; day += 1) {
      const runs = worked(w.rt.advanceBy(DAY));
      for (const run of runs) {
        expect(run.error).toBeUndefined();
        dailyRuns += 1;
      }
      refreshTokens.add(storedToken(w)!.refresh_token);
    }

    expect(dailyRuns).toBe(60);
    const stats = w.sim.stats();
    expect(stats.invalidGrants).toBe(0);
    // The first run comes an hour after the consent (token still young); every later one renews.
    expect(stats.refreshes).toBeGreaterThanOrEqual(59);
    expect(stats.refreshes).toBeLessThanOrEqual(60);
    expect(refreshTokens.size).toBe(stats.refreshes + 1);
    expect(stats.refreshesWithoutBasic).toBe(0);
    // Nothing changed in the sheet after day one: the renewals were the only Keap traffic.
    expect(stats.byRoute['contacts.patch'] ?? 0).toBe(0);

    const state = w.call<{ connection: { state: string; method?: string } }>('getSidebarState');
    expect(state.connection).toMatchObject({ state: 'connected', method: 'oauth' });
    w.sheet().setCell(2, 2, 'b@example.com');
    expect(w.call<SummaryLike>('syncNow').outcome).toBe('completed');
    expect(w.emailsOf(1).EMAIL1).toBe('b@example.com');
  });

  it('without the daily renewal the same 60 days lose the connection (the refresh token ages out at 45 days)', () => {
    const w = new World({ rows: [[1, 'a@example.com', '', '']] });
    w.addContact(1, 'a@example.com');
    w.connect();
    idle(w, 60 * DAY);

    const summary = w.call<SummaryLike>('syncNow');
    expect(summary.outcome).toBe('needs-reconnect');
    expect(w.sim.stats().invalidGrants).toBe(1);
  });
});
