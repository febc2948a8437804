/**
 * Keap revokes the connection while the sheet has nothing left to sync: the daily run still
 * says that Keap needs a person (log row, last run, one e-mail), and so does the menu's
 * Sync now, without a single request to Keap.
 */
// The daily sync's trigger fires hourly; only firings that did work are counted.
import { worked } from './support/hourly';
import { DAY, OWNER, World } from './world';
import type { Summary } from './support/sync';

const REJECTED =
  'Keap no longer accepts this connection: its Keap sign-in has ended (the add-on was removed in Keap, a password was changed, or the connection went unused for 45 days).';

function logOutcomes(w: World): unknown[] {
  const values = w.sheet('Keap Sync Log').values();
  const outcome = values[0].indexOf('Outcome');
  return values.slice(1).map((row) => row[outcome]);
}

describe('a lost connection with nothing to sync', () => {
  it('the daily run and the menu report a reconnect, not a finished sync', () => {
    const w = new World({ rows: [[1, 'first@example.com', '', '']] });
    w.addContact(1, 'old@example.com');
    w.connect();
    expect(w.call<Summary>('syncNow').outcome).toBe('completed');
    w.call('enableDailySync', [3]);
    w.sim.revokeRefreshTokens();
    w.sim.revokeAccessTokens();

    const runs = worked(w.rt.advanceBy(DAY));
    expect(runs.map((r) => [r.fn, r.error?.message])).toEqual([['dailySync', undefined]]);
    expect(logOutcomes(w)).toEqual(['completed', 'needs-reconnect']);
    const lastRun = w.call<{ lastRun: Summary | null }>('getSyncStatus').lastRun;
    expect(lastRun).toMatchObject({ trigger: 'daily', outcome: 'needs-reconnect' });
    expect(lastRun?.message).toBe(
      `${REJECTED} Reconnect from the sidebar. Rows not yet synced are synced once Keap is connected again.`,
    );
    expect(w.rt.mail.map((m) => m.to)).toEqual([OWNER]);
    expect(w.rt.mail[0].body).toContain(REJECTED);

    const requests = w.sim.log.length;
    const menu = w.run('menuSyncNow');
    expect(menu.error).toBeUndefined();
    const alerts = menu.ui.filter((e) => e.type === 'alert').map((e) => JSON.stringify(e));
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toContain('Reconnect to Keap');
    expect(alerts[0]).not.toMatch(/The sync finished/);
    expect(w.sim.log).toHaveLength(requests);
    expect(logOutcomes(w)).toEqual(['completed', 'needs-reconnect', 'needs-reconnect']);
  });
});
