/**
 * Lost access (issue "Keap connection"): Keap stops accepting the connection (app revoked,
 * refresh token rejected). The reason is kept, the sidebar asks to reconnect with it, the menu
 * sync says so, the unattended run records the failure and e-mails the trigger owner at most
 * once a day; reconnecting clears it all.
 */
// The daily sync's trigger fires hourly; only firings that did work are counted.
import { worked } from './support/hourly';
import { DAY, HOUR, OWNER, World } from './world';
import { fireTriggerNow, refreshCalls, storedToken, type SummaryLike } from './support/connection';

const REJECTED =
  'Keap no longer accepts this connection: its Keap sign-in has ended (the add-on was removed in Keap, a password was changed, or the connection went unused for 45 days).';

interface StateLike {
  connection: { state: string; reason?: string; account?: string | null };
  authorizationUrl: string | null;
  sync: { lastRun: SummaryLike | null };
}

/** Connected, synced, daily sync on at 03:00 UTC; then Keap revokes the app. */
function revokedWorld(): World {
  const w = new World({ rows: [[1, 'first@example.com', '', '']] });
  w.addContact(1, 'old@example.com');
  w.connect();
  expect(w.call<SummaryLike>('syncNow').outcome).toBe('completed');
  w.call('enableDailySync', [3]);
  w.sim.revokeRefreshTokens();
  w.sim.revokeAccessTokens();
  // The person edits a row, so every run has something to send to Keap.
  w.sheet().setCell(2, 2, 'second@example.com');
  return w;
}

function logOutcomes(w: World): unknown[] {
  const values = w.sheet('Keap Sync Log').values();
  const outcome = values[0].indexOf('Outcome');
  return values.slice(1).map((row) => row[outcome]);
}

describe('Keap revokes the connection', () => {
  it('the daily run records the failure, keeps the reason, and the sidebar asks to reconnect with it', () => {
    const w = revokedWorld();
    const runs = worked(w.rt.advanceBy(DAY));
    expect(runs.map((r) => [r.fn, r.error?.message])).toEqual([['dailySync', undefined]]);

    // Exactly one refresh attempt: the rejection is kept, not retried again and again.
    expect(refreshCalls(w).map((c) => c.status)).toEqual([400]);
    expect(w.sim.stats().invalidGrants).toBe(1);

    const state = w.call<StateLike>('getSidebarState');
    expect(state.connection).toMatchObject({
      state: 'needs-reconnect',
      reason: expect.stringContaining(REJECTED),
      account: 'xy123.infusionsoft.com',
    });
    expect(state.authorizationUrl).toMatch(/^https:\/\/accounts\.infusionsoft\.com\//);
    expect(state.sync.lastRun).toMatchObject({ trigger: 'daily', outcome: 'needs-reconnect' });
    expect(state.sync.lastRun?.message).toContain(REJECTED);
    expect(logOutcomes(w)).toEqual(['completed', 'needs-reconnect']);
    expect(w.emailsOf(1).EMAIL1).toBe('first@example.com');
    // The dead token is not thrown away: the reason says what happened until someone reconnects.
    expect(storedToken(w)).not.toBeNull();
  });

  it('the menu’s Sync now says to reconnect and why, without calling Keap again', () => {
    const w = revokedWorld();
    w.rt.advanceBy(DAY);
    const before = w.sim.log.length;

    const menu = w.run('menuSyncNow');
    expect(menu.error).toBeUndefined();
    const alerts = menu.ui.filter((e) => e.type === 'alert');
    expect(alerts).toHaveLength(1);
    const text = JSON.stringify(alerts[0]);
    expect(text).toContain('Reconnect to Keap');
    expect(text).toContain(REJECTED);
    expect(w.sim.log).toHaveLength(before);
  });

  it('e-mails the trigger owner once, however many unattended runs fail that day, then once per day', () => {
    const w = revokedWorld();
    w.rt.advanceBy(DAY);
    expect(w.rt.mail).toHaveLength(1);
    const [mail] = w.rt.mail;
    expect(mail.to).toBe(OWNER);
    expect(mail.subject).toContain('reconnect');
    expect(mail.body).toContain(REJECTED);

    // More unattended runs the same UTC day (a continuation, a re-fired trigger).
    for (let i = 0; i < 3; i += 1) {
      w.clock.advance(HOUR);
      expect(fireTriggerNow(w).error).toBeUndefined();
    }
    expect(w.rt.mail).toHaveLength(1);

    // Three more days, one daily run each: one more e-mail per day.
    const days: string[] = [new Date(mail.at).toISOString().slice(0, 10)];
    for (let day = 0; day < 3; day += 1) {
      w.rt.advanceBy(DAY);
      expect(fireTriggerNow(w).error).toBeUndefined();
    }
    for (const m of w.rt.mail.slice(1)) days.push(new Date(m.at).toISOString().slice(0, 10));
    expect(w.rt.mail).toHaveLength(4);
    expect(new Set(days).size).toBe(4);
    expect(w.sim.stats().invalidGrants).toBe(1);
  });

  it('reconnecting clears the reason and the next run syncs again', () => {
    const w = revokedWorld();
    w.rt.advanceBy(DAY);
    expect(w.call<StateLike>('getSidebarState').connection.state).toBe('needs-reconnect');

    expect(w.connect()).toContain('Connected to Keap');
    const state = w.call<StateLike>('getSidebarState');
    expect(state.connection).toMatchObject({ state: 'connected' });
    expect(state.connection.reason).toBeUndefined();
    expect(w.call<SummaryLike>('syncNow').outcome).toBe('completed');
    expect(w.emailsOf(1).EMAIL1).toBe('second@example.com');
  });

  it('a rejected refresh in the middle of a person’s sync is reported as needing a reconnect', () => {
    const w = revokedWorld();
    w.clock.advance(25 * HOUR);
    const summary = w.call<SummaryLike>('syncNow');
    expect(summary.outcome).toBe('needs-reconnect');
    expect(summary.message).toContain(REJECTED);
    expect(w.call<StateLike>('getSidebarState').connection.state).toBe('needs-reconnect');
    // A person's own sync shows the problem on screen: no e-mail for it.
    expect(w.rt.mail).toHaveLength(0);
  });
});
