/**
 * Red team of issue #17 through the built bundle: what a person sees for a lost-access record
 * the released version stored (sentences, odd or broken ones), the connection problems' words,
 * the token kept when a property write fails, the contact PATCH, and the Keap Email Status
 * column's words. Every expected text is what the bundle built from e4d6e52 (before the
 * refactor) showed for the same scenario; both bundles were run side by side.
 */
import { TOKEN_KEY, idle, storedToken } from './support/connection';
import { sentPatches } from './support/reliability';
import { HOUR, OWNER, TENANT, World } from './world';

const LOST_KEY = 'keapSheetsSync.connection.lostAccess';
const SIGN_IN_ENDED =
  'Keap no longer accepts this connection: its Keap sign-in has ended (the add-on was removed in Keap, a password was changed, or the connection went unused for 45 days). Reconnect from the sidebar.';
const APP_REJECTED =
  "Keap no longer accepts this add-on's Keap app (client id or secret rejected). Check KEAP_CLIENT_ID and KEAP_CLIENT_SECRET, then reconnect from the sidebar.";
const KEY_REJECTED =
  'Keap no longer accepts the saved API key (it may have been revoked). Paste a new key or connect with Keap from the sidebar.';
const AFTER = 'Rows not yet synced are synced once Keap is connected again.';

interface StateLike {
  connection: { state: string; reason?: string; account?: string | null };
  authorizationUrl: string | null;
}
interface SummaryLike {
  outcome: string;
  message: string;
}

function connectedWorld(): World {
  const w = new World({ rows: [[1, 'first@example.com', '', '']] });
  w.addContact(1, 'old@example.com');
  w.connect();
  return w;
}

function released(reason: unknown): string {
  return JSON.stringify({
    reason,
    since: '2026-11-01T00:00:00.000Z',
    account: 'xy123.infusionsoft.com',
    method: 'oauth',
  });
}

/** The sidebar's card, Sync now's answer and the menu's alert, for a stored record. */
function seen(record: string) {
  const w = connectedWorld();
  w.rt.setUserProperty(OWNER, LOST_KEY, record);
  const before = w.sim.log.length;
  const state = w.run<StateLike>('getSidebarState');
  const menu = w.run('menuSyncNow');
  const sync = w.run<SummaryLike>('syncNow');
  return {
    stateError: state.error?.message,
    connection: state.value?.connection,
    connectOffered: Boolean(state.value?.authorizationUrl),
    alert: menu.ui.filter((e) => e.type === 'alert').map((e) => (e as { prompt?: string }).prompt),
    sync: sync.value && { outcome: sync.value.outcome, message: sync.value.message },
    keapCalls: w.sim.log.length - before,
  };
}

function reconnectAlert(sentence: string): string {
  return `Reconnect to Keap from the sidebar: ${sentence} ${AFTER}\n\nNothing was changed in Keap.`;
}

describe('a lost-access record of the released version', () => {
  it.each([
    ['sign-in ended', SIGN_IN_ENDED],
    ['app rejected', APP_REJECTED],
    ['API key rejected', KEY_REJECTED],
  ])('%s: the sidebar, Sync now and the menu say it as before, no call to Keap', (_, sentence) => {
    expect(seen(released(sentence))).toEqual({
      stateError: undefined,
      connection: {
        state: 'needs-reconnect',
        reason: sentence,
        account: 'xy123.infusionsoft.com',
        since: '2026-11-01T00:00:00.000Z',
      },
      connectOffered: true,
      alert: [reconnectAlert(sentence)],
      sync: { outcome: 'needs-reconnect', message: `${sentence} ${AFTER}` },
      keapCalls: 0,
    });
  });

  it.each([
    ['whitespace and a newline around it', `\n ${SIGN_IN_ENDED} \n`, SIGN_IN_ENDED],
    ['HTML in it', 'Keap said <b>no</b>\n', 'Keap said <b>no</b>.'],
  ])('with %s: its text is shown as it was, and it still says reconnect', (_, reason, said) => {
    const s = seen(released(reason));
    expect(s.stateError).toBeUndefined();
    expect(s.connection).toMatchObject({ state: 'needs-reconnect', reason });
    expect(s.sync).toEqual({ outcome: 'needs-reconnect', message: `${said} ${AFTER}` });
    expect(s.alert).toEqual([reconnectAlert(said)]);
    expect(s.keapCalls).toBe(0);
  });

  it('a 200 000-character reason does not break the sidebar', () => {
    const s = seen(released('y'.repeat(200_000)));
    expect(s.stateError).toBeUndefined();
    expect(s.connection?.state).toBe('needs-reconnect');
    expect(s.sync?.outcome).toBe('needs-reconnect');
  });

  it.each([
    ['not JSON', '{"reason":'],
    ['JSON null', 'null'],
    ['an array', JSON.stringify([{ reason: SIGN_IN_ENDED }])],
    ['a reason that is not text', released(5)],
  ])('%s: ignored as before (connected, the sync runs), nothing thrown', (_, record) => {
    const s = seen(record);
    expect(s.stateError).toBeUndefined();
    expect(s.connection?.state).toBe('connected');
    expect(s.sync?.outcome).toBe('completed');
  });

  it('a broken record while Keap has really revoked the sign-in: it says reconnect', () => {
    const w = connectedWorld();
    w.call('syncNow');
    w.rt.setUserProperty(OWNER, LOST_KEY, '{"reason":');
    w.sim.revokeRefreshTokens();
    w.sim.revokeAccessTokens();
    w.sheet().setCell(2, 2, 'second@example.com');
    expect(w.call<SummaryLike>('syncNow')).toMatchObject({
      outcome: 'needs-reconnect',
      message: `${SIGN_IN_ENDED} ${AFTER}`,
    });
    expect(w.call<StateLike>('getSidebarState').connection).toMatchObject({
      state: 'needs-reconnect',
      reason: SIGN_IN_ENDED,
    });
  });
});

describe('connection problems in words, as before', () => {
  it('not set up, one or both script properties missing', () => {
    const w = new World({ rows: [[1, 'first@example.com', '', '']], configure: false });
    expect(w.call<SummaryLike>('syncNow').message).toBe(
      `Keap is not set up for this add-on yet: the script properties KEAP_CLIENT_ID and KEAP_CLIENT_SECRET must be set by whoever installed it. ${AFTER}`,
    );
    w.rt.setScriptProperty('KEAP_CLIENT_ID', 'x');
    expect(w.call<SummaryLike>('syncNow').message).toBe(
      `Keap is not set up for this add-on yet: the script properties KEAP_CLIENT_SECRET must be set by whoever installed it. ${AFTER}`,
    );
  });

  it('not connected', () => {
    const w = new World({ rows: [[1, 'first@example.com', '', '']] });
    const menu = w.run('menuSyncNow');
    expect(
      menu.ui.filter((e) => e.type === 'alert').map((e) => (e as { prompt?: string }).prompt),
    ).toEqual([reconnectAlert('Keap is not connected. Connect from the sidebar.')]);
  });

  it('the client secret rejected at renewal', () => {
    const w = connectedWorld();
    w.call('syncNow');
    w.rt.setScriptProperty('KEAP_CLIENT_SECRET', 'wrong');
    w.sim.revokeAccessTokens();
    w.sheet().setCell(2, 2, 's@example.com');
    expect(w.call<SummaryLike>('syncNow')).toEqual(
      expect.objectContaining({ outcome: 'needs-reconnect', message: `${APP_REJECTED} ${AFTER}` }),
    );
  });

  it('the token endpoint down: a passing fault, said as before', () => {
    const w = connectedWorld();
    w.call('syncNow');
    idle(w, 25 * HOUR);
    w.sheet().setCell(2, 2, 's@example.com');
    w.sim.inject({ kind: 'tokenEndpointDown' });
    expect(w.call<SummaryLike>('syncNow')).toMatchObject({
      outcome: 'failed',
      message:
        'Keap could not renew the sign-in just now (Keap or the network had a problem); will retry next run. Rows not yet synced are tried again on the next run.',
    });
    expect(w.column('Sync Status')).toEqual([
      'Will retry: Keap could not renew the sign-in just now (Keap or the network had a problem); will retry next run.',
    ]);
  });

  it('an API key Keap no longer accepts', () => {
    const w = new World({ rows: [[1, 'first@example.com', '', '']] });
    w.addContact(1, 'old@example.com');
    w.call('saveApiKey', [w.sim.createApiKey(TENANT, 'PAT')]);
    w.sim.inject({ kind: 'unauthorized' });
    expect(w.call<SummaryLike>('syncNow')).toMatchObject({
      outcome: 'needs-reconnect',
      message: `${KEY_REJECTED} ${AFTER}`,
    });
    expect(w.call<StateLike>('getSidebarState').connection).toMatchObject({
      state: 'needs-reconnect',
      reason: KEY_REJECTED,
    });
  });
});

describe('the renewed refresh token when its property write fails', () => {
  function renewWithFailures(failures: number) {
    const w = connectedWorld();
    w.call('syncNow');
    idle(w, 25 * HOUR);
    w.sheet().setCell(2, 2, 'second@example.com');
    let left = failures;
    w.rt.faults = { failPropertyWrites: (key) => key === TOKEN_KEY && left-- > 0 };
    const first = w.call<SummaryLike>('syncNow');
    w.rt.faults = {};
    const issued = w.rt.requests.filter((r) => r.request.url.endsWith('/token')).at(-1)!;
    const rotated = (JSON.parse(issued.response!.body) as { refresh_token: string }).refresh_token;
    const kept = storedToken(w)?.refresh_token === rotated;
    idle(w, 25 * HOUR);
    w.sheet().setCell(2, 2, 'third@example.com');
    return { first: first.outcome, kept, next: w.call<SummaryLike>('syncNow').outcome };
  }

  it.each([1, 2])('failing %i time(s): retried, kept, the next day still renews', (failures) => {
    expect(renewWithFailures(failures)).toEqual({
      first: 'completed',
      kept: true,
      next: 'completed',
    });
  });

  it('failing 3 times: the tries run out and the rotated token is lost, exactly as before', () => {
    // Not a change of #17: e4d6e52 gave the same (3 tries of the write, then the run fails
    // and the next renewal is refused: the person must reconnect). Pinned so a change shows.
    expect(renewWithFailures(3)).toEqual({ first: 'failed', kept: false, next: 'needs-reconnect' });
  });
});

describe('the contact PATCH, as before', () => {
  it('EMAIL2/EMAIL3 sent back unchanged, update_mask=email_addresses', () => {
    const w = new World({
      rows: [
        [1, 'New1@Example.com ', '', ''],
        [2, 'two@example.com', '', ''],
      ],
    });
    w.addContact(1, 'old1@example.com', 'x2@example.com', 'X3@Example.com');
    w.addContact(2, 'old2@example.com', undefined, 'third@example.com');
    w.connect();
    const since = w.rt.requests.length;
    expect(w.call<SummaryLike>('syncNow').outcome).toBe('completed');
    const patches = w.rt.requests
      .slice(since)
      .filter((r) => r.request.method === 'PATCH' && /\/contacts\/\d+/.test(r.request.url))
      .map((r) => [r.request.url, r.request.body]);
    expect(patches).toEqual([
      [
        'https://api.infusionsoft.com/crm/rest/v2/contacts/1?update_mask=email_addresses',
        '{"email_addresses":[{"email":"new1@example.com","field":"EMAIL1"},{"email":"x2@example.com","field":"EMAIL2"},{"email":"X3@Example.com","field":"EMAIL3"}]}',
      ],
      [
        'https://api.infusionsoft.com/crm/rest/v2/contacts/2?update_mask=email_addresses',
        '{"email_addresses":[{"email":"two@example.com","field":"EMAIL1"},{"email":"third@example.com","field":"EMAIL3"}]}',
      ],
    ]);
    expect(sentPatches(w)).toHaveLength(2);
  });

  it('an answer with unexpected fields: extra properties ignored, slots kept', () => {
    const w = new World({ rows: [[1, 'a1@example.com', '', '']] });
    w.addContact(1, 'old1@example.com');
    w.connect();
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'contacts.list',
      times: 1,
      body: JSON.stringify({
        contacts: [
          {
            id: '1',
            given_name: 'X',
            junk: { a: 1 },
            email_addresses: [
              { email: 'old1@example.com', field: 'EMAIL1', extra: 1 },
              { email: 'z@example.com', field: 'EMAIL2' },
            ],
          },
        ],
        next_page_token: '',
      }),
    });
    expect(w.call<SummaryLike>('syncNow').outcome).toBe('completed');
    expect(sentPatches(w).map((p) => p.change)).toEqual([
      '[{"email":"a1@example.com","field":"EMAIL1"},{"email":"z@example.com","field":"EMAIL2"}]',
    ]);
  });
});

describe('the Keap Email Status column: the add-on’s old words go, a person’s note stays', () => {
  const HEAD = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason', 'Keap Email Status'];

  it('rows without an email: the released words are cleared, a note is kept', () => {
    const w = new World({
      headers: HEAD,
      keapEmailStatus: true,
      rows: [
        [1, 'a1@example.com', '', '', ''],
        [2, '', '', '', 'No consent yet'],
        [3, '', '', '', 'call Anna first'],
        [4, '', '', '', 'Opted out by this add-on on 2024-01-01'],
        [5, '', '', '', 'Opted out by this add-on on 2024-01-01 (asked by phone)'],
      ],
    });
    w.addContact(1, 'a1@example.com');
    for (const id of [2, 3, 4, 5]) w.addContact(id, `c${id}@example.com`);
    w.connect();
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual([
      'Subscribed',
      '',
      'call Anna first',
      '',
      'Opted out by this add-on on 2024-01-01 (asked by phone)',
    ]);
  });

  it('the column turned off: the add-on’s words are emptied, a note is kept', () => {
    const w = new World({
      headers: HEAD,
      keapEmailStatus: true,
      rows: [
        [1, 'a1@example.com', '', '', ''],
        [2, 'b2@example.com', '', '', ''],
      ],
    });
    w.addContact(1, 'a1@example.com');
    w.addContact(2, 'b2@example.com');
    w.connect();
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed']);
    w.sheet().setCell(3, 5, 'VIP: do not touch');
    w.call('saveSettings', [{ keapEmailStatus: false }]);
    w.sheet().setCell(2, 2, 'a1new@example.com');
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual(['', 'VIP: do not touch']);
  });
});
