/**
 * The Keap connection as the rest of the add-on sees it: status for the sidebar, consent,
 * a Keap client with valid credentials, keep-alive, lost-access e-mails, disconnect and API
 * keys. This file wires Apps Script's services to the pure modules beside it.
 */
import { appsScriptClock } from '../keap/appsScriptClock';
import {
  API_KEY_RATE_LIMITS,
  KEEP_ALIVE_TOKEN_AGE_MS,
  OAUTH_RATE_LIMITS,
  TOKEN_LOCK_WAIT_MS,
} from '../keap/config';
import { connectionProbeRequest } from '../keap/contactsApi';
import { createKeapGateway } from '../keap/gateway';
import { urlFetchHttp } from '../keap/urlFetchHttp';
import { scrubSecrets } from '../keap/keapErrors';
import type { ConnectionProblem } from '../keap/failure';
import { KeapAccessError, type KeapGateway } from '../keap/model';
import {
  ApiKeyError,
  checkApiKeyFormat,
  keyCheckProblem,
  readApiKey,
  removeApiKey,
  storeApiKey,
} from './apiKey';
import {
  exchangeFailure,
  providerFailure,
  type CallbackPage,
  type ConsentOutcome,
  type ConsentFailure,
  type ConsentWords,
} from './callbackPage';
import { connectionProblemFrom } from './connectionProblem';
import { noteConsentAnswer, readConsentAnswer, type ConsentAnswer } from './consentNote';
import { deriveConnectionStatus } from './connectionStatus';
import { readClientCredentials, type CredentialsLookup } from './credentials';
import { apiKeyAccount, oauthAccount } from './keapAccount';
import { accountFromScope, asKeapToken } from './keapToken';
import { clearLostAccess, readLostAccess, recordLostAccess } from './lostAccess';
import { keapRedirectUri, openKeapOAuth, type KeapOAuth } from './oauthService';
import { dayStamp, noticeKey, shouldSendNotice } from './ownerNotice';
import { apiKeyHeaders, apiKeyRequestAuth, oauthRequestAuth } from './requestAuth';
import type { ConnectionState } from './status';
import { TokenAccess } from './tokenAccess';
import { readJson, withLock, withWaitedLock, writeJson, type KeyValueStore } from './storePorts';
import { OAUTH_SERVICE_NAME, USER_KEYS, type OAuthConnectionRecord } from './userRecords';

export type { ConnectionState, ConnectionStatus } from './status';
export type { CallbackPage } from './callbackPage';
export type { ConsentAnswer } from './consentNote';

function userStore(): KeyValueStore {
  return PropertiesService.getUserProperties();
}

function clientCredentials(): CredentialsLookup {
  return readClientCredentials(PropertiesService.getScriptProperties());
}

function oauthFor(lookup: CredentialsLookup): KeapOAuth {
  return openKeapOAuth(lookup.ok ? lookup.credentials : null);
}

function nowIso(): string {
  return new Date().toISOString();
}

/** Runs `work` holding the user lock: the same lock the OAuth2 library takes to refresh. */
function withUserLock<T>(lock: GoogleAppsScript.Lock.Lock, work: () => T): T {
  return withWaitedLock(lock, TOKEN_LOCK_WAIT_MS, work);
}

function tokenAccessFor(oauth: KeapOAuth, user: KeyValueStore): TokenAccess {
  return new TokenAccess({
    service: oauth.service,
    lock: oauth.lock,
    now: () => Date.now(),
    onLost: (problem) => {
      const record = readJson<OAuthConnectionRecord>(user, USER_KEYS.oauthConnection);
      recordLostAccess(user, {
        problem,
        since: nowIso(),
        account: record?.account ?? null,
        method: 'oauth',
      });
    },
  });
}

/** The connection's state for the sidebar (never a token or secret); src/ui words it. */
export function getConnectionStatus(): ConnectionState {
  const user = userStore();
  const lookup = clientCredentials();
  const token = asKeapToken(oauthFor(lookup).service.getToken());
  return deriveConnectionStatus({
    missingCredentials: lookup.ok ? [] : lookup.missing,
    redirectUri: keapRedirectUri(),
    apiKey: readApiKey(user),
    lostAccess: readLostAccess(user),
    hasOAuthToken: token !== null,
    oauthRecord: readJson<OAuthConnectionRecord>(user, USER_KEYS.oauthConnection),
    accountFromToken: accountFromScope(token?.scope),
  });
}

/**
 * Keap's consent URL with a fresh state token (valid 1 hour), or null while the add-on's Keap
 * app is not set up (connectionProblem says what to set up). The sidebar
 * asks for it whenever a person may reconnect, and a revoked API key on a deployment without
 * OAuth credentials may reconnect only by pasting a new key: the sidebar must still load.
 */
export function authorizationUrlIfSetUp(): string | null {
  const lookup = clientCredentials();
  return lookup.ok ? oauthFor(lookup).service.getAuthorizationUrl() : null;
}

/** The request Apps Script hands to the OAuth callback (its `parameter` holds Keap's answer). */
export interface AuthCallbackRequest {
  parameter?: Record<string, string | undefined>;
}

/**
 * Finishes the consent: exchanges Keap's code for tokens, records the account and the time,
 * and says in plain words what happened (`words`: chosen at the edge, src/ui/consentPage.ts).
 */
export function completeAuthorization(
  request: AuthCallbackRequest,
  words: ConsentWords,
): CallbackPage {
  const page = words(authorize(request));
  try {
    noteConsentAnswer(CacheService.getUserCache(), page, nowIso());
  } catch {
    // Without the note a waiting sidebar only waits longer: the page says what happened.
  }
  return page;
}

/** What the sidebar says of the last consent that was not "Allow" (10 minutes), or null. */
export function lastConsentAnswer(): ConsentAnswer | null {
  try {
    return readConsentAnswer(CacheService.getUserCache());
  } catch {
    return null;
  }
}

function authorize(request: AuthCallbackRequest): ConsentOutcome {
  const parameter = request?.parameter ?? {};
  const failed = (failure: ConsentFailure): ConsentOutcome => ({ kind: 'failed', failure });
  if (parameter.error === 'access_denied') return { kind: 'denied' };
  if (parameter.error) return failed(providerFailure(parameter.error, parameter.error_description));
  const lookup = clientCredentials();
  if (!lookup.ok) {
    return failed({ kind: 'problem', problem: { kind: 'not-set-up', missing: lookup.missing } });
  }
  if (!parameter.code) return failed({ kind: 'no-code' });
  const oauth = oauthFor(lookup);
  const user = userStore();
  try {
    // Under the user lock: a refresh of the previous connection must not overwrite the new token.
    const granted = withUserLock(oauth.lock, () => oauth.service.handleCallback(request));
    if (!granted) return { kind: 'denied' };
  } catch (error) {
    return failed(exchangeFailure(error, [lookup.credentials.clientSecret, parameter.code]));
  }
  const account = accountFromScope(asKeapToken(oauth.service.getToken())?.scope);
  const record: OAuthConnectionRecord = { account, connectedSince: nowIso() };
  writeJson(user, USER_KEYS.oauthConnection, record);
  clearLostAccess(user);
  removeApiKey(user);
  return { kind: 'connected', account };
}

/**
 * Why the stored connection cannot be used (lost access kept from an earlier refusal, not set
 * up, not connected), or null when an API key or OAuth token is there.
 * Reads stored state only: no request to Keap, no token refresh. It decides in the order
 * openKeapGateway below checks, so a null here means the gateway opens unless Keap refuses.
 */
export function connectionProblem(): ConnectionProblem | null {
  const user = userStore();
  const lookup = clientCredentials();
  return connectionProblemFrom({
    lostAccess: readLostAccess(user),
    hasApiKey: readApiKey(user) !== null,
    missingCredentials: lookup.ok ? [] : lookup.missing,
    hasOAuthToken: () => asKeapToken(oauthFor(lookup).service.getToken()) !== null,
  });
}

/**
 * Whether this user has a Keap connection at all: an API key, an OAuth token (read straight
 * from the library's key, no service built), or one Keap stopped accepting (which still
 * needs a person: its runs say so). False after Disconnect or before any connection: then
 * no sync trigger is made, put back or kept. Stored state only, a read or three.
 */
export function hasKeapConnection(): boolean {
  const user = userStore();
  return (
    user.getProperty(`oauth2.${OAUTH_SERVICE_NAME}`) !== null ||
    readApiKey(user) !== null ||
    readLostAccess(user) !== null
  );
}

/**
 * The Keap account the stored connection reaches (keapAccount.ts), or null when it cannot
 * tell. Stored state only: no request, no refresh. An OAuth token's scope names the tenant;
 * Keap sends the scope again with each refresh.
 */
export function connectedAccount(): string | null {
  const user = userStore();
  const apiKey = readApiKey(user);
  if (apiKey) return apiKeyAccount(apiKey.savedAt);
  const token = asKeapToken(oauthFor(clientCredentials()).service.getToken());
  if (!token) return null;
  return (
    oauthAccount(token.scope) ??
    readJson<OAuthConnectionRecord>(user, USER_KEYS.oauthConnection)?.account ??
    null
  );
}

/**
 * A Keap client for one execution with a valid access token (or API key), refreshing it
 * rotation-safely. Throws KeapAccessError when there is no usable connection.
 * `deadline` (epoch ms): writes not started by then are returned unattempted.
 */
export function openKeapGateway(options: { deadline: number }): KeapGateway {
  const user = userStore();
  const lost = readLostAccess(user);
  if (lost) throw new KeapAccessError(lost.problem);
  const clock = appsScriptClock();
  const http = urlFetchHttp();
  const apiKey = readApiKey(user);
  if (apiKey) {
    const onRejected = (): ConnectionProblem =>
      recordLostAccess(user, {
        problem: { kind: 'api-key-rejected' },
        since: nowIso(),
        account: null,
        method: 'api-key',
      }).problem;
    return createKeapGateway({
      http,
      clock,
      auth: apiKeyRequestAuth(apiKey.key, onRejected),
      limits: API_KEY_RATE_LIMITS,
      deadline: options.deadline,
      tokenRefreshes: () => 0,
    });
  }
  const lookup = clientCredentials();
  if (!lookup.ok) throw new KeapAccessError({ kind: 'not-set-up', missing: lookup.missing });
  const oauth = oauthFor(lookup);
  const access = tokenAccessFor(oauth, user);
  access.accessToken(); // Fails early, before any sheet work, when the connection is gone.
  return createKeapGateway({
    http,
    clock,
    auth: oauthRequestAuth(access),
    limits: OAUTH_RATE_LIMITS,
    deadline: options.deadline,
    tokenRefreshes: oauth.refreshCount,
  });
}

/**
 * Refreshes the access token when it is old enough, so the refresh token never ages out.
 * Throws KeapAccessError when Keap refuses the connection; a passing fault is left for the
 * next run (the access token still has hours to live).
 */
export function keepConnectionAlive(): void {
  const user = userStore();
  const lost = readLostAccess(user);
  if (lost) throw new KeapAccessError(lost.problem);
  if (readApiKey(user)) return;
  const lookup = clientCredentials();
  if (!lookup.ok) return;
  const oauth = oauthFor(lookup);
  if (!asKeapToken(oauth.service.getToken())) return;
  tokenAccessFor(oauth, user).keepAlive(KEEP_ALIVE_TOKEN_AGE_MS);
}

/** E-mails the current (trigger-owning) user about an unattended failure, at most once a day per kind. */
export function notifyOwnerOncePerDay(kind: string, subject: string, body: string): boolean {
  const user = userStore();
  const key = noticeKey(kind);
  const send = (): boolean => {
    try {
      const now = Date.now();
      if (!shouldSendNotice(user.getProperty(key), now)) return false;
      const to = Session.getEffectiveUser().getEmail();
      if (!to) return false;
      const secrets = knownSecrets();
      MailApp.sendEmail(to, scrubSecrets(subject, secrets), scrubSecrets(body, secrets));
      user.setProperty(key, dayStamp(now));
      return true;
    } catch {
      return false;
    }
  };
  return withLock(LockService.getUserLock(), TOKEN_LOCK_WAIT_MS, send, () => false);
}

/** Every credential this user's connection holds, to keep out of anything a person reads. */
function knownSecrets(): string[] {
  const lookup = clientCredentials();
  const token = asKeapToken(oauthFor(lookup).service.getToken());
  return [
    lookup.ok ? lookup.credentials.clientSecret : '',
    token?.access_token ?? '',
    token?.refresh_token ?? '',
    readApiKey(userStore())?.key ?? '',
  ].filter((secret) => secret !== '');
}

/** Removes the token and everything stored with it; returns the new status. */
export function disconnectKeap(): ConnectionState {
  const user = userStore();
  const oauth = oauthFor(clientCredentials());
  withUserLock(oauth.lock, () => {
    oauth.service.reset();
    user.deleteProperty(USER_KEYS.oauthConnection);
    removeApiKey(user);
    clearLostAccess(user);
  });
  return getConnectionStatus();
}

/**
 * Checks a Personal Access Token / Service Account Key with one cheap Keap request and keeps
 * it as this user's connection (replacing an OAuth connection). Throws ApiKeyError (why, as a
 * code) when the key is malformed or refused.
 */
export function saveKeapApiKey(raw: string): ConnectionState {
  const format = checkApiKeyFormat(raw);
  if (!format.ok) throw new ApiKeyError(format.problem);
  const probe = connectionProbeRequest();
  let answer: { status: number; body: string } | 'unreachable';
  try {
    answer = urlFetchHttp().fetch({
      method: probe.method,
      url: probe.url,
      headers: { ...(probe.headers ?? {}), ...apiKeyHeaders(format.key) },
    });
  } catch {
    answer = 'unreachable';
  }
  const problem = keyCheckProblem(answer);
  // Keap's refusal is quoted to the person: it must not echo the key back.
  if (problem?.kind === 'check-refused' && problem.keapMessage !== null) {
    throw new ApiKeyError({
      ...problem,
      keapMessage: scrubSecrets(problem.keapMessage, [format.key]),
    });
  }
  if (problem) throw new ApiKeyError(problem);
  const user = userStore();
  const oauth = oauthFor(clientCredentials());
  withUserLock(oauth.lock, () => {
    oauth.service.reset();
    user.deleteProperty(USER_KEYS.oauthConnection);
    storeApiKey(user, { key: format.key, kind: format.kind, savedAt: nowIso() });
    clearLostAccess(user);
  });
  return getConnectionStatus();
}
