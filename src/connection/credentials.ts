/**
 * The add-on's Keap client id and secret, set by whoever deploys the script as script
 * properties. The secret goes to Keap's token endpoint and nowhere else: never to the
 * sidebar, a log line or an error message.
 */
const CLIENT_ID_PROPERTY = 'KEAP_CLIENT_ID';
const CLIENT_SECRET_PROPERTY = 'KEAP_CLIENT_SECRET';

export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

export type CredentialsLookup =
  { ok: true; credentials: ClientCredentials } | { ok: false; missing: string[] };

export function readClientCredentials(scriptProperties: {
  getProperty(key: string): string | null;
}): CredentialsLookup {
  const clientId = (scriptProperties.getProperty(CLIENT_ID_PROPERTY) ?? '').trim();
  const clientSecret = (scriptProperties.getProperty(CLIENT_SECRET_PROPERTY) ?? '').trim();
  const missing: string[] = [];
  if (clientId === '') missing.push(CLIENT_ID_PROPERTY);
  if (clientSecret === '') missing.push(CLIENT_SECRET_PROPERTY);
  return missing.length > 0
    ? { ok: false, missing }
    : { ok: true, credentials: { clientId, clientSecret } };
}

/** Keap wants the client credentials as HTTP Basic on refresh: `Basic base64(id:secret)`. */
export function basicAuthorization(
  credentials: ClientCredentials,
  base64: (text: string) => string,
): string {
  return `Basic ${base64(`${credentials.clientId}:${credentials.clientSecret}`)}`;
}
