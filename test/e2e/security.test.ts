/**
 * Security (issue "Reliability and security", connection part): no secret in anything a
 * person or a log reader can see, the OAuth state and code checked (forged, expired and
 * replayed callbacks refused), sidebar data and the callback page escaped, least scopes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionResult } from '../gas-runtime';
import { CLIENT_SECRET, DAY, HOUR, OWNER, TENANT, World } from './world';
import {
  fireTriggerNow,
  idle,
  leakedSecrets,
  secretsOf,
  storedToken,
  tokenCalls,
  type SummaryLike,
} from './support/connection';

const repo = join(__dirname, '..', '..');

/** The sidebar's Connect flow up to the URL the browser lands on (the callback), not visited. */
function consentRedirect(w: World, user = OWNER): string {
  const state = w.call<{ authorizationUrl: string | null }>('getSidebarState', [], user);
  const query = Object.fromEntries(new URL(state.authorizationUrl!).searchParams);
  return w.sim.authorize(query, { approve: true, tenant: TENANT });
}

function callbackRuns(w: World): ExecutionResult[] {
  return w.rt.executions.filter((e) => e.fn === 'authCallback');
}

describe('secrets never reach what people or logs see', () => {
  it('connect, syncs, daily runs, token faults, revocation, reconnect, API keys, disconnect: no client secret, access token, refresh token or API key in any log, sidebar payload, page, alert, e-mail, cell or error', () => {
    const w = new World({ rows: [[1, 'first@example.com', 'yes', 'asked']] });
    w.addContact(1, 'old@example.com');
    const sidebarResults: unknown[] = [];
    const pages: string[] = [];
    const sidebar = (fn: string, args: unknown[] = []): void => {
      const r = w.rt.scriptRun(fn, args, { user: OWNER, spreadsheetId: w.spreadsheetId });
      sidebarResults.push(r.value ?? null, r.error ?? null);
    };
    const callback = (url: string): void => {
      pages.push(w.rt.userCallback(url, OWNER).html);
    };

    w.rt.openDocument(w.spreadsheetId, { user: OWNER });
    w.run('showSidebar');
    sidebar('getSidebarState');
    const redirect = consentRedirect(w);
    callback(redirect);
    callback(redirect); // replayed: refused, with words
    sidebar('getSidebarState');
    sidebar('previewSync');
    sidebar('syncNow');
    sidebar('enableDailySync', [3]);
    w.rt.advanceBy(3 * DAY);

    // Faults that put Keap's words (echoing credentials) into error paths.
    const echo = `{"error":"server_error","error_description":"refused client_secret=${CLIENT_SECRET}"}`;
    w.sim.inject({ kind: 'status', status: 500, route: 'token', body: echo });
    idle(w, 25 * HOUR);
    w.sheet().setCell(2, 2, 'second@example.com');
    fireTriggerNow(w);
    sidebar('syncNow');
    w.run('menuSyncNow');
    w.sim.clearFaults();
    w.sim.inject({ kind: 'unauthorized', times: 2, when: ({ route }) => route !== 'token' });
    sidebar('syncNow');
    w.sim.clearFaults();

    // Keap revokes the app: reconnect state, e-mail, alerts.
    w.sim.revokeRefreshTokens();
    w.sim.revokeAccessTokens();
    w.sheet().setCell(2, 2, 'third@example.com');
    w.rt.advanceBy(2 * DAY);
    sidebar('getSidebarState');
    w.run('menuSyncNow');
    // Reconnect: first the code exchange fails with the echo, then it works.
    w.sim.inject({ kind: 'status', status: 500, route: 'token', body: echo });
    callback(consentRedirect(w));
    w.sim.clearFaults();
    callback(consentRedirect(w));
    sidebar('getSidebarState');

    // An API key that Keap refuses, then one that works, then disconnect.
    sidebar('saveApiKey', ['KeapAK-wrong-key-0000000000']);
    const key = w.sim.createApiKey(TENANT, 'SAK');
    sidebar('saveApiKey', [key]);
    sidebar('getSidebarState');
    sidebar('syncNow');
    sidebar('disconnect');
    sidebar('getSidebarState');

    const secrets = secretsOf(w, [key]);
    // The scan is worth something only if the world handed out many secrets and the paths ran.
    expect(secrets.length).toBeGreaterThan(8);
    expect(w.rt.mail.length).toBeGreaterThan(0);
    expect(pages.some((p) => p.includes('Could not connect to Keap'))).toBe(true);
    expect(w.sim.stats().refreshes).toBeGreaterThan(2);

    const seen = [w.capturedText(), JSON.stringify(sidebarResults), ...pages].join('\n');
    expect(leakedSecrets(seen, secrets)).toEqual([]);
    // The echoing error really was shown (scrubbed), so the scan covered that path.
    expect(pages.some((p) => p.includes('refused client_secret=[hidden]'))).toBe(true);
    // Shared stores (every editor, every install) hold no token either.
    const shared = JSON.stringify([
      w.rt.scriptProperties(),
      w.rt.documentProperties(w.spreadsheetId),
    ]);
    expect(
      leakedSecrets(
        shared,
        secrets.filter((s) => s !== CLIENT_SECRET),
      ),
    ).toEqual([]);
  });
});

describe('the OAuth callback checks its state and its code', () => {
  it('a forged state is refused by Apps Script before authCallback runs', () => {
    const w = new World();
    const genuine = new URL(consentRedirect(w));
    genuine.searchParams.set('state', 'forged-state-token-0123456789');
    const page = w.rt.userCallback(genuine.toString(), OWNER);
    expect(page.status).toBe(400);
    expect(page.html).toContain('The state token is invalid or has expired');
    expect(callbackRuns(w)).toEqual([]);
    expect(tokenCalls(w)).toEqual([]);
    expect(storedToken(w)).toBeNull();
  });

  it('a state older than one hour is refused before authCallback runs', () => {
    const w = new World();
    const redirect = consentRedirect(w);
    w.clock.advance(HOUR + 60_000);
    const page = w.rt.userCallback(redirect, OWNER);
    expect(page.status).toBe(400);
    expect(callbackRuns(w)).toEqual([]);
    expect(storedToken(w)).toBeNull();
  });

  it('a callback without a state is refused', () => {
    const w = new World();
    const url = new URL(consentRedirect(w));
    url.searchParams.delete('state');
    expect(w.rt.userCallback(url.toString(), OWNER).status).toBe(400);
    expect(callbackRuns(w)).toEqual([]);
  });

  it('a replayed callback does not connect twice or overwrite a newer token; the page says it failed', () => {
    const w = new World({ rows: [[1, 'first@example.com', '', '']] });
    w.addContact(1, 'old@example.com');
    const redirect = consentRedirect(w);
    expect(w.rt.userCallback(redirect, OWNER).html).toContain('Connected to Keap');
    const connectedRecord = w.rt.userProperties(OWNER)['keapSheetsSync.connection.oauth'];

    // Minutes later the token was renewed (Keap answered 401 once, so it was refreshed and
    // rotated); then the old callback URL is opened again, within the state's hour.
    w.clock.advance(10 * 60_000);
    w.sim.inject({ kind: 'unauthorized', times: 1, when: ({ route }) => route !== 'token' });
    expect(w.call<SummaryLike>('syncNow').outcome).toBe('completed');
    const newer = storedToken(w)!;
    expect(w.sim.stats().refreshes).toBe(1);
    w.clock.advance(10 * 60_000);

    const replay = w.rt.userCallback(redirect, OWNER);
    expect(replay.status).toBe(200);
    expect(replay.html).toContain('Could not connect to Keap');
    expect(replay.html).toContain('it expired or was already used');
    expect(replay.html).not.toContain('Connected to Keap');
    expect(tokenCalls(w).filter((c) => c.grantType === 'authorization_code')).toEqual([
      expect.objectContaining({ status: 200 }),
      expect.objectContaining({ status: 400 }),
    ]);
    expect(storedToken(w)).toEqual(newer);
    expect(w.rt.userProperties(OWNER)['keapSheetsSync.connection.oauth']).toBe(connectedRecord);

    // The existing connection is intact and still works.
    w.sheet().setCell(2, 2, 'second@example.com');
    expect(w.call<SummaryLike>('syncNow').outcome).toBe('completed');
    expect(w.emailsOf(1).EMAIL1).toBe('second@example.com');
    expect(w.sim.stats().invalidGrants).toBe(1); // the refused code, nothing else
  });
});

describe('sidebar data and the callback page are escaped', () => {
  const SCRIPT = '<script>alert("x")</script>';

  it('an error description with a script tag is printed as text on the callback page', () => {
    const w = new World();
    const state = new URL(consentRedirect(w)).searchParams.get('state')!;
    const url = new URL(w.rt.redirectUri);
    url.searchParams.set('error', 'server_error');
    url.searchParams.set('error_description', SCRIPT);
    url.searchParams.set('state', state);
    const page = w.rt.userCallback(url.toString(), OWNER);
    expect(page.status).toBe(200);
    expect(page.html).toContain('&lt;script&gt;');
    expect(page.html).not.toContain('<script>');
    expect(page.html).not.toMatch(/<script/i);
  });

  it('a token whose scope carries markup instead of a Keap host shows no account, and no markup', () => {
    const w = new World();
    const scope = `full|${SCRIPT}.infusionsoft.com`;
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'token',
      times: 1,
      body: JSON.stringify({
        access_token: 'planted-access-token-000',
        refresh_token: 'planted-refresh-token-000',
        token_type: 'bearer',
        expires_in: 86400,
        scope,
      }),
    });
    const page = w.connect();
    expect(page).toContain('Connected to Keap');
    expect(page).not.toMatch(/<script/i);
    const state = w.call<{ connection: { state: string; account: string | null } }>(
      'getSidebarState',
    );
    expect(state.connection).toMatchObject({ state: 'connected', account: null });
  });

  it('a reason with a script tag reaches getSidebarState as the same plain string (the sidebar prints it as text)', () => {
    const w = new World();
    w.connect();
    const reason = `Keap said ${SCRIPT} & more`;
    w.rt.setUserProperty(
      OWNER,
      'keapSheetsSync.connection.lostAccess',
      JSON.stringify({ reason, since: '2025-01-06T08:00:00.000Z', account: null, method: 'oauth' }),
    );
    const result = w.rt.scriptRun<{ connection: { state: string; reason: string } }>(
      'getSidebarState',
      [],
      { user: OWNER, spreadsheetId: w.spreadsheetId },
    );
    expect(result.value?.connection).toMatchObject({ state: 'needs-reconnect', reason });
    // The page renders text nodes only: no HTML-building from data in the sidebar script.
    const script = readFileSync(join(repo, 'dist', 'SidebarScript.html'), 'utf8');
    expect(script).not.toMatch(/\.innerHTML\s*=|insertAdjacentHTML|document\.write/);
  });
});

describe('least Google scopes', () => {
  const manifest = JSON.parse(readFileSync(join(repo, 'appsscript.json'), 'utf8')) as {
    oauthScopes: string[];
  };
  const bundle = readFileSync(join(repo, 'dist', 'Code.js'), 'utf8');
  const readme = readFileSync(join(repo, 'README.md'), 'utf8');

  /** Each scope, and the service calls in the bundle that need it. */
  const NEEDED: Record<string, RegExp> = {
    'https://www.googleapis.com/auth/spreadsheets': /SpreadsheetApp\.openById/,
    'https://www.googleapis.com/auth/script.container.ui': /\.showSidebar\(/,
    'https://www.googleapis.com/auth/script.external_request': /UrlFetchApp\.fetch/,
    'https://www.googleapis.com/auth/script.scriptapp': /ScriptApp\.newTrigger/,
    'https://www.googleapis.com/auth/script.send_mail': /MailApp\.sendEmail/,
    'https://www.googleapis.com/auth/userinfo.email': /Session\.getEffectiveUser\(\)\.getEmail/,
  };

  it('asks for exactly the scopes the add-on uses, each explained in the README', () => {
    expect([...manifest.oauthScopes].sort()).toEqual(Object.keys(NEEDED).sort());
    for (const [scope, use] of Object.entries(NEEDED)) {
      expect({ scope, usedByBundle: use.test(bundle) }).toEqual({ scope, usedByBundle: true });
      const short = scope.replace('https://www.googleapis.com/auth/', '');
      const row = readme.split('\n').find((line) => line.startsWith(`| \`${short}\``));
      expect({ scope, readmeRow: Boolean(row && row.split('|')[2].trim().length > 10) }).toEqual({
        scope,
        readmeRow: true,
      });
    }
    // Neither the dist copy nor a wider scope slipped in.
    const shipped = JSON.parse(readFileSync(join(repo, 'dist', 'appsscript.json'), 'utf8'));
    expect(shipped.oauthScopes).toEqual(manifest.oauthScopes);
  });

  it('uses no Google service that would need another scope', () => {
    for (const service of [
      'DriveApp',
      'GmailApp',
      'DocumentApp',
      'CalendarApp',
      'FormApp',
      'SlidesApp',
      'ContactsApp',
      'People.',
      'ScriptApp.getOAuthToken',
    ]) {
      expect({ service, used: bundle.includes(service) }).toEqual({ service, used: false });
    }
  });
});
