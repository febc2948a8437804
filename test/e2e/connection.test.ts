/**
 * Issue "Keap connection": configuration, consent from the sidebar, the callback page,
 * storage per person, disconnect, and the API key as a second way to connect. Everything
 * runs through the built bundle in the local runtime against the Keap simulator.
 */
import { CLIENT_ID, CLIENT_SECRET, EDITOR, OWNER, TENANT, World } from './world';
import {
  apiCalls,
  connectionKeys,
  leakedSecrets,
  secretsOf,
  storedToken,
  tokenCalls,
  type SummaryLike,
} from './support/connection';

interface SidebarStateLike {
  connection: {
    state: string;
    method?: string;
    account?: string | null;
    missing?: string[];
    redirectUri?: string;
    reason?: string;
  };
  authorizationUrl: string | null;
}

function sidebar(w: World, user = OWNER): SidebarStateLike {
  return w.call<SidebarStateLike>('getSidebarState', [], user);
}

function rowsFor(ids: number[]): unknown[][] {
  return ids.map((id) => [id, `new${id}@example.com`, '', '']);
}

describe('configuration from script properties', () => {
  it.each([
    { unset: ['KEAP_CLIENT_ID', 'KEAP_CLIENT_SECRET'] },
    { unset: ['KEAP_CLIENT_SECRET'] },
    { unset: ['KEAP_CLIENT_ID'] },
  ])(
    'with $unset missing, the sidebar says what to set and which redirect URI to register',
    ({ unset }) => {
      const w = new World({ configure: false });
      if (!unset.includes('KEAP_CLIENT_ID')) w.rt.setScriptProperty('KEAP_CLIENT_ID', CLIENT_ID);
      if (!unset.includes('KEAP_CLIENT_SECRET'))
        w.rt.setScriptProperty('KEAP_CLIENT_SECRET', CLIENT_SECRET);

      const state = sidebar(w);
      expect(state.connection).toEqual({
        state: 'setup-needed',
        missing: unset,
        redirectUri: w.rt.redirectUri,
      });
      expect(state.connection.redirectUri).toMatch(
        /^https:\/\/script\.google\.com\/macros\/d\/[^/]+\/usercallback$/,
      );
      expect(state.authorizationUrl).toBeNull();
      expect(JSON.stringify(state)).not.toContain(CLIENT_SECRET);
    },
  );

  it('once both are set, the sidebar offers Connect (OAuth is the default)', () => {
    const w = new World();
    const state = sidebar(w);
    expect(state.connection).toEqual({ state: 'not-connected', redirectUri: w.rt.redirectUri });
    expect(state.authorizationUrl).not.toBeNull();
  });
});

describe('consent from the sidebar', () => {
  it("links to Keap's real authorize endpoint with scope=full and a state minted when the sidebar asks", () => {
    const w = new World();
    const first = new URL(sidebar(w).authorizationUrl!);
    const second = new URL(sidebar(w).authorizationUrl!);

    expect(first.origin + first.pathname).toBe(
      'https://accounts.infusionsoft.com/app/oauth/authorize',
    );
    expect(Object.fromEntries(first.searchParams)).toEqual({
      client_id: CLIENT_ID,
      response_type: 'code',
      redirect_uri: w.rt.redirectUri,
      scope: 'full',
      state: expect.stringMatching(/.{20,}/),
    });
    expect(second.searchParams.get('state')).not.toBe(first.searchParams.get('state'));
    expect(first.toString()).not.toContain(CLIENT_SECRET);
  });

  it('exchanges the code form-encoded, shows which Keap account is connected, and the sidebar sees it without a reload', () => {
    const w = new World();
    const html = w.connect();

    expect(html).toContain('Connected to Keap');
    expect(html).toContain(`${TENANT}.infusionsoft.com`);
    expect(html).toContain('You can close this tab');
    const [exchange] = tokenCalls(w);
    expect(exchange).toMatchObject({ grantType: 'authorization_code', status: 200 });
    const sent = w.rt.requests.find((r) => r.request.url === 'https://api.infusionsoft.com/token');
    expect(sent?.request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(new URLSearchParams(sent?.request.body).get('grant_type')).toBe('authorization_code');

    // The sidebar's next poll (a plain getSidebarState call) shows the connection.
    const state = sidebar(w);
    expect(state.connection).toMatchObject({
      state: 'connected',
      method: 'oauth',
      account: `${TENANT}.infusionsoft.com`,
    });
    expect(state.authorizationUrl).toBeNull();
  });

  it('a denial on Keap’s page says plainly that nothing was connected', () => {
    const w = new World();
    const html = w.connect(OWNER, { approve: false });
    expect(html).toContain('Not connected');
    expect(html).toContain('Access was not granted');
    expect(sidebar(w).connection.state).toBe('not-connected');
    expect(storedToken(w)).toBeNull();
  });

  it('another error from Keap is shown in plain words, and nothing is stored', () => {
    const w = new World();
    const state = new URL(sidebar(w).authorizationUrl!).searchParams.get('state')!;
    const url = `${w.rt.redirectUri}?error=server_error&error_description=${encodeURIComponent('Temporarily unavailable')}&state=${encodeURIComponent(state)}`;
    const page = w.rt.userCallback(url, OWNER);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Could not connect to Keap');
    expect(page.html).toContain('Keap reported a problem: Temporarily unavailable.');
    expect(storedToken(w)).toBeNull();
  });
});

describe('storage: one connection per person, in their own user properties', () => {
  it('the trigger owner’s token is invisible to an editor of the same spreadsheet, and never in script or document properties', () => {
    const w = new World({ rows: rowsFor([1]) });
    w.addContact(1, 'old1@example.com');
    w.connect(OWNER);
    const token = storedToken(w)!;

    expect(sidebar(w, EDITOR).connection.state).toBe('not-connected');
    expect(w.rt.userProperties(EDITOR)).toEqual({});
    const editorSync = w.call<SummaryLike>('syncNow', [], EDITOR);
    expect(editorSync.outcome).toBe('needs-reconnect');
    expect(editorSync.message).toContain('not connected');
    expect(apiCalls(w)).toEqual([]);
    expect(w.emailsOf(1).EMAIL1).toBe('old1@example.com');

    const shared = JSON.stringify([
      w.rt.scriptProperties(),
      w.rt.documentProperties(w.spreadsheetId),
    ]);
    expect(leakedSecrets(shared, [token.access_token, token.refresh_token])).toEqual([]);
    // The script properties hold the deployment's own settings only (every install would share them).
    expect(
      Object.keys(w.rt.scriptProperties()).filter((k) => !k.startsWith('keapSync.lease.')),
    ).toEqual(['KEAP_CLIENT_ID', 'KEAP_CLIENT_SECRET']);

    // The editor connects too: two people, two tokens, neither overwrites the other.
    w.connect(EDITOR);
    expect(storedToken(w, EDITOR)!.refresh_token).not.toBe(token.refresh_token);
    expect(storedToken(w, OWNER)).toEqual(token);
  });
});

describe('disconnect', () => {
  it('removes the token and everything stored with it, and Keap is no longer called', () => {
    const w = new World({ rows: rowsFor([1]) });
    w.addContact(1, 'old1@example.com');
    w.connect();
    expect(w.call<SummaryLike>('syncNow').outcome).toBe('completed');
    expect(connectionKeys(w).length).toBeGreaterThan(0);
    const secrets = secretsOf(w);

    const status = w.call<{ state: string }>('disconnect');
    expect(status.state).toBe('not-connected');
    expect(connectionKeys(w)).toEqual([]);
    expect(leakedSecrets(JSON.stringify(w.rt.userProperties(OWNER)), secrets)).toEqual([]);
    expect(sidebar(w).connection.state).toBe('not-connected');

    const before = apiCalls(w).length;
    w.sheet().setCell(2, 2, 'again@example.com');
    expect(w.call<SummaryLike>('syncNow').outcome).toBe('needs-reconnect');
    expect(apiCalls(w)).toHaveLength(before);
  });

  it('also forgets a lost connection’s reason and a saved API key', () => {
    const w = new World({ rows: rowsFor([1]) });
    w.addContact(1, 'old1@example.com');
    w.connect();
    w.sim.revokeRefreshTokens();
    w.sim.revokeAccessTokens();
    expect(w.call<SummaryLike>('syncNow').outcome).toBe('needs-reconnect');
    expect(sidebar(w).connection.state).toBe('needs-reconnect');
    w.call('disconnect');
    expect(connectionKeys(w)).toEqual([]);

    w.call('saveApiKey', [w.sim.createApiKey(TENANT, 'PAT')]);
    expect(connectionKeys(w)).not.toEqual([]);
    w.call('disconnect');
    expect(connectionKeys(w)).toEqual([]);
  });
});

describe('Personal Access Token / Service Account Key', () => {
  it.each(['PAT', 'SAK'] as const)(
    'a %s is checked with Keap, sent as X-Keap-API-Key, and the sync stays under 10 requests a second',
    (kind) => {
      const ids = Array.from({ length: 60 }, (_, i) => i + 1);
      const w = new World({ rows: rowsFor(ids) });
      for (const id of ids) w.addContact(id, `old${id}@example.com`);
      const key = w.sim.createApiKey(TENANT, kind);

      const status = w.call<{ state: string; method: string }>('saveApiKey', [key]);
      expect(status).toMatchObject({ state: 'connected', method: 'api-key' });
      expect(sidebar(w).connection).toMatchObject({ state: 'connected', method: 'api-key' });

      const summary = w.call<SummaryLike>('syncNow');
      expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 60 });
      for (const id of ids) expect(w.emailsOf(id).EMAIL1).toBe(`new${id}@example.com`);

      const keapRequests = w.rt.requests.filter((r) => r.request.url.includes('infusionsoft.com'));
      expect(keapRequests.length).toBeGreaterThan(60);
      for (const r of keapRequests) {
        expect(r.request.headers['x-keap-api-key']).toBe(key);
        expect(r.request.headers.authorization).toBeUndefined();
      }
      expect(apiCalls(w).every((e) => e.tokenKind === kind)).toBe(true);
      const stats = w.sim.stats();
      expect(stats.maxPerSecond).toBeLessThanOrEqual(10);
      expect(stats.throttled).toBe(0);
      expect(tokenCalls(w)).toEqual([]);
      expect(w.sim.specViolations).toEqual([]);
    },
  );

  it('a key Keap does not know is refused in plain words and nothing is stored', () => {
    const w = new World();
    const result = w.run('saveApiKey', ['KeapAK-not-a-real-key']);
    expect(result.error?.message).toContain('Keap did not accept this key');
    expect(connectionKeys(w)).toEqual([]);
    expect(sidebar(w).connection.state).toBe('not-connected');
  });

  it('one connection per person: a saved key replaces the OAuth token (and Connect is offered again after Disconnect)', () => {
    const w = new World();
    w.connect();
    w.call('saveApiKey', [w.sim.createApiKey(TENANT, 'PAT')]);
    expect(storedToken(w)).toBeNull();
    expect(sidebar(w).connection).toMatchObject({ state: 'connected', method: 'api-key' });
    expect(sidebar(w).authorizationUrl).toBeNull();

    w.call('disconnect');
    w.connect();
    expect(sidebar(w).connection).toMatchObject({ state: 'connected', method: 'oauth' });
    expect(connectionKeys(w).some((k) => k.includes('apiKey'))).toBe(false);
  });
});
