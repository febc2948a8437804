/**
 * The OAuth2 library's service for Keap, configured once per execution. Token storage is the
 * user's properties, guarded by the user lock (see docs/ARCHITECTURE.md: the daily trigger
 * runs as the person who enabled it, and nobody else can read their properties).
 *
 * No cache on purpose: the library's reads put what they found in the properties into the
 * cache without holding the lock. An execution that read the token just before another one
 * rotated it puts the OLD token back into the cache, and every later read (the library's
 * locked re-read included, which looks in the cache before the properties) then refreshes
 * with a dead refresh token: invalid_grant, connection lost. Reading the properties costs
 * one property read per execution and is always the truth.
 */
import { KEAP_AUTHORIZE_URL, KEAP_SCOPE, KEAP_TOKEN_URL } from '../keap/config';
import { basicAuthorization, type ClientCredentials } from './credentials';
import { steadyPropertyStore, TOKEN_WRITE_RETRY_DELAYS_MS } from './steadyPropertyStore';
import { OAUTH_SERVICE_NAME } from './userRecords';

/** The global Apps Script calls after Keap's consent screen (src/entry/connection.ts). */
const AUTH_CALLBACK_FUNCTION = 'authCallback';

export interface KeapOAuth {
  service: GoogleAppsScriptOAuth2.OAuth2Service;
  /** The lock given to the service: the rotation-safe refresh must hold this very object. */
  lock: GoogleAppsScript.Lock.Lock;
  /** Refresh-token grants sent by this execution. */
  refreshCount(): number;
}

export function openKeapOAuth(credentials: ClientCredentials | null): KeapOAuth {
  const lock = LockService.getUserLock();
  let refreshes = 0;
  const service = OAuth2.createService(OAUTH_SERVICE_NAME)
    .setAuthorizationBaseUrl(KEAP_AUTHORIZE_URL)
    .setTokenUrl(KEAP_TOKEN_URL)
    .setScope(KEAP_SCOPE)
    .setCallbackFunction(AUTH_CALLBACK_FUNCTION)
    .setPropertyStore(
      steadyPropertyStore(PropertiesService.getUserProperties(), {
        delaysMs: TOKEN_WRITE_RETRY_DELAYS_MS,
        sleep: (ms) => Utilities.sleep(ms),
      }),
    )
    .setLock(lock)
    .setTokenPayloadHandler((payload) => {
      if (payload.grant_type === 'refresh_token') refreshes += 1;
      return payload;
    });
  if (credentials) {
    service
      .setClientId(credentials.clientId)
      .setClientSecret(credentials.clientSecret)
      .setTokenHeaders({
        Authorization: basicAuthorization(credentials, (text) => Utilities.base64Encode(text)),
      });
  }
  return { service, lock, refreshCount: () => refreshes };
}

/** Where Keap sends people back; it must be registered in the Keap developer app. */
export function keapRedirectUri(): string {
  return OAuth2.getRedirectUri();
}
