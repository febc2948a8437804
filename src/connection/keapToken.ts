/** The token the OAuth2 library stores for Keap, read with care (it is typed `object | null`). */

export interface KeapToken {
  access_token: string;
  refresh_token?: string;
  /** Seconds the access token lives (Keap: 86400). */
  expires_in?: number;
  /** Epoch seconds, added by the library when it saves the token. */
  expiresAt?: number;
  /** Epoch seconds, written by older library versions. */
  granted_time?: number;
  /** Keap's scope carries the account: "full|xy123.infusionsoft.com". */
  scope?: string;
}

export function asKeapToken(raw: object | null | undefined): KeapToken | null {
  if (!raw) return null;
  const token = raw as Partial<KeapToken>;
  return typeof token.access_token === 'string' && token.access_token !== ''
    ? (token as KeapToken)
    : null;
}

/** The Keap account host from a scope such as "full|xy123.infusionsoft.com"; null when absent. */
export function accountFromScope(scope: string | undefined | null): string | null {
  if (!scope) return null;
  for (const part of scope.split(/\s+/)) {
    const bar = part.indexOf('|');
    if (bar < 0) continue;
    const host = part
      .slice(bar + 1)
      .trim()
      .toLowerCase();
    if (/^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/.test(host)) return host;
  }
  return null;
}

/** When the access token was issued (epoch ms), from the library's bookkeeping; null if unknown. */
export function tokenIssuedAtMs(token: KeapToken): number | null {
  const lifetime = Number(token.expires_in);
  if (typeof token.expiresAt === 'number' && Number.isFinite(lifetime) && lifetime > 0) {
    return (token.expiresAt - lifetime) * 1000;
  }
  if (typeof token.granted_time === 'number') return token.granted_time * 1000;
  return null;
}

/** True when the token is older than `maxAgeMs`, or its age cannot be told. */
export function isTokenOlderThan(token: KeapToken, maxAgeMs: number, nowMs: number): boolean {
  const issuedAt = tokenIssuedAtMs(token);
  return issuedAt === null || nowMs - issuedAt >= maxAgeMs;
}
