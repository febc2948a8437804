import type { ConnectionStatus } from '../../../src/connection/status';
import { composeSidebarState } from '../../../src/ui/sidebarState';
import { AUTHORIZATION_URL, CONNECTIONS, dailyOn, summary, syncStatus } from './fixtures';

function urlCounter() {
  let calls = 0;
  return {
    build: () => `${AUTHORIZATION_URL}&n=${++calls}`,
    calls: () => calls,
  };
}

describe('composeSidebarState', () => {
  it.each([['connected'], ['setupNeeded']] as const)(
    'offers no consent link when %s, and mints no state token for it',
    (name) => {
      const urls = urlCounter();
      const state = composeSidebarState({
        connection: CONNECTIONS[name],
        sync: syncStatus(),
        buildAuthorizationUrl: urls.build,
      });
      expect(state.authorizationUrl).toBeNull();
      expect(urls.calls()).toBe(0);
    },
  );

  it.each([['notConnected'], ['needsReconnect']] as const)(
    'offers a fresh consent link on every call when %s',
    (name) => {
      const urls = urlCounter();
      const sources = {
        connection: CONNECTIONS[name],
        sync: syncStatus(),
        buildAuthorizationUrl: urls.build,
      };
      const first = composeSidebarState(sources).authorizationUrl;
      const second = composeSidebarState(sources).authorizationUrl;
      expect(first).toMatch(/^https:\/\/accounts\.infusionsoft\.com\//);
      expect(second).not.toBe(first);
      expect(urls.calls()).toBe(2);
    },
  );

  it('still loads when Keap sign-in is not set up: no consent link, the rest as usual', () => {
    const sync = syncStatus({ lastRun: summary() });
    const state = composeSidebarState({
      connection: CONNECTIONS.needsReconnect,
      sync,
      buildAuthorizationUrl: () => null,
    });
    expect(state.authorizationUrl).toBeNull();
    expect(state.connection).toEqual(CONNECTIONS.needsReconnect);
    expect(state.sync).toEqual({ ...sync, interrupted: null, notices: [], paused: null });
  });

  it('passes what the sidebar shows: connection, daily sync, last run and settings', () => {
    const sync = syncStatus({ daily: dailyOn(7), lastRun: summary(), running: true });
    const state = composeSidebarState({
      connection: CONNECTIONS.connected,
      sync,
      buildAuthorizationUrl: () => AUTHORIZATION_URL,
    });
    expect(state.connection).toEqual(CONNECTIONS.connected);
    expect(state.sync).toEqual({ ...sync, interrupted: null, notices: [], paused: null });
  });

  it('drops fields nobody asked for, so a token or secret riding along never reaches the browser', () => {
    const secrets = ['ya29.ACCESS-SECRET', 'REFRESH-SECRET', 'CLIENT-SECRET', 'KeapAK-SECRET'];
    const connection = {
      ...CONNECTIONS.connected,
      accessToken: secrets[0],
      token: { refresh_token: secrets[1] },
      clientSecret: secrets[2],
    } as ConnectionStatus;
    const sync = syncStatus({ lastRun: { ...summary(), apiKey: secrets[3] } as never });
    (sync.daily as unknown as Record<string, unknown>).token = secrets[0];
    (sync.settings as unknown as Record<string, unknown>).clientSecret = secrets[2];

    const json = JSON.stringify(
      composeSidebarState({ connection, sync, buildAuthorizationUrl: () => AUTHORIZATION_URL }),
    );
    for (const secret of secrets) expect(json).not.toContain(secret);
  });

  it('hides token-shaped text inside the reason and the last run message', () => {
    const state = composeSidebarState({
      connection: {
        ...CONNECTIONS.needsReconnect,
        reason: 'Keap said invalid_grant for refresh_token=rt-123456 (client_secret=cs-98765)',
      },
      sync: syncStatus({
        lastRun: summary({ message: 'Request failed, header Authorization: Bearer at-abcdef' }),
      }),
      buildAuthorizationUrl: () => AUTHORIZATION_URL,
    });
    const json = JSON.stringify(state);
    for (const secret of ['rt-123456', 'cs-98765', 'at-abcdef']) expect(json).not.toContain(secret);
    expect(state.connection.state === 'needs-reconnect' && state.connection.reason).toContain(
      'Keap said invalid_grant',
    );
  });

  it('is plain JSON: Dates become ISO strings and the value survives google.script.run unchanged', () => {
    const since = new Date('2026-04-28T14:03:00.000Z');
    const state = composeSidebarState({
      connection: { ...CONNECTIONS.connected, connectedSince: since as unknown as string },
      sync: syncStatus({
        daily: {
          ...dailyOn(6),
          nextRunAfter: new Date('2026-05-06T04:00:00Z') as unknown as string,
        },
      }),
      buildAuthorizationUrl: () => AUTHORIZATION_URL,
    });
    expect(state.connection.state === 'connected' && state.connection.connectedSince).toBe(
      '2026-04-28T14:03:00.000Z',
    );
    expect(state.sync.daily.nextRunAfter).toBe('2026-05-06T04:00:00.000Z');
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });
});

describe('composeSidebarState: what the sidebar says about the daily sync', () => {
  it('says when a lost trigger was put back', () => {
    const sync = syncStatus({ daily: { ...dailyOn(7), repaired: true } });
    const state = composeSidebarState({
      connection: CONNECTIONS.connected,
      sync,
      buildAuthorizationUrl: () => null,
    });
    expect(state.sync.notices).toEqual(['The daily sync had lost its trigger; it was put back.']);
  });

  it('tells the starter of an interrupted run, and others without naming anyone', () => {
    const build = (byYou: boolean) =>
      composeSidebarState({
        connection: CONNECTIONS.connected,
        sync: syncStatus({
          daily: { enabled: false, hour: null, timeZone: 'UTC', nextRunAfter: null, owner: null },
          interrupted: { byYou, startedBy: 'ann@x.com', continuesAt: '2026-05-05T07:12:00.000Z' },
        }),
        buildAuthorizationUrl: () => null,
      }).sync.notices;
    expect(build(true)).toEqual([
      'Your last sync was interrupted; it continues at the next run (about 07:12 AM).',
    ]);
    expect(build(false)).toEqual([
      'A sync of this spreadsheet was interrupted; it continues at the next run (about 07:12 AM).',
    ]);
  });

  it("says a run waits for Keap's daily limit, and when it continues (spreadsheet time)", () => {
    const state = composeSidebarState({
      connection: CONNECTIONS.connected,
      sync: syncStatus({
        daily: { ...dailyOn(), timeZone: 'America/New_York' },
        lastRun: {
          ...summary(),
          outcome: 'daily-limit',
          message: "Keap's daily request limit for this add-on was reached.",
          continuesAt: new Date(Date.UTC(2026, 4, 6)) as unknown as string,
        },
        waitingForKeapUntil: '2026-05-06T00:00:00.000Z',
      }),
      buildAuthorizationUrl: () => null,
    });
    expect(state.sync.notices).toEqual([
      "Keap's daily request limit for this add-on was reached, so the sync paused. It continues after 08:00 PM (12:00 AM UTC), when Keap resets the limit; nothing needs doing.",
    ]);
    expect(state.sync.waitingForKeapUntil).toBe('2026-05-06T00:00:00.000Z');
    // A Date cannot cross google.script.run: the continuation time travels as ISO text.
    expect(state.sync.lastRun).toMatchObject({
      outcome: 'daily-limit',
      continuesAt: '2026-05-06T00:00:00.000Z',
    });
  });

  it('promises no continuation when nothing will continue the waiting run', () => {
    const state = (disconnected: boolean) =>
      composeSidebarState({
        connection: CONNECTIONS.connected,
        sync: syncStatus({
          daily: { ...dailyOn(), timeZone: 'America/New_York' },
          waitingForKeapUntil: null,
          waitingForKeapStalled: { until: '2026-05-06T00:00:00.000Z', disconnected },
        }),
        buildAuthorizationUrl: () => null,
      }).sync;
    expect(state(true).notices).toEqual([
      "Keap's daily request limit for this add-on was reached, so the sync paused. Keap is disconnected now, so it does not continue by itself: connect to Keap again, and it continues after 08:00 PM (12:00 AM UTC).",
    ]);
    expect(state(false).notices).toEqual([
      "Keap's daily request limit for this add-on was reached, so the sync paused, and no trigger is set to continue it. Sync again after 08:00 PM (12:00 AM UTC) to finish it.",
    ]);
    expect(state(true)).not.toHaveProperty('waitingForKeapUntil');
  });

  it('says nothing of the daily limit when no run waits for it', () => {
    const state = composeSidebarState({
      connection: CONNECTIONS.connected,
      sync: syncStatus({ waitingForKeapUntil: null }),
      buildAuthorizationUrl: () => null,
    });
    expect(state.sync.notices).toEqual([]);
    expect(state.sync).not.toHaveProperty('waitingForKeapUntil');
  });

  it('shows a paused daily sync and offers it back at its hour', () => {
    const state = composeSidebarState({
      connection: CONNECTIONS.connected,
      sync: syncStatus({
        daily: {
          enabled: false,
          hour: 6,
          timeZone: 'UTC',
          nextRunAfter: null,
          owner: null,
          paused: true,
        },
      }),
      buildAuthorizationUrl: () => null,
    });
    expect(state.sync.paused).toEqual({
      text: 'Daily sync paused: Keap is disconnected.',
      resumeLabel: 'Turn the daily sync back on (at 06:00)',
      hour: 6,
    });
  });
});

describe('the Keap Email Status choice in the sidebar', () => {
  const shown = (settings: ReturnType<typeof syncStatus>['settings']) =>
    composeSidebarState({
      connection: CONNECTIONS.connected,
      sync: syncStatus({ settings }),
      buildAuthorizationUrl: () => AUTHORIZATION_URL,
    }).sync.settings.keapEmailStatus;

  it('shows ticked when never chosen (on for a new sheet) and as chosen otherwise', () => {
    const { headers } = syncStatus().settings;
    expect(shown({ sheetName: '', headers })).toBe(true);
    expect(shown({ sheetName: '', headers, keapEmailStatus: false })).toBe(false);
  });
});
