/**
 * What happened on the way back from Keap's consent screen, as a code and data: the page's
 * words are chosen in src/ui/consentPage.ts (handed in by src/entry/connection.ts, since
 * src/connection may not import src/ui), and printed with `<?= ?>` (escaped) in
 * AuthCallback.html.
 */
import type { ConnectionProblem } from '../keap/failure';
import { scrubSecrets } from '../keap/keapErrors';

export interface CallbackPage {
  outcome: 'connected' | 'denied' | 'failed';
  title: string;
  message: string;
  /** Keap account host, e.g. "xy123.infusionsoft.com"; null when unknown or not connected. */
  account: string | null;
  closeHint: string;
}

/** Why the consent did not connect (other than a plain denial). */
export type ConsentFailure =
  /** Keap sent the person back with an error: its own words (shortened), never parsed. */
  | { kind: 'keap-reported'; detail: string }
  /** The add-on's own setup is missing (the script properties). */
  | { kind: 'problem'; problem: ConnectionProblem }
  /** The page Keap sent back had no sign-in code. */
  | { kind: 'no-code' }
  /** The code exchange, told apart by the OAuth2 library's error (its words, not ours). */
  | { kind: 'code-refused' }
  | { kind: 'app-refused' }
  | { kind: 'redirect-refused' }
  /** Any other exchange failure: the library's words, scrubbed of secrets and shortened. */
  | { kind: 'exchange-failed'; detail: string };

export type ConsentOutcome =
  | { kind: 'connected'; account: string | null }
  | { kind: 'denied' }
  | { kind: 'failed'; failure: ConsentFailure };

/** The page's words for an outcome, chosen at the edge (src/ui/consentPage.ts). */
export type ConsentWords = (outcome: ConsentOutcome) => CallbackPage;

const MAX_DETAIL = 200;

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL - 1)}…` : flat;
}

/** Keap sent the person back with `error` (other than a plain denial). */
export function providerFailure(error: string, description: string | undefined): ConsentFailure {
  return { kind: 'keap-reported', detail: shorten(description || error) };
}

/**
 * A failed code exchange, from the library's error. The state check is done by Apps Script
 * before this code runs; what can fail here is the code itself (expired, used twice) or
 * Keap's token endpoint.
 */
export function exchangeFailure(error: unknown, secrets: string[]): ConsentFailure {
  const raw = error instanceof Error ? error.message : String(error);
  if (/invalid_grant/i.test(raw)) return { kind: 'code-refused' };
  if (/invalid_client|unauthorized_client/i.test(raw)) return { kind: 'app-refused' };
  if (/redirect_uri/i.test(raw)) return { kind: 'redirect-refused' };
  const detail = scrubSecrets(raw.replace(/^Error retrieving token: /, ''), secrets);
  return { kind: 'exchange-failed', detail: shorten(detail) };
}
