import type { Clock, WireMethod, WireResponse } from '../support/wire';
import { KeapSimulator, type KeapSimulatorOptions } from './simulator';

/** Helpers for the simulator's own tests: a clock to move, requests, a connected app. */

export class ManualClock implements Clock {
  constructor(private t = Date.UTC(2026, 2, 10, 9, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(epochMs: number): void {
    this.t = epochMs;
  }
}

export const API = 'https://api.infusionsoft.com';
export const V2 = `${API}/crm/rest/v2`;
export const CLIENT = {
  clientId: 'client-1',
  clientSecret: 'secret-1',
  redirectUris: ['https://script.google.com/macros/d/abc/usercallback'],
};
export const TENANT = 'xy123';

export function newSim(options: Partial<KeapSimulatorOptions> = {}): {
  sim: KeapSimulator;
  clock: ManualClock;
} {
  const clock = new ManualClock();
  const sim = new KeapSimulator({ clock, ...options });
  sim.registerClient(CLIENT);
  sim.addTenant(TENANT);
  return { sim, clock };
}

export function call(
  sim: KeapSimulator,
  method: WireMethod,
  url: string,
  headers: Record<string, string> = {},
  body = '',
): WireResponse {
  return sim.handle({ method, url, headers, body });
}

export function json<T = Record<string, unknown>>(r: WireResponse): T {
  return JSON.parse(r.body) as T;
}

export const bearer = (token: string): Record<string, string> => ({
  authorization: `Bearer ${token}`,
});

export function basic(id = CLIENT.clientId, secret = CLIENT.clientSecret): string {
  return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
}

export const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

export function authorizeQuery(state = 'st-1'): Record<string, string> {
  return {
    client_id: CLIENT.clientId,
    redirect_uri: CLIENT.redirectUris[0],
    response_type: 'code',
    scope: 'full',
    state,
  };
}

export function exchangeCode(
  sim: KeapSimulator,
  code: string,
  redirectUri = CLIENT.redirectUris[0],
): WireResponse {
  const body = new URLSearchParams({
    client_id: CLIENT.clientId,
    client_secret: CLIENT.clientSecret,
    code,
    grant_type: 'authorization_code',
    redirect_uri: redirectUri,
  }).toString();
  return call(sim, 'POST', `${API}/token`, FORM, body);
}

export function refresh(sim: KeapSimulator, refreshToken: string): WireResponse {
  const body = new URLSearchParams({
    grant_type: 'refresh_token',
    refresh_token: refreshToken,
  }).toString();
  return call(sim, 'POST', `${API}/token`, { ...FORM, authorization: basic() }, body);
}

export interface Tokens {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  scope: string;
  token_type: string;
}

/** Consent approved for TENANT and the code exchanged: what the add-on holds after connecting. */
export function connect(sim: KeapSimulator, tenant = TENANT): Tokens {
  const redirect = new URL(sim.authorize(authorizeQuery(), { approve: true, tenant }));
  const r = exchangeCode(sim, redirect.searchParams.get('code') as string);
  if (r.status !== 200) throw new Error(`connect failed: ${r.status} ${r.body}`);
  return json<Tokens>(r);
}

export function patchEmails(
  sim: KeapSimulator,
  token: string,
  id: number,
  emails: { email: string; field: string }[],
): WireResponse {
  return call(
    sim,
    'PATCH',
    `${V2}/contacts/${id}?update_mask=email_addresses`,
    { ...bearer(token), 'content-type': 'application/json' },
    JSON.stringify({ email_addresses: emails }),
  );
}
