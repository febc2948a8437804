import type { WireResponse } from '../support/wire';

/** Builders for the answer shapes Keap's different layers use. */

const JSON_TYPE = 'application/json;charset=UTF-8';

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): WireResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body: JSON.stringify(body) };
}

export function textResponse(status: number, body: string, contentType: string): WireResponse {
  return { status, headers: { 'content-type': contentType }, body };
}

export function redirectResponse(location: string): WireResponse {
  return {
    status: 302,
    headers: { location, 'content-type': 'text/html;charset=UTF-8' },
    body: '',
  };
}

/** REST v2 error body: {code, message, status, details[]} (spec components/schemas/Error). */
export function v2Error(code: number, message: string): WireResponse {
  return jsonResponse(code, { code, message, status: V2_STATUS[code] ?? 'UNKNOWN', details: [] });
}

const V2_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'ALREADY_EXISTS',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  503: 'UNAVAILABLE',
};

/** REST v1 error body. */
export function v1Error(code: number, message: string): WireResponse {
  return jsonResponse(code, { message });
}

/** The API gateway's fault body (bad or expired credentials, unknown proxy path). */
export function gatewayFault(status: number, faultstring: string, errorcode: string): WireResponse {
  return jsonResponse(status, { fault: { faultstring, detail: { errorcode } } });
}

export function oauthError(status: number, error: string, description: string): WireResponse {
  return jsonResponse(status, { error, error_description: description });
}

export const INVALID_ACCESS_TOKEN = (): WireResponse =>
  gatewayFault(401, 'Invalid Access Token', 'keymanagement.service.invalid_access_token');
export const EXPIRED_ACCESS_TOKEN = (): WireResponse =>
  gatewayFault(401, 'Access Token expired', 'keymanagement.service.access_token_expired');
/** Unconfirmed wording: the gateway's usual answer to an unknown API key. */
export const INVALID_API_KEY = (): WireResponse =>
  gatewayFault(401, 'Invalid ApiKey', 'oauth.v2.InvalidApiKey');

export const QUOTA_EXCEEDED_BODY = {
  code: '429',
  message: 'Quota Exceeded',
  status: 'Request Throttled',
};

/**
 * Keap's answer to a request that a throttle or the spent daily quota refused: 429 with the
 * documented body. Unconfirmed, and chosen here only: a spent daily quota gets the same answer
 * as a throttle, and the refusal carries the product headers (quota `available` 0 once spent).
 */
export function requestRefused(headers: Record<string, string> = {}): WireResponse {
  return jsonResponse(429, QUOTA_EXCEEDED_BODY, headers);
}
