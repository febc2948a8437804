import type { WireResponse } from '../support/wire';
import type { EmailStatusBook } from './emailStatus';
import { isOptedIn, optStatusCode } from './emailStatus';
import type { RouteName } from './routes';
import { textResponse } from './responses';
import {
  faultResponse,
  methodResponse,
  parseMethodCall,
  XmlRpcParseError,
  type MethodCall,
} from './xmlrpcCodec';

/**
 * POST /crm/xmlrpc/v1: the APIEmailService methods the add-on uses. Fault codes follow the
 * common XML-RPC conventions; Keap's own codes and wording are unconfirmed.
 */

const PARSE_ERROR = -32700;
const NO_SUCH_METHOD = -32601;
const BAD_PARAMS = -32602;

export type ParsedXmlRpc = { ok: true; call: MethodCall } | { ok: false; message: string };

export function parseXmlRpcBody(body: string): ParsedXmlRpc {
  try {
    return { ok: true, call: parseMethodCall(body) };
  } catch (err) {
    if (err instanceof XmlRpcParseError) return { ok: false, message: err.message };
    throw err;
  }
}

export function xmlrpcRouteName(parsed: ParsedXmlRpc): RouteName {
  if (!parsed.ok) return 'xmlrpc.unknown';
  if (parsed.call.methodName === 'APIEmailService.optOut') return 'xmlrpc.optOut';
  if (parsed.call.methodName === 'APIEmailService.getOptStatus') return 'xmlrpc.getOptStatus';
  return 'xmlrpc.unknown';
}

export function isXmlContentType(contentType: string | undefined): boolean {
  return /^(text|application)\/xml\b/i.test(contentType ?? '');
}

export function answerXmlRpc(
  parsed: ParsedXmlRpc,
  emails: EmailStatusBook,
  now: number,
): WireResponse {
  if (!parsed.ok) return xml(faultResponse(PARSE_ERROR, `Parse error: ${parsed.message}`));
  const { methodName, params } = parsed.call;
  // The first parameter (privateKey) must be present; with OAuth its value is not checked.
  switch (methodName) {
    case 'APIEmailService.optOut': {
      const [, email, reason] = params;
      if (params.length !== 3 || typeof email !== 'string' || typeof reason !== 'string') {
        return xml(faultResponse(BAD_PARAMS, 'optOut expects (privateKey, email, reason)'));
      }
      if (!email.includes('@')) return xml(methodResponse(false));
      emails.optOut(email.trim(), reason, now);
      const after = emails.get(email.trim());
      return xml(methodResponse(after !== undefined && !isOptedIn(after.status)));
    }
    case 'APIEmailService.getOptStatus': {
      const [, email] = params;
      if (params.length !== 2 || typeof email !== 'string') {
        return xml(faultResponse(BAD_PARAMS, 'getOptStatus expects (privateKey, email)'));
      }
      const record = emails.get(email.trim());
      return xml(methodResponse(record ? optStatusCode(record.status) : 0));
    }
    default:
      return xml(faultResponse(NO_SUCH_METHOD, `No such method: ${methodName}`));
  }
}

function xml(body: string): WireResponse {
  return textResponse(200, body, 'text/xml;charset=UTF-8');
}
