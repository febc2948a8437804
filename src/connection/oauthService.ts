/**
 * The OAuth2 library's service for Keap, configured once per execution. Token storage is the
 * user's properties, guarded by the user lock and fronted by the user cache (see
 * docs/ARCHITECTURE.md: the daily trigger runs as the person who enabled it, and nobody else
 * can read their properties).
 */
import { KEAP_AUTHORIZE_URL, KEAP_SCOPE, KEAP_TOKEN_URL } from '../keap/config';
import { basicAuthorization, type ClientCredentials } from './credentials';
import { OAUTH_SERVICE_NAME } from './userRecords';

/** The global Apps Script calls after Keap's consent screen (src/entry/connection.ts). */
export const AUTH_CALLBACK_FUNCTION = 'authCallback';

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
    .setPropertyStore(PropertiesService.getUserProperties())
    .setCache(CacheService.getUserCache())
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
