import type { LostAccessProblem } from './lostAccess';

/** How the sidebar sees the Keap connection. Holds no token or secret, ever. */
export type ConnectionStatus =
  | {
      state: 'setup-needed';
      /** Script properties still to set, e.g. ['KEAP_CLIENT_ID', 'KEAP_CLIENT_SECRET']. */
      missing: string[];
      redirectUri: string;
    }
  | { state: 'not-connected'; redirectUri: string }
  | {
      state: 'connected';
      method: 'oauth' | 'api-key';
      /** Keap account, e.g. "xy123.infusionsoft.com"; null when Keap did not say. */
      account: string | null;
      /** ISO 8601 time of the consent (or of pasting the key). */
      connectedSince: string | null;
    }
  | { state: 'needs-reconnect'; reason: string; account: string | null; since: string };

/**
 * The connection's state as src/connection derives it: a ConnectionStatus whose reconnect
 * reason is still a code. src/ui words it (connectionView.ts) before the sidebar sees it.
 */
export type ConnectionState =
  | Exclude<ConnectionStatus, { state: 'needs-reconnect' }>
  | {
      state: 'needs-reconnect';
      problem: LostAccessProblem;
      account: string | null;
      since: string;
    };
