/**
 * Stand-in for the OAuth2 Apps Script library (googleworkspace/apps-script-oauth2, v43,
 * Apache-2.0), exposed as the global `OAuth2` in every execution. It is our own code that
 * mirrors the library's documented and observable behaviour, so the real library's source
 * can later be loaded in its place without changing a test:
 *
 * - createService(name) with chained setters; getAuthorizationUrl() builds the `state` with
 *   ScriptApp.newStateToken().withMethod(callback).withArgument('serviceName', name)
 *   .withTimeout(3600) plus any extra arguments.
 * - handleCallback(e): `error=access_denied` returns false, any other error throws
 *   "Error authorizing token: <error>"; otherwise the code is exchanged by a form-encoded POST
 *   (token headers added) and the token is stored as JSON under `oauth2.<name>` in the
 *   property store (and cache), annotated with `granted_time` and `expiresAt` (epoch s).
 * - Reads go memory -> cache -> properties. A token is expired 60 s before `expiresAt`.
 * - hasAccess(): free while the token is valid; when expired and refreshable it takes the
 *   service's lock (waitLock 30 s; a time-out throws), re-reads the token skipping memory,
 *   and refreshes only if it is still expired. Refresh errors are swallowed: it returns
 *   false and getLastError() holds the error; getAccessToken() then throws the generic
 *   "Access not granted or expired.".
 * - refresh() reads the token FROM MEMORY: an execution holding a token that another
 *   execution has since rotated refreshes with a dead refresh token (the rotation trap).
 *   It POSTs refresh_token, client_id, client_secret, grant_type; a new refresh_token in
 *   the answer replaces the old one, otherwise the old one is kept.
 * - The lock is not released when the guarded code throws (the execution's end releases it).
 * - reset() deletes the token and every `oauth2.<name>.*` key; nothing is revoked.
 * Not modelled: the service-account (JWT) flow, PKCE, id_token expiry.
 */
import type { Realm } from './realm';

export const TOKEN_FORMAT = {
  JSON: 'application/json',
  FORM_URL_ENCODED: 'application/x-www-form-urlencoded',
};
export const STATE_PARAMETER_LOCATION = {
  AUTHORIZATION_URL: 'authorization-url',
  REDIRECT_URL: 'redirect-url',
};
export const EXPIRATION_BUFFER_SECONDS = 60;
export const LOCK_TIMEOUT_MS = 30 * 1000;
export const CACHE_SECONDS = 21600;

interface PropertyStoreLike {
  getProperty(key: string): string | null;
  setProperty(key: string, value: string): unknown;
  deleteProperty(key: string): unknown;
  getKeys(): string[];
}
interface CacheLike {
  get(key: string): string | null;
  put(key: string, value: string, seconds?: number): unknown;
  remove(key: string): unknown;
}
interface LockLike {
  hasLock(): boolean;
  waitLock(ms: number): unknown;
  releaseLock(): unknown;
}
interface ResponseLike {
  getResponseCode(): number;
  getContentText(): string;
}
interface StateTokenBuilderLike {
  withMethod(name: string): StateTokenBuilderLike;
  withArgument(name: string, value: string): StateTokenBuilderLike;
  withTimeout(seconds: number): StateTokenBuilderLike;
  createToken(): string;
}

export interface OAuth2Dependencies {
  ScriptApp: { newStateToken(): StateTokenBuilderLike; getScriptId(): string };
  UrlFetchApp: { fetch(url: string, params: Record<string, unknown>): ResponseLike };
  realm: Realm;
  now(): number;
  /** What OAuth2.getRedirectUri() returns without a script id. */
  redirectUri: string;
}

type Token = Record<string, unknown>;

export function standardRedirectUri(scriptId: string): string {
  return `https://script.google.com/macros/d/${encodeURIComponent(scriptId)}/usercallback`;
}

export function createOAuth2Library(deps: OAuth2Dependencies) {
  const { realm } = deps;
  const fail = (message: string): never => {
    throw realm.error(message, 'Error');
  };
  const seconds = () => Math.floor(deps.now() / 1000);
  const validate = (fields: Record<string, unknown>) => {
    for (const [name, value] of Object.entries(fields)) if (!value) fail(`${name} is required.`);
  };
  const buildUrl = (base: string, params: Record<string, unknown>) =>
    base +
    (base.includes('?') ? '&' : '?') +
    Object.entries(params)
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');

  class Storage {
    private memory = new Map<string, unknown>();

    constructor(
      private readonly prefix: string,
      private readonly properties: PropertyStoreLike,
      private readonly cache?: CacheLike,
    ) {}

    private key(key: string | null): string {
      return key ? `${this.prefix}.${key}` : this.prefix;
    }

    getValue(key: string | null, skipMemory?: boolean): unknown {
      const memoryKey = String(key);
      if (!skipMemory && this.memory.has(memoryKey)) return this.memory.get(memoryKey);
      const fullKey = this.key(key);
      const cached = this.cache?.get(fullKey);
      if (cached) {
        const value: unknown = realm.JSON.parse(cached);
        this.memory.set(memoryKey, value);
        return value;
      }
      const stored = this.properties.getProperty(fullKey);
      if (stored) {
        this.cache?.put(fullKey, stored, CACHE_SECONDS);
        const value: unknown = realm.JSON.parse(stored);
        this.memory.set(memoryKey, value);
        return value;
      }
      return null;
    }

    setValue(key: string | null, value: unknown): void {
      const fullKey = this.key(key);
      const json = JSON.stringify(value);
      this.properties.setProperty(fullKey, json);
      this.cache?.put(fullKey, json, CACHE_SECONDS);
      this.memory.set(String(key), value);
    }

    removeValue(key: string | null): void {
      const fullKey = this.key(key);
      this.properties.deleteProperty(fullKey);
      this.cache?.remove(fullKey);
      this.memory.delete(String(key));
    }

    reset(): void {
      for (const k of this.properties.getKeys()) {
        if (k === this.prefix || k.startsWith(`${this.prefix}.`)) {
          this.properties.deleteProperty(k);
          this.cache?.remove(k);
        }
      }
      this.memory.clear();
    }
  }

  class Service {
    private params: Record<string, unknown> = {};
    private tokenFormat = TOKEN_FORMAT.JSON;
    private tokenHeaders: Record<string, string> | null = null;
    private tokenMethod = 'post';
    private authorizationBaseUrl?: string;
    private tokenUrl?: string;
    private refreshUrl?: string;
    private clientId?: string;
    private clientSecret?: string;
    private callbackFunctionName?: string;
    private propertyStore?: PropertyStoreLike;
    private cache?: CacheLike;
    private lock?: LockLike;
    private redirectUri?: string;
    private grantType?: string;
    private privateKey?: string;
    private tokenPayloadHandler?: (payload: Record<string, unknown>) => Record<string, unknown>;
    private storage?: Storage;
    private lastError: unknown;
    private expirationMinutes = 60;

    constructor(private readonly serviceName: string) {
      validate({ 'Service name': serviceName });
    }

    setAuthorizationBaseUrl(url: string) {
      this.authorizationBaseUrl = url;
      return this;
    }
    setTokenUrl(url: string) {
      this.tokenUrl = url;
      return this;
    }
    setRefreshUrl(url: string) {
      this.refreshUrl = url;
      return this;
    }
    setTokenFormat(format: string) {
      this.tokenFormat = format;
      return this;
    }
    setTokenHeaders(headers: Record<string, string>) {
      this.tokenHeaders = headers;
      return this;
    }
    setTokenMethod(method: string) {
      this.tokenMethod = method;
      return this;
    }
    setTokenPayloadHandler(handler: (payload: Record<string, unknown>) => Record<string, unknown>) {
      this.tokenPayloadHandler = handler;
      return this;
    }
    setCallbackFunction(name: string) {
      this.callbackFunctionName = name;
      return this;
    }
    setClientId(id: string) {
      this.clientId = id;
      return this;
    }
    setClientSecret(secret: string) {
      this.clientSecret = secret;
      return this;
    }
    setPropertyStore(store: PropertyStoreLike) {
      this.propertyStore = store;
      return this;
    }
    setCache(cache: CacheLike) {
      this.cache = cache;
      return this;
    }
    setLock(lock: LockLike) {
      this.lock = lock;
      return this;
    }
    setScope(scope: string | string[], separator?: string) {
      this.params.scope = Array.isArray(scope) ? scope.join(separator || ' ') : scope;
      return this;
    }
    setParam(name: string, value: unknown) {
      this.params[name] = value;
      return this;
    }
    setRedirectUri(uri: string) {
      this.redirectUri = uri;
      return this;
    }
    setGrantType(grantType: string) {
      this.grantType = grantType;
      return this;
    }
    setPrivateKey(key: string) {
      this.privateKey = key;
      return this;
    }
    setIssuer() {
      return this;
    }
    setSubject() {
      return this;
    }
    setAdditionalClaims() {
      return this;
    }
    setExpirationMinutes(minutes: number) {
      this.expirationMinutes = minutes;
      return this;
    }

    getRedirectUri(): string {
      return this.redirectUri || deps.redirectUri;
    }

    getAuthorizationUrl(optAdditionalParameters?: Record<string, unknown>): string {
      validate({
        'Client ID': this.clientId,
        'Callback function name': this.callbackFunctionName,
        'Authorization base URL': this.authorizationBaseUrl,
      });
      let builder = deps.ScriptApp.newStateToken()
        .withMethod(this.callbackFunctionName as string)
        .withArgument('serviceName', this.serviceName)
        .withTimeout(3600);
      for (const [key, value] of Object.entries(optAdditionalParameters ?? {})) {
        builder = builder.withArgument(key, String(value));
      }
      const params = {
        client_id: this.clientId,
        response_type: 'code',
        redirect_uri: this.getRedirectUri(),
        state: builder.createToken(),
        ...this.params,
      };
      return buildUrl(this.authorizationBaseUrl as string, params);
    }

    handleCallback(request: { parameter: Record<string, string> }): boolean {
      const { code, error } = request.parameter;
      if (error) {
        if (error === 'access_denied') return false;
        fail(`Error authorizing token: ${error}`);
      }
      validate({
        'Client ID': this.clientId,
        'Client Secret': this.clientSecret,
        'Token URL': this.tokenUrl,
      });
      const token = this.fetchToken({
        code,
        client_id: this.clientId,
        client_secret: this.clientSecret,
        redirect_uri: this.getRedirectUri(),
        grant_type: 'authorization_code',
      });
      this.saveToken(token);
      return true;
    }

    hasAccess(): boolean {
      const token = this.getToken();
      if (token && !this.isExpired(token)) return true;
      const canGetToken = (token && this.canRefresh(token)) || this.privateKey || this.grantType;
      if (!canGetToken) return false;
      return this.lockable(() => {
        // Another execution may have refreshed while this one waited for the lock.
        const fresh = this.getToken(true);
        if (fresh && !this.isExpired(fresh)) return true;
        try {
          if (fresh && this.canRefresh(fresh)) {
            this.refresh();
            return true;
          }
          if (this.privateKey)
            fail('The service-account (JWT) flow is not modelled by the local OAuth2 stand-in.');
          if (this.grantType) {
            this.exchangeGrant();
            return true;
          }
          return false;
        } catch (e) {
          this.lastError = e;
          return false;
        }
      });
    }

    getAccessToken(): string {
      if (!this.hasAccess()) fail('Access not granted or expired.');
      return (this.getToken() as Token).access_token as string;
    }

    getIdToken(): string {
      if (!this.hasAccess()) fail('Access not granted or expired.');
      return (this.getToken() as Token).id_token as string;
    }

    reset(): void {
      this.getStorage().reset();
    }

    getLastError(): unknown {
      return this.lastError;
    }

    getToken(optSkipMemoryCheck?: boolean): Token | null {
      return this.getStorage().getValue(null, optSkipMemoryCheck) as Token | null;
    }

    getStorage(): Storage {
      if (!this.storage) {
        if (!this.propertyStore) fail('Property store is required.');
        this.storage = new Storage(
          `oauth2.${this.serviceName}`,
          this.propertyStore as PropertyStoreLike,
          this.cache,
        );
      }
      return this.storage;
    }

    refresh(): void {
      validate({
        'Client ID': this.clientId,
        'Client Secret': this.clientSecret,
        'Token URL': this.tokenUrl,
      });
      this.lockable(() => {
        // From memory, not from the store: the rotation trap, kept on purpose.
        const token = this.getToken();
        if (!token)
          throw realm.error(
            "Cannot read properties of null (reading 'refresh_token')",
            'TypeError',
          );
        if (!token.refresh_token) fail('Offline access is required.');
        const newToken = this.fetchToken(
          {
            refresh_token: token.refresh_token,
            client_id: this.clientId,
            client_secret: this.clientSecret,
            grant_type: 'refresh_token',
          },
          this.refreshUrl,
        );
        if (!newToken.refresh_token) {
          newToken.refresh_token = token.refresh_token;
          if (token.refreshTokenExpiresAt && !newToken.refreshTokenExpiresAt) {
            newToken.refreshTokenExpiresAt = token.refreshTokenExpiresAt;
          }
        }
        this.saveToken(newToken);
      });
    }

    private saveToken(token: Token): void {
      this.getStorage().setValue(null, token);
    }

    private fetchToken(payload: Record<string, unknown>, optUrl?: string): Token {
      const url = optUrl || (this.tokenUrl as string);
      const headers: Record<string, string> = {
        Accept: this.tokenFormat,
        ...(this.tokenHeaders ?? {}),
      };
      const body = this.tokenPayloadHandler ? this.tokenPayloadHandler(payload) : payload;
      const response = deps.UrlFetchApp.fetch(url, {
        method: this.tokenMethod,
        headers,
        payload: body,
        muteHttpExceptions: true,
      });
      const token = this.parseToken(response.getContentText());
      const status = response.getResponseCode();
      if (status < 200 || status >= 300 || token.error) {
        let reason = [token.error, token.message, token.error_description, token.error_uri]
          .filter(Boolean)
          .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
          .join(', ');
        if (!reason) reason = `${status}: ${JSON.stringify(token)}`;
        fail(`Error retrieving token: ${reason}`);
      }
      return token;
    }

    private parseToken(content: string): Token {
      let token: Token;
      if (this.tokenFormat === TOKEN_FORMAT.JSON) {
        try {
          token = realm.JSON.parse(content) as Token;
        } catch (e) {
          return fail(`Token response not valid JSON: ${String(e)}`);
        }
      } else if (this.tokenFormat === TOKEN_FORMAT.FORM_URL_ENCODED) {
        token = realm.object({});
        for (const pair of content.split('&')) {
          const [k = '', v = ''] = pair.split('=');
          token[decodeURIComponent(k)] = decodeURIComponent(v);
        }
      } else {
        return fail(`Unknown token format: ${this.tokenFormat}`);
      }
      if (token === null || typeof token !== 'object')
        return fail(`Token response not valid JSON: ${content}`);
      const granted = seconds();
      token.granted_time = granted;
      const expiresIn = token.expires_in_sec || token.expires_in || token.expires;
      if (expiresIn) token.expiresAt = granted + Number(expiresIn);
      if (token.refresh_token_expires_in)
        token.refreshTokenExpiresAt = granted + Number(token.refresh_token_expires_in);
      return token;
    }

    private isExpired(token: Token): boolean {
      const now = seconds();
      if (typeof token.expiresAt === 'number' && token.expiresAt - now < EXPIRATION_BUFFER_SECONDS)
        return true;
      const expiresIn = token.expires_in_sec || token.expires_in || token.expires;
      if (expiresIn && typeof token.granted_time === 'number') {
        if (token.granted_time + Number(expiresIn) - now < EXPIRATION_BUFFER_SECONDS) return true;
      }
      return false;
    }

    private canRefresh(token: Token): boolean {
      if (!token.refresh_token) return false;
      if (typeof token.refreshTokenExpiresAt !== 'number') return true;
      return token.refreshTokenExpiresAt - seconds() > EXPIRATION_BUFFER_SECONDS;
    }

    private exchangeGrant(): void {
      validate({ 'Grant Type': this.grantType, 'Token URL': this.tokenUrl });
      const headers = { ...(this.tokenHeaders ?? {}) };
      const hasAuthorization = Object.keys(headers).some(
        (k) => k.toLowerCase() === 'authorization',
      );
      if (
        this.grantType === 'client_credentials' &&
        this.clientId &&
        this.clientSecret &&
        !hasAuthorization
      ) {
        headers.Authorization = `Basic ${Buffer.from(`${this.clientId}:${this.clientSecret}`).toString('base64')}`;
        this.tokenHeaders = headers;
      }
      this.saveToken(this.fetchToken({ grant_type: this.grantType, ...this.params }));
    }

    private lockable<T>(fn: () => T): T {
      let release = false;
      if (this.lock && !this.lock.hasLock()) {
        this.lock.waitLock(LOCK_TIMEOUT_MS);
        release = true;
      }
      const result = fn();
      if (this.lock && release) this.lock.releaseLock();
      return result;
    }
  }

  return {
    TOKEN_FORMAT,
    STATE_PARAMETER_LOCATION,
    createService: (serviceName: string) => new Service(serviceName),
    getRedirectUri: (optScriptId?: string) =>
      optScriptId ? standardRedirectUri(optScriptId) : deps.redirectUri,
  };
}
