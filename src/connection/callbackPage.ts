/**
 * What the page after Keap's consent screen says. Everything here is printed with `<?= ?>`
 * (escaped) in AuthCallback.html.
 */
import { scrubSecrets } from '../keap/keapErrors';

export interface CallbackPage {
  outcome: 'connected' | 'denied' | 'failed';
  title: string;
  message: string;
  /** Keap account host, e.g. "xy123.infusionsoft.com"; null when unknown or not connected. */
  account: string | null;
  closeHint: string;
}

const CLOSE_HINT = 'You can close this tab and go back to the spreadsheet.';
const MAX_DETAIL = 200;

export function connectedPage(account: string | null): CallbackPage {
  return {
    outcome: 'connected',
    title: 'Connected to Keap',
    message: account
      ? 'Keap Sheets Sync can now read and update contacts in this Keap account:'
      : 'Keap Sheets Sync can now read and update contacts in your Keap account.',
    account,
    closeHint: CLOSE_HINT,
  };
}

export function deniedPage(): CallbackPage {
  return {
    outcome: 'denied',
    title: 'Not connected',
    message:
      'Access was not granted on Keap’s page, so nothing was connected. ' +
      'To try again, use “Connect to Keap” in the sidebar.',
    account: null,
    closeHint: CLOSE_HINT,
  };
}

export function failedPage(reason: string): CallbackPage {
  return {
    outcome: 'failed',
    title: 'Could not connect to Keap',
    message: `${reason} Start again with “Connect to Keap” in the sidebar.`,
    account: null,
    closeHint: CLOSE_HINT,
  };
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_DETAIL ? `${flat.slice(0, MAX_DETAIL - 1)}…` : flat;
}

/** Keap sent the person back with `error` (other than a plain denial). */
export function providerErrorReason(error: string, description: string | undefined): string {
  return `Keap reported a problem: ${shorten(description || error)}.`;
}

/**
 * Words for a failed code exchange, from the library's error. The state check is done by
 * Apps Script before this code runs; what can fail here is the code itself (expired, used
 * twice) or Keap's token endpoint.
 */
export function exchangeFailureReason(error: unknown, secrets: string[]): string {
  const raw = error instanceof Error ? error.message : String(error);
  if (/invalid_grant/i.test(raw)) {
    return 'Keap did not accept the sign-in code (it expired or was already used).';
  }
  if (/invalid_client|unauthorized_client/i.test(raw)) {
    return "Keap did not accept the add-on's Keap app (check KEAP_CLIENT_ID and KEAP_CLIENT_SECRET).";
  }
  if (/redirect_uri/i.test(raw)) {
    return 'Keap did not accept the redirect URI: it must be registered in the Keap developer app.';
  }
  return `Keap’s sign-in failed: ${shorten(scrubSecrets(raw.replace(/^Error retrieving token: /, ''), secrets))}.`;
}
