/**
 * What the connection keeps in the user's properties besides the OAuth2 library's token.
 * Our keys use their own prefix: the library owns `oauth2.keap` and every `oauth2.keap.*`
 * key (its reset() deletes them), so nothing of ours may live there.
 */

/** The OAuth2 library's service name; it stores the token under `oauth2.keap`. */
export const OAUTH_SERVICE_NAME = 'keap';

export const USER_KEYS = {
  /** Which Keap account was connected and since when (OAuth). */
  oauthConnection: 'keapSheetsSync.connection.oauth',
  /** A Personal Access Token or Service Account Key pasted in the sidebar. */
  apiKey: 'keapSheetsSync.connection.apiKey',
  /** Why Keap stopped accepting the connection, until someone reconnects. */
  lostAccess: 'keapSheetsSync.connection.lostAccess',
  /** Day of the last owner e-mail, per kind: `<prefix><kind>`. */
  noticePrefix: 'keapSheetsSync.notice.',
} as const;

export interface OAuthConnectionRecord {
  account: string | null;
  /** ISO 8601 time of the consent. */
  connectedSince: string;
}
