import type { WireResponse } from '../support/wire';
import { textResponse } from './responses';

/**
 * How this simulated Keap opts an address out: the REST v2 opt-out (PATCH
 * /v2/emailAddresses/{email}/status with opted_in:false) and XML-RPC APIEmailService, each
 * a mode, decided here and nowhere else. Keap does not document the REST opt-out
 * (shared/keap/README.md "REST v2 replacement"), so every REST mode is a world the add-on
 * must survive; the default is the one Keap now states ("REST v2 covers what XML-RPC did").
 */

/** works: the address ends non-marketable (API_OPT_OUT_STATUS); refused: 400; noop: 200, nothing changes. */
export const REST_OPT_OUT_MODES = ['works', 'refused', 'noop'] as const;
export type RestOptOutMode = (typeof REST_OPT_OUT_MODES)[number];

/** up: answers; brownout: 503 HTML page (Keap's planned outages); gone: 404 HTML page. */
export const XML_RPC_MODES = ['up', 'brownout', 'gone'] as const;
export type XmlRpcMode = (typeof XML_RPC_MODES)[number];

export interface OptOutModes {
  restOptOut: RestOptOutMode;
  xmlRpc: XmlRpcMode;
}

export const DEFAULT_OPT_OUT_MODES: OptOutModes = { restOptOut: 'works', xmlRpc: 'up' };

/** Keap shuts XML-RPC down for good on 2026-12-31: from 2027-01-01T00:00Z every call fails. */
export const XML_RPC_SUNSET_MS = Date.UTC(2027, 0, 1);

/** The XML-RPC mode in force at `now`: after the sunset it is gone whatever was chosen. */
export function xmlRpcModeAt(chosen: XmlRpcMode, now: number): XmlRpcMode {
  return now >= XML_RPC_SUNSET_MS ? 'gone' : chosen;
}

/** What an XML-RPC call gets in a mode other than `up` (Keap's front end, not XML-RPC). */
export function xmlRpcOutage(mode: XmlRpcMode): WireResponse | null {
  if (mode === 'brownout') {
    return textResponse(
      503,
      '<html><head><title>503 Service Unavailable</title></head><body><h1>XML-RPC is temporarily unavailable</h1><p>Scheduled XML-RPC brownout.</p></body></html>',
      'text/html',
    );
  }
  if (mode === 'gone') {
    return textResponse(
      404,
      '<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1><p>The XML-RPC API has been retired.</p></body></html>',
      'text/html',
    );
  }
  return null;
}

export function isRestOptOutMode(value: string): value is RestOptOutMode {
  return (REST_OPT_OUT_MODES as readonly string[]).includes(value);
}

export function isXmlRpcMode(value: string): value is XmlRpcMode {
  return (XML_RPC_MODES as readonly string[]).includes(value);
}
