/**
 * Lost access: Keap no longer accepts the connection (refresh token rejected, app removed,
 * API key revoked). The reason is kept in the user's properties so the sidebar can say it
 * and unattended runs stop trying, until someone reconnects.
 */
import { readJson, writeJson, type KeyValueStore } from './storePorts';
import { USER_KEYS } from './userRecords';

export interface LostAccess {
  reason: string;
  /** ISO 8601 time Keap first refused. */
  since: string;
  account: string | null;
  method: 'oauth' | 'api-key';
}

export const LOST_ACCESS_WORDS = {
  refreshTokenRejected:
    'Keap no longer accepts this connection: its Keap sign-in has ended (the add-on was removed in Keap, a password was changed, or the connection went unused for 45 days). Reconnect from the sidebar.',
  clientRejected:
    "Keap no longer accepts this add-on's Keap app (client id or secret rejected). " +
    'Check KEAP_CLIENT_ID and KEAP_CLIENT_SECRET, then reconnect from the sidebar.',
  apiKeyRejected:
    'Keap no longer accepts the saved API key (it may have been revoked). ' +
    'Paste a new key or connect with Keap from the sidebar.',
  notConnected: 'Keap is not connected. Connect from the sidebar.',
};

export type RefreshFailure = { lost: true; reason: string } | { lost: false; reason: string };

/**
 * Tells a dead connection from a passing fault, given the error the OAuth2 library kept
 * (getLastError) or threw. The library words token-endpoint refusals as
 * "Error retrieving token: <error>, <description>"; network faults and HTML error pages
 * read differently and are worth another try later.
 */
export function classifyRefreshFailure(error: unknown): RefreshFailure {
  const message = error instanceof Error ? error.message : String(error ?? '');
  if (/\binvalid_grant\b/i.test(message) || /offline access is required/i.test(message)) {
    return { lost: true, reason: LOST_ACCESS_WORDS.refreshTokenRejected };
  }
  if (/\b(invalid_client|unauthorized_client)\b/i.test(message)) {
    return { lost: true, reason: LOST_ACCESS_WORDS.clientRejected };
  }
  return {
    lost: false,
    reason:
      'Keap could not renew the sign-in just now (Keap or the network had a problem); will retry next run.',
  };
}

export function readLostAccess(store: KeyValueStore): LostAccess | null {
  const record = readJson<LostAccess>(store, USER_KEYS.lostAccess);
  return record && typeof record.reason === 'string' ? record : null;
}

/** Keeps the first refusal's time when Keap refuses again. */
export function recordLostAccess(store: KeyValueStore, lost: LostAccess): LostAccess {
  const earlier = readLostAccess(store);
  const kept = earlier ? { ...lost, since: earlier.since } : lost;
  writeJson(store, USER_KEYS.lostAccess, kept);
  return kept;
}

export function clearLostAccess(store: KeyValueStore): void {
  store.deleteProperty(USER_KEYS.lostAccess);
}
