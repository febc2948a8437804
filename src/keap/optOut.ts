/**
 * Opting an email out of Keap marketing: the one place that knows how.
 *
 * Why XML-RPC: Keap documents opting OUT only through XML-RPC APIEmailService.optOut. The REST
 * v2 email-status endpoint documents opting in only, and Keap staff have said REST has no
 * opt-out. XML-RPC accepts OAuth bearer tokens and API keys like REST does. If Keap ever
 * documents a REST opt-out, only this file changes.
 */
import { KEAP_XML_RPC_URL } from './config';
import type { KeapRequest } from './requestRunner';
import { decodeMethodResponse, encodeMethodCall, XmlRpcFormatError } from './xmlRpc';

/**
 * Statuses in which Keap will not send marketing email because the person opted out or the
 * address is blocked (bounces, spam complaints, admin lockdown, ...). An email in one of them
 * is already where an opt-out would put it, so the sync leaves it alone.
 * NON_MARKETABLE and UNENGAGED_NON_MARKETABLE are left out on purpose: they mean "no consent
 * on file yet", not "opted out", so a requested opt-out still has to be recorded for them.
 */
export const OPTED_OUT_STATUSES: ReadonlySet<string> = new Set([
  'LOCKDOWN',
  'BOUNCE',
  'HARD_BOUNCE',
  'MANUAL',
  'ADMIN',
  'SYSTEM',
  'LIST_UNSUBSCRIBE',
  'FEEDBACK',
  'SPAM',
  'INVALID',
  'DEACTIVATED',
]);

export function isOptedOutStatus(status: string): boolean {
  return OPTED_OUT_STATUSES.has(status.trim().toUpperCase());
}

/**
 * XML-RPC still takes the legacy API key as first parameter; with OAuth or a PAT/SAK its value
 * is not checked (Keap's PHP SDK sends a placeholder too). It is never a real key.
 */
const PRIVATE_KEY_PLACEHOLDER = 'not-used-with-oauth';
const DEFAULT_REASON = 'Opted out from Keap Sheets Sync';

export function optOutRequest(email: string, reason: string): KeapRequest {
  const why = reason.trim() === '' ? DEFAULT_REASON : reason.trim();
  return {
    method: 'post',
    url: KEAP_XML_RPC_URL,
    headers: { Accept: 'text/xml' },
    contentType: 'text/xml',
    body: encodeMethodCall('APIEmailService.optOut', [PRIVATE_KEY_PLACEHOLDER, email, why]),
  };
}

/** Reads a 2xx XML-RPC answer to optOut: true, or plain words for what went wrong. */
export function readOptOutAnswer(body: string): { ok: true } | { ok: false; error: string } {
  let answer;
  try {
    answer = decodeMethodResponse(body);
  } catch (error) {
    if (error instanceof XmlRpcFormatError) {
      return { ok: false, error: 'Keap sent an opt-out answer the add-on could not read' };
    }
    throw error;
  }
  if (answer.kind === 'fault') {
    return { ok: false, error: `Keap refused the opt-out: ${answer.message.slice(0, 200)}` };
  }
  if (answer.value === true) return { ok: true };
  return { ok: false, error: 'Keap did not opt out the email (Keap answered false)' };
}
