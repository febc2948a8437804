/**
 * The words of the page after Keap's consent screen (src/connection/callbackPage.ts decides
 * what happened). Keap's and the OAuth2 library's own words come as data, already shortened
 * and scrubbed of secrets.
 */
import type { CallbackPage, ConsentFailure, ConsentOutcome } from '../connection/callbackPage';
import { connectionProblemWords } from '../sync/statusText';

const CLOSE_HINT = 'You can close this tab and go back to the spreadsheet.';

export function consentPage(outcome: ConsentOutcome): CallbackPage {
  switch (outcome.kind) {
    case 'connected':
      return {
        outcome: 'connected',
        title: 'Connected to Keap',
        message: outcome.account
          ? 'Keap Sheets Sync can now read and update contacts in this Keap account:'
          : 'Keap Sheets Sync can now read and update contacts in your Keap account.',
        account: outcome.account,
        closeHint: CLOSE_HINT,
      };
    case 'denied':
      return {
        outcome: 'denied',
        title: 'Not connected',
        message:
          'Access was not granted on Keap’s page, so nothing was connected. ' +
          'To try again, use “Connect to Keap” in the sidebar.',
        account: null,
        closeHint: CLOSE_HINT,
      };
    case 'failed':
      return {
        outcome: 'failed',
        title: 'Could not connect to Keap',
        message: `${consentFailureWords(outcome.failure)} Start again with “Connect to Keap” in the sidebar.`,
        account: null,
        closeHint: CLOSE_HINT,
      };
    default: {
      const unknown: never = outcome;
      throw new Error(`unknown consent outcome ${JSON.stringify(unknown)}`);
    }
  }
}

/** Why the consent did not connect, in a sentence. */
export function consentFailureWords(failure: ConsentFailure): string {
  switch (failure.kind) {
    case 'keap-reported':
      return `Keap reported a problem: ${failure.detail}.`;
    case 'problem':
      return connectionProblemWords(failure.problem);
    case 'no-code':
      return 'The page Keap sent back had no sign-in code (the link may be incomplete or expired).';
    case 'code-refused':
      return 'Keap did not accept the sign-in code (it expired or was already used).';
    case 'app-refused':
      return "Keap did not accept the add-on's Keap app (check KEAP_CLIENT_ID and KEAP_CLIENT_SECRET).";
    case 'redirect-refused':
      return 'Keap did not accept the redirect URI: it must be registered in the Keap developer app.';
    case 'exchange-failed':
      return `Keap’s sign-in failed: ${failure.detail}.`;
    default: {
      const unknown: never = failure;
      throw new Error(`unknown consent failure ${JSON.stringify(unknown)}`);
    }
  }
}
