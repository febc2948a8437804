import type { WireResponse } from '../support/wire';
import type { OAuthServer } from './oauth';
import { newSecret } from './oauth';
import { INVALID_ACCESS_TOKEN, INVALID_API_KEY } from './responses';
import type { Caller } from './throttle';

/** How an API request proved who it is. */
export type TokenKind = 'bearer' | 'PAT' | 'SAK' | 'none';

export type ApiAuth =
  | { ok: true; tenant: string; caller: Caller; tokenKind: TokenKind }
  | { ok: false; tokenKind: TokenKind; response: WireResponse };

/** Personal Access Tokens and Service Account Keys: one Keap account each, no expiry. */
export class ApiKeyBook {
  private readonly keys = new Map<string, { tenant: string; kind: 'PAT' | 'SAK' }>();

  create(tenant: string, kind: 'PAT' | 'SAK', value?: string): string {
    const key = value ?? (kind === 'SAK' ? `KeapAK-${newSecret()}` : `KeapPAT-${newSecret()}`);
    if (kind === 'SAK' && !key.startsWith('KeapAK'))
      throw new Error('a Service Account Key starts with KeapAK');
    this.keys.set(key, { tenant, kind });
    return key;
  }

  find(key: string): { tenant: string; kind: 'PAT' | 'SAK' } | undefined {
    return this.keys.get(key);
  }
}

/** Bearer access token or X-Keap-API-Key, as the gateway checks them before any API call. */
export function authenticateApiCall(
  headers: Record<string, string>,
  now: number,
  oauth: OAuthServer,
  keys: ApiKeyBook,
): ApiAuth {
  const apiKey = headers['x-keap-api-key'];
  if (apiKey !== undefined) {
    const found = keys.find(apiKey.trim());
    if (!found) return { ok: false, tokenKind: 'none', response: INVALID_API_KEY() };
    return {
      ok: true,
      tenant: found.tenant,
      caller: { kind: 'key', key: apiKey.trim() },
      tokenKind: found.kind,
    };
  }
  const m = /^bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (!m) return { ok: false, tokenKind: 'none', response: INVALID_ACCESS_TOKEN() };
  const check = oauth.checkBearer(m[1], now);
  if (!check.ok) return { ok: false, tokenKind: 'bearer', response: check.response };
  return {
    ok: true,
    tenant: check.tenant,
    caller: { kind: 'oauth', clientId: check.clientId },
    tokenKind: 'bearer',
  };
}
