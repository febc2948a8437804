import { randomBytes } from 'node:crypto';
import type { WireRequest, WireResponse } from '../support/wire';
import type { KeapLimits } from './limits';
import { EXPIRED_ACCESS_TOKEN, INVALID_ACCESS_TOKEN, jsonResponse, oauthError } from './responses';

/**
 * Keap's OAuth2 server: the authorize decision, the token endpoint with refresh-token
 * rotation, and bearer-token checks for the API.
 */

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

interface Grant {
  clientId: string;
  tenant: string;
  expiresAt: number;
  dead: boolean;
}
interface AuthCode extends Grant {
  redirectUri: string;
}

export type ClientAuth = 'basic' | 'body' | 'none';

export interface TokenOutcome {
  response: WireResponse;
  grantType?: string;
  clientId?: string;
  clientAuth: ClientAuth;
}

export type BearerCheck =
  { ok: true; tenant: string; clientId: string } | { ok: false; response: WireResponse };

export type AuthorizeCheck =
  | { ok: true; client: OAuthClient; redirectUri: string }
  /** redirectError set: tell the app through its redirect URI; otherwise show the message. */
  | { ok: false; message: string; redirectUri?: string; redirectError?: string };

export interface OAuthCounts {
  refreshes: number;
  invalidGrants: number;
  refreshesWithoutBasic: number;
}

const NO_GRANT_TYPE = 'response_type or grant_type is required';

export class OAuthServer {
  private readonly clients = new Map<string, OAuthClient>();
  private readonly codes = new Map<string, AuthCode>();
  private readonly refreshTokens = new Map<string, Grant>();
  private readonly accessTokens = new Map<string, Grant>();
  readonly counts: OAuthCounts = { refreshes: 0, invalidGrants: 0, refreshesWithoutBasic: 0 };

  constructor(
    private readonly limits: () => KeapLimits,
    private readonly tenantExists: (tenant: string) => boolean,
  ) {}

  registerClient(c: OAuthClient): void {
    this.clients.set(c.clientId, { ...c, redirectUris: [...c.redirectUris] });
  }

  checkAuthorizeQuery(query: Record<string, string>): AuthorizeCheck {
    const client = this.clients.get(query.client_id ?? '');
    if (!client) return { ok: false, message: 'Unknown client_id' };
    const redirectUri = query.redirect_uri ?? '';
    if (!client.redirectUris.includes(redirectUri)) {
      return { ok: false, message: 'redirect_uri is not registered for this client' };
    }
    if (query.response_type !== 'code') {
      return {
        ok: false,
        message: 'response_type must be code',
        redirectUri,
        redirectError: 'unsupported_response_type',
      };
    }
    return { ok: true, client, redirectUri };
  }

  /** What Keap's authorize page does on Allow / Deny: the URL it redirects the browser to. */
  authorize(
    query: Record<string, string>,
    decision: { approve: boolean; tenant: string },
    now: number,
  ): string {
    const check = this.checkAuthorizeQuery(query);
    if (!check.ok && !check.redirectError) throw new Error(`authorize refused: ${check.message}`);
    const target = new URL(check.ok ? check.redirectUri : (check.redirectUri as string));
    if (!check.ok) {
      target.searchParams.set('error', check.redirectError as string);
    } else if (!decision.approve) {
      target.searchParams.set('error', 'access_denied');
    } else {
      if (!this.tenantExists(decision.tenant))
        throw new Error(`authorize refused: unknown tenant ${decision.tenant}`);
      const code = newSecret();
      this.codes.set(code, {
        clientId: check.client.clientId,
        tenant: decision.tenant,
        redirectUri: check.redirectUri,
        expiresAt: now + this.limits().authCodeTtlMs,
        dead: false,
      });
      target.searchParams.set('code', code);
    }
    if (query.state !== undefined) target.searchParams.set('state', query.state);
    return target.toString();
  }

  /** POST /token. */
  token(req: WireRequest, now: number): TokenOutcome {
    const isForm = (req.headers['content-type'] ?? '')
      .toLowerCase()
      .startsWith('application/x-www-form-urlencoded');
    // Keap reads only form fields: a JSON body looks like a request with no grant_type at all.
    const form = new URLSearchParams(isForm ? req.body : '');
    const creds = clientCredentials(req, form);
    const grantType = form.get('grant_type') ?? undefined;
    const outcome = (response: WireResponse): TokenOutcome => ({
      response,
      grantType,
      clientId: creds.clientId,
      clientAuth: creds.auth,
    });
    if (!grantType) return outcome(oauthError(400, 'invalid_request', NO_GRANT_TYPE));
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      return outcome(
        oauthError(400, 'unsupported_grant_type', `Unsupported grant_type: ${grantType}`),
      );
    }
    const client = this.clients.get(creds.clientId ?? '');
    if (!client || client.clientSecret !== creds.clientSecret) {
      return outcome(oauthError(401, 'invalid_client', 'Invalid client credentials'));
    }
    if (grantType === 'authorization_code') return outcome(this.exchangeCode(client, form, now));
    if (creds.auth !== 'basic') this.counts.refreshesWithoutBasic++;
    return outcome(this.refresh(client, form, now));
  }

  checkBearer(token: string, now: number): BearerCheck {
    const grant = this.accessTokens.get(token);
    if (!grant || grant.dead) return { ok: false, response: INVALID_ACCESS_TOKEN() };
    if (now >= grant.expiresAt) return { ok: false, response: EXPIRED_ACCESS_TOKEN() };
    return { ok: true, tenant: grant.tenant, clientId: grant.clientId };
  }

  revokeRefreshTokens(clientId?: string): void {
    for (const g of this.refreshTokens.values())
      if (clientId === undefined || g.clientId === clientId) g.dead = true;
  }

  revokeAccessTokens(): void {
    for (const g of this.accessTokens.values()) g.dead = true;
  }

  private exchangeCode(client: OAuthClient, form: URLSearchParams, now: number): WireResponse {
    const code = this.codes.get(form.get('code') ?? '');
    if (!code || code.dead || now >= code.expiresAt || code.clientId !== client.clientId) {
      return this.invalidGrant('Invalid authorization code');
    }
    if (form.get('redirect_uri') !== code.redirectUri)
      return this.invalidGrant('Invalid redirect_uri');
    code.dead = true;
    return this.issue(client.clientId, code.tenant, now);
  }

  private refresh(client: OAuthClient, form: URLSearchParams, now: number): WireResponse {
    const grant = this.refreshTokens.get(form.get('refresh_token') ?? '');
    if (!grant || grant.dead || now >= grant.expiresAt || grant.clientId !== client.clientId) {
      return this.invalidGrant('Invalid refresh token');
    }
    // Rotation: the refresh token just used dies; only the new one works from now on.
    grant.dead = true;
    this.counts.refreshes++;
    return this.issue(client.clientId, grant.tenant, now);
  }

  private invalidGrant(description: string): WireResponse {
    this.counts.invalidGrants++;
    return oauthError(400, 'invalid_grant', description);
  }

  private issue(clientId: string, tenant: string, now: number): WireResponse {
    const l = this.limits();
    const access = newSecret();
    const refresh = newSecret();
    this.accessTokens.set(access, {
      clientId,
      tenant,
      expiresAt: now + l.accessTokenTtlMs,
      dead: false,
    });
    this.refreshTokens.set(refresh, {
      clientId,
      tenant,
      expiresAt: now + l.refreshTokenTtlMs,
      dead: false,
    });
    return jsonResponse(200, {
      access_token: access,
      token_type: 'bearer',
      expires_in: Math.round(l.accessTokenTtlMs / 1000),
      refresh_token: refresh,
      scope: `full|${tenant}.infusionsoft.com`,
    });
  }
}

function clientCredentials(
  req: WireRequest,
  form: URLSearchParams,
): { clientId?: string; clientSecret?: string; auth: ClientAuth } {
  const header = req.headers.authorization ?? '';
  if (/^basic /i.test(header)) {
    const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon >= 0)
      return {
        clientId: decoded.slice(0, colon),
        clientSecret: decoded.slice(colon + 1),
        auth: 'basic',
      };
    return { auth: 'basic' };
  }
  const clientId = form.get('client_id') ?? undefined;
  const clientSecret = form.get('client_secret') ?? undefined;
  return { clientId, clientSecret, auth: clientId !== undefined ? 'body' : 'none' };
}

export function newSecret(): string {
  return randomBytes(18).toString('base64url');
}
