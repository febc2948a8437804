/**
 * What the person answered on Keap's consent page when it was not "Allow": a short note the
 * sidebar reads while it waits, so it stops waiting and says so instead of spinning for
 * minutes. It lives in the person's own user cache for 10 minutes: it matters only while a
 * sidebar waits, changes nothing about the connection, and another person never sees it.
 */
import type { CallbackPage } from './callbackPage';

export interface ConsentAnswer {
  outcome: 'denied' | 'failed';
  /** The callback page's own words (plain, already scrubbed of anything secret). */
  message: string;
  /** ISO 8601: the sidebar tells a new answer from one it saw before by this. */
  at: string;
}

/** The part of Apps Script's Cache the note uses. */
export interface NoteCache {
  get(key: string): string | null;
  put(key: string, value: string, expirationInSeconds: number): void;
  remove(key: string): void;
}

export const CONSENT_NOTE_KEY = 'keapSheetsSync.consentAnswer';
export const CONSENT_NOTE_SECONDS = 600;

/** Keeps a refusal (or failure) for the sidebar; a success removes an older one. */
export function noteConsentAnswer(cache: NoteCache, page: CallbackPage, at: string): void {
  if (page.outcome === 'connected') {
    cache.remove(CONSENT_NOTE_KEY);
    return;
  }
  const answer: ConsentAnswer = { outcome: page.outcome, message: page.message, at };
  cache.put(CONSENT_NOTE_KEY, JSON.stringify(answer), CONSENT_NOTE_SECONDS);
}

export function readConsentAnswer(cache: NoteCache): ConsentAnswer | null {
  const text = cache.get(CONSENT_NOTE_KEY);
  if (!text) return null;
  try {
    const parsed = JSON.parse(text) as Partial<ConsentAnswer>;
    if (
      (parsed.outcome !== 'denied' && parsed.outcome !== 'failed') ||
      typeof parsed.message !== 'string' ||
      typeof parsed.at !== 'string'
    ) {
      return null;
    }
    return { outcome: parsed.outcome, message: parsed.message, at: parsed.at };
  } catch {
    return null;
  }
}
