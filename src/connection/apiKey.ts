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

/** Why a pasted key was not kept; worded by src/ui/apiKeyWords.ts. */
export type ApiKeyProblem =
  | { kind: 'empty' }
  | { kind: 'has-spaces' }
  | { kind: 'not-a-key' }
  /** The key check could not reach Keap. */
  | { kind: 'check-unreachable' }
  /** 401 or 403: Keap does not accept the key. */
  | { kind: 'key-refused' }
  | { kind: 'check-throttled' }
  | { kind: 'check-server-error'; status: number }
  /** Any other answer but 2xx; Keap's own message (data to show, the key scrubbed from it). */
  | { kind: 'check-refused'; status: number; keapMessage: string | null };

/** A key that was not kept, and why; the entry point words it for the sidebar. */
export class ApiKeyError extends Error {
  constructor(readonly problem: ApiKeyProblem) {
    super(`The API key was not kept (${problem.kind})`);
    this.name = 'ApiKeyError';
  }
}

export function checkApiKeyFormat(
  raw: unknown,
): { ok: true; key: string; kind: ApiKeyKind } | { ok: false; problem: ApiKeyProblem } {
  const key = typeof raw === 'string' ? raw.trim() : '';
  if (key === '') return { ok: false, problem: { kind: 'empty' } };
  if (/\s/.test(key)) return { ok: false, problem: { kind: 'has-spaces' } };
  if (key.length > MAX_KEY_LENGTH || !/^[\x21-\x7e]+$/.test(key)) {
    return { ok: false, problem: { kind: 'not-a-key' } };
  }
  const kind: ApiKeyKind = key.startsWith(SERVICE_ACCOUNT_KEY_PREFIX)
    ? 'service-account-key'
    : 'personal-access-token';
  return { ok: true, key, kind };
}

/** What Keap's answer to the key check says of the key (null when the key works). */
export function keyCheckProblem(
  answer: { status: number; body: string } | 'unreachable',
): ApiKeyProblem | null {
  if (answer === 'unreachable') return { kind: 'check-unreachable' };
  const { status, body } = answer;
  if (status >= 200 && status < 300) return null;
  if (status === 401 || status === 403) return { kind: 'key-refused' };
  if (status === 429) return { kind: 'check-throttled' };
  if (status >= 500) return { kind: 'check-server-error', status };
  return { kind: 'check-refused', status, keapMessage: keapErrorMessage(body) };
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
