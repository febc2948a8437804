/**
 * Every number the simulator enforces, in one place so tests can shrink them. Defaults follow
 * ../shared/keap/README.md (from the repository root); the ones marked "unconfirmed" have no primary source.
 */
export interface KeapLimits {
  /** OAuth apps: per client id, across every Keap account the app serves. */
  clientPerMinute: number;
  clientPerDay: number;
  /** Personal Access Tokens and Service Account Keys: per key. */
  keyPerSecond: number;
  keyPerMinute: number;
  keyPerDay: number;
  /** Per Keap account (tenant), whatever the credential. */
  tenantPerMinute: number;
  tenantPerDay: number;
  /** Spike arrest: requests per app in any 1-second window; no headers report it. */
  spikePerSecond: number;
  accessTokenTtlMs: number;
  /** Keap staff have said 180 days and later 45 days; 45 is the cautious choice. */
  refreshTokenTtlMs: number;
  /** Unconfirmed. */
  authCodeTtlMs: number;
  email1MaxLength: number;
  otherEmailMaxLength: number;
  /** Page size when a list request sends none (or 0). Unconfirmed. */
  defaultPageSize: number;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
export const DAY_MS = 24 * HOUR;

export const DEFAULT_KEAP_LIMITS: Readonly<KeapLimits> = Object.freeze({
  clientPerMinute: 1500,
  clientPerDay: 150_000,
  keyPerSecond: 10,
  keyPerMinute: 240,
  keyPerDay: 30_000,
  tenantPerMinute: 10_000,
  tenantPerDay: 250_000,
  spikePerSecond: 25,
  accessTokenTtlMs: 24 * HOUR,
  refreshTokenTtlMs: 45 * DAY_MS,
  authCodeTtlMs: 10 * MINUTE,
  email1MaxLength: 75,
  otherEmailMaxLength: 100,
  defaultPageSize: 50,
});
