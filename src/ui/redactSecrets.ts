/**
 * The last fence before free text (Keap's or the OAuth2 library's error messages) is shown
 * to a person: token-shaped values are replaced. The connection module already keeps secrets
 * out by value (scrubSecrets); this catches what it could not know, by shape.
 */
const SECRET_PATTERNS: RegExp[] = [
  // key=value and "key": "value" forms of OAuth fields, as they appear in echoed request bodies
  /\b(access_token|refresh_token|client_secret|id_token|api_key|apikey)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
  /\b(Bearer)(\s+)[A-Za-z0-9._~+/=-]+/gi,
  /\b(X-Keap-API-Key)(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi,
];

/** Keeps each field's name and puts [hidden] in place of its value. */
export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce(
    (result, pattern) =>
      result.replace(pattern, (_match, key: string, sep: string) => `${key}${sep}[hidden]`),
    text,
  );
}
