/**
 * Lost access: Keap no longer accepts the connection (refresh token rejected, app removed,
 * API key revoked). Why is kept in the user's properties, as a code, so the sidebar can say
 * it and unattended runs stop trying, until someone reconnects. The words are chosen at the
 * edge (src/sync/statusText.ts connectionProblemWords).
 */
import type { ConnectionFault, ConnectionProblem } from '../keap/failure';
import { hash53 } from '../sheet/hash';
import { readJson, writeJson, type KeyValueStore } from './storePorts';
import { USER_KEYS } from './userRecords';

/** The refusals that last until someone reconnects: what a lost-access record keeps. */
export type LostAccessProblem = Extract<
  ConnectionProblem,
  { kind: 'sign-in-ended' | 'app-rejected' | 'api-key-rejected' | 'recorded' }
>;

export interface LostAccess {
  problem: LostAccessProblem;
  /** ISO 8601 time Keap first refused. */
  since: string;
  account: string | null;
  method: 'oauth' | 'api-key';
}

export type RefreshFailure =
  { lost: true; problem: LostAccessProblem } | { lost: false; fault: ConnectionFault };

/**
 * Tells a dead connection from a passing fault, given the error the OAuth2 library kept
 * (getLastError) or threw. The library words token-endpoint refusals as
 * "Error retrieving token: <error>, <description>" (its words, not ours); network faults and
 * HTML error pages read differently and are worth another try later.
 */
export function classifyRefreshFailure(error: unknown): RefreshFailure {
  const message = error instanceof Error ? error.message : String(error ?? '');
  if (/\binvalid_grant\b/i.test(message) || /offline access is required/i.test(message)) {
    return { lost: true, problem: { kind: 'sign-in-ended' } };
  }
  if (/\b(invalid_client|unauthorized_client)\b/i.test(message)) {
    return { lost: true, problem: { kind: 'app-rejected' } };
  }
  return { lost: false, fault: { kind: 'renewal-failed' } };
}

/**
 * The record as the released version (before the codes) saved it: `reason`, its sentence.
 * Read here, and only here, so a connection lost before an update still says why.
 */
interface SentenceRecord {
  reason: string;
  since: string;
  account: string | null;
  method: 'oauth' | 'api-key';
}

/**
 * The released version's three sentences, by the problem each said, known by their hash53
 * (src/sheet/hash.ts) so that no sentence lives here: the words are chosen in
 * src/sync/statusText.ts connectionProblemWords, which still says exactly these (lostAccess.test.ts
 * reads each sentence back, byte for byte). A sentence not among them is kept as it is.
 */
const RELEASED_SENTENCES: ReadonlyMap<string, LostAccessProblem> = new Map([
  ['1dc69bcedc744a', { kind: 'sign-in-ended' }],
  ['150f978567b56b', { kind: 'app-rejected' }],
  ['032d88168ee3d3', { kind: 'api-key-rejected' }],
]);

function fromSentenceRecord(record: SentenceRecord): LostAccess {
  const problem: LostAccessProblem = RELEASED_SENTENCES.get(hash53(record.reason)) ?? {
    kind: 'recorded',
    text: record.reason,
    // The released version's sentences all ended with what to do.
    instructs: true,
  };
  return { problem, since: record.since, account: record.account, method: record.method };
}

function isLostAccessProblem(value: unknown): value is LostAccessProblem {
  if (typeof value !== 'object' || value === null) return false;
  const problem = value as { kind?: unknown; text?: unknown; instructs?: unknown };
  switch (problem.kind) {
    case 'sign-in-ended':
    case 'app-rejected':
    case 'api-key-rejected':
      return true;
    case 'recorded':
      return typeof problem.text === 'string' && typeof problem.instructs === 'boolean';
    default:
      return false;
  }
}

export function readLostAccess(store: KeyValueStore): LostAccess | null {
  const record = readJson<Partial<LostAccess> & { reason?: unknown }>(store, USER_KEYS.lostAccess);
  if (!record) return null;
  if (isLostAccessProblem(record.problem)) return record as LostAccess;
  if (typeof record.reason === 'string') return fromSentenceRecord(record as SentenceRecord);
  return null;
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
