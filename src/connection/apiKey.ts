/**
 * The second way to connect: a Personal Access Token or a Service Account Key pasted in the
 * sidebar (meant for a business's own use; OAuth stays the default). Keys go in the
 * X-Keap-API-Key header and get Keap's lower PAT/SAK limits.
 */
import { SERVICE_ACCOUNT_KEY_PREFIX } from '../keap/config';
import { keapErrorMessage } from '../keap/keapErrors';
import { readJson, writeJson, type KeyValueStore } from './storePorts';
import { USER_KEYS } from './userRecords';

export type ApiKeyKind = 'service-account-key' | 'personal-access-token';

export interface StoredApiKey {
  key: string;
  kind: ApiKeyKind;
  /** ISO 8601 time the key was saved. */
  savedAt: string;
}

const MAX_KEY_LENGTH = 512;

export function checkApiKeyFormat(
  raw: unknown,
): { ok: true; key: string; kind: ApiKeyKind } | { ok: false; error: string } {
  const key = typeof raw === 'string' ? raw.trim() : '';
  if (key === '')
    return { ok: false, error: 'Paste a Keap Personal Access Token or Service Account Key.' };
  if (/\s/.test(key)) {
    return { ok: false, error: 'The key contains spaces or line breaks: paste the key alone.' };
  }
  if (key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    return { ok: false, error: 'This does not look like a Keap key: check what was pasted.' };
  }
  const kind: ApiKeyKind = key.startsWith(SERVICE_ACCOUNT_KEY_PREFIX)
    ? 'service-account-key'
    : 'personal-access-token';
  return { ok: true, key, kind };
}

/** Plain words for Keap's answer to the key check (null when the key works). */
export function describeKeyCheck(
  answer: { status: number; body: string } | 'unreachable',
): string | null {
  if (answer === 'unreachable') {
    return 'Could not reach Keap to check the key (network error). Try again in a minute.';
  }
  const { status, body } = answer;
  if (status >= 200 && status < 300) return null;
  if (status === 401 || status === 403) {
    return 'Keap did not accept this key. Check that it was copied whole and is still active.';
  }
  if (status === 429)
    return 'Keap is busy (throttled) and could not check the key. Try again in a minute.';
  if (status >= 500)
    return `Keap had a server error (HTTP ${status}) while checking the key. Try again later.`;
  const message = keapErrorMessage(body);
  return `Keap refused the key check: ${message ?? `Keap gave no reason (its error code was ${status})`}.`;
}

export function readApiKey(store: KeyValueStore): StoredApiKey | null {
  const record = readJson<StoredApiKey>(store, USER_KEYS.apiKey);
  return record && typeof record.key === 'string' && record.key !== '' ? record : null;
}

export function storeApiKey(store: KeyValueStore, key: StoredApiKey): void {
  writeJson(store, USER_KEYS.apiKey, key);
}

export function removeApiKey(store: KeyValueStore): void {
  store.deleteProperty(USER_KEYS.apiKey);
}
