/**
 * Every Keap address and limit the add-on relies on, in one place: when Keap moves an
 * endpoint or changes a quota, this is the only file to edit.
 * Sources: ../shared/keap/README.md, from the repository root (Keap's docs, SDKs and forum).
 */

export const KEAP_AUTHORIZE_URL = 'https://accounts.infusionsoft.com/app/oauth/authorize';
export const KEAP_TOKEN_URL = 'https://api.infusionsoft.com/token';
/** Keap's only OAuth scope. */
export const KEAP_SCOPE = 'full';
export const KEAP_REST_V2_BASE = 'https://api.infusionsoft.com/crm/rest/v2';
export const KEAP_XML_RPC_URL = 'https://api.infusionsoft.com/crm/xmlrpc/v1';
/**
 * Keap shuts XML-RPC down for good on 2026-12-31 ("firm deadline, no extensions"): from this
 * moment (2027-01-01T00:00Z) the add-on never calls it. Until then it is only the fallback
 * for an opt-out that REST v2 refused or did not carry out (src/keap/optOut.ts).
 */
export const XML_RPC_SUNSET_MS = Date.UTC(2027, 0, 1);

/** Header carrying a Personal Access Token or Service Account Key. */
export const KEAP_API_KEY_HEADER = 'X-Keap-API-Key';
/** Service Account Keys start with this; Personal Access Tokens have no documented prefix. */
export const SERVICE_ACCOUNT_KEY_PREFIX = 'KeapAK';

/**
 * Apps Script refuses URLs over 2 KB. We stay below with a margin so a proxy or an
 * encoding difference never tips a request over.
 */
export const MAX_URL_LENGTH = 2000;
/** Room kept free in every chunked read URL for `&page_token=...` on later pages. */
export const PAGE_TOKEN_RESERVE = 300;
/** The largest page the REST v2 list endpoints accept. */
export const PAGE_SIZE = 1000;

export interface RateLimits {
  /** Requests started in any sliding second. */
  perSecond: number;
  /** Requests started in any sliding minute. */
  perMinute: number;
}

/**
 * OAuth apps: 1,500/min per client id; Keap refuses spikes above ~25/s, so we stay at 24.
 * The per-account throttle (10,000/min) is higher and is followed through the headers.
 */
export const OAUTH_RATE_LIMITS: RateLimits = { perSecond: 24, perMinute: 1500 };
/** Personal Access Tokens and Service Account Keys: 10/s and 240/min. */
export const API_KEY_RATE_LIMITS: RateLimits = { perSecond: 10, perMinute: 240 };

/** Response headers that say how many requests are left in the current throttle window. */
export const THROTTLE_HEADER_PREFIXES = ['x-keap-product-throttle-', 'x-keap-tenant-throttle-'];
/** Response headers that report the day's quota (150,000 per client id, 30,000 per API key). */
export const QUOTA_HEADER_PREFIX = 'x-keap-product-quota-';

export interface RetryLimits {
  /** Retries after a 5xx answer or a network failure (on top of the first try). */
  maxServerRetries: number;
  /** Retries after a 429 answer. */
  maxThrottleRetries: number;
  /** First wait after a 5xx or network failure; doubles each time. */
  serverBaseDelayMs: number;
  /** First wait after a 429; doubles each time (Keap recommends exponential backoff). */
  throttleBaseDelayMs: number;
  /** No single wait is longer than this. */
  maxDelayMs: number;
}

export const RETRY_LIMITS: RetryLimits = {
  maxServerRetries: 4,
  maxThrottleRetries: 5,
  serverBaseDelayMs: 1000,
  throttleBaseDelayMs: 2000,
  maxDelayMs: 30000,
};

/**
 * Keap rotates the refresh token on every refresh and may let an unused one lapse after 45
 * days. Refreshing once the access token is half a day old keeps a daily run well inside
 * both the 24 h access-token life and the refresh-token life.
 */
export const KEEP_ALIVE_TOKEN_AGE_MS = 12 * 60 * 60 * 1000;
/** How long we wait for the user lock (the OAuth2 library waits as long for its own). */
export const TOKEN_LOCK_WAIT_MS = 30000;
