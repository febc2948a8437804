/**
 * Which Keap account a connection reaches, as an id short and plain enough for a sync record
 * cell, and the name people read for it. Pure.
 *
 * OAuth: the tenant Keap names in the token's scope ("full|xy123.infusionsoft.com"). An API
 * key (PAT/SAK): Keap documents no request that names the account a key reaches (the
 * business profile has no id, userinfo is OAuth's), so the key itself stands for it, by the
 * moment it was saved: a key saved again, or another key, is taken as possibly another
 * account, so its rows are compared with Keap afresh (never written twice: compare before
 * write). Nothing derived from the key's text is kept.
 */
import { accountFromScope } from './keapToken';

const API_KEY_PREFIX = 'key-';

export function oauthAccount(scope: string | null | undefined): string | null {
  return accountFromScope(scope);
}

export function apiKeyAccount(savedAt: string): string {
  const when = Date.parse(savedAt);
  return Number.isFinite(when) ? `${API_KEY_PREFIX}${when.toString(36)}` : `${API_KEY_PREFIX}0`;
}

/** "xy123" for xy123.infusionsoft.com; "API key" for a key's account. */
export function accountLabel(account: string): string {
  if (account.startsWith(API_KEY_PREFIX)) return 'API key';
  return account.split('.')[0];
}
