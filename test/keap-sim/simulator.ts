import {
  WireNetworkError,
  type Clock,
  type WireHandler,
  type WireMethod,
  type WireRequest,
  type WireResponse,
} from '../support/wire';
import { answerApiCall } from './apiRoutes';
import { ApiKeyBook, authenticateApiCall, type TokenKind } from './auth';
import { answerAuthorizePage } from './authorizePage';
import { authorizeErrorHtml, consentHtml } from './consentPage';
import type { NewContact } from './contacts';
import { isEmailStatus, isOptedIn } from './emailStatus';
import { FaultBook, type Fault } from './faults';
import { serveOverHttp, type RunningServer } from './httpServer';
import { DEFAULT_KEAP_LIMITS, type KeapLimits } from './limits';
import { OAuthServer, type ClientAuth, type OAuthClient } from './oauth';
import { gatewayFault, requestRefused } from './responses';
import type { RestContext } from './restContacts';
import { isKnownHost, resolveRoute, type Route, type RouteName } from './routes';
import { sharedSpecValidator, type SpecCheck } from './specValidator';
import { Tenant } from './tenant';
import { DEFAULT_OPT_OUT_MODES, xmlRpcModeAt, xmlRpcOutage, type OptOutModes } from './optOutModes';
import { SlidingWindow, Throttle, type Caller, type RefusedBy } from './throttle';
import { parseXmlRpcBody, xmlrpcRouteName, type ParsedXmlRpc } from './xmlrpc';

export interface KeapSimulatorOptions {
  clock: Clock;
  /** Check every REST v2 request against the OpenAPI spec (default true). */
  validateRequests?: boolean;
  limits?: Partial<KeapLimits>;
  spikeLimitPerSecond?: number;
  /** How opt-outs behave (REST v2 and XML-RPC); default REST works, XML-RPC up until its sunset. */
  optOut?: Partial<OptOutModes>;
}

export interface SimRequestLog {
  at: number;
  method: WireMethod;
  host: string;
  path: string;
  route: RouteName;
  /** 0 when the request got no HTTP answer (network fault, unknown host). */
  status: number;
  tokenKind: TokenKind;
  tenant?: string;
  clientId?: string;
  /** Token endpoint only: how the client authenticated (Keap documents Basic for refreshes). */
  clientAuth?: ClientAuth;
  grantType?: string;
  validationErrors: string[];
  fault?: string;
  throttled?: boolean;
  /** Which throttle or daily quota refused it (with `throttled`). */
  refusedBy?: RefusedBy;
}

export interface SimStats {
  byRoute: Record<string, number>;
  throttled: number;
  /** Of those, requests refused because a daily quota was spent. */
  quotaRefusals: number;
  refreshes: number;
  invalidGrants: number;
  /** Refreshes that sent client credentials in the body instead of the Basic header. */
  refreshesWithoutBasic: number;
  /** Most requests received in any 1-second window. */
  maxPerSecond: number;
}

export interface ContactView {
  id: number;
  emails: { field: 'EMAIL1' | 'EMAIL2' | 'EMAIL3'; email: string }[];
}

const SECOND = 1000;

/** Whose daily quota: an OAuth app's (shared by all its users) or one API key's. */
export type QuotaHolder = { clientId: string } | { apiKey: string };

function callerOf(who: QuotaHolder): Caller {
  return 'clientId' in who
    ? { kind: 'oauth', clientId: who.clientId }
    : { kind: 'key', key: who.apiKey };
}

export class KeapSimulator {
  readonly handle: WireHandler;
  readonly log: SimRequestLog[] = [];
  readonly specViolations: string[] = [];
  /** Live limits: tests may change them between requests. */
  readonly limits: KeapLimits;

  private readonly clock: Clock;
  private readonly validateRequests: boolean;
  private readonly tenants = new Map<string, Tenant>();
  private readonly oauth: OAuthServer;
  private readonly keys = new ApiKeyBook();
  private readonly throttle: Throttle;
  private readonly faults = new FaultBook();
  private readonly byRoute: Record<string, number> = {};
  private readonly recent = new SlidingWindow();
  private throttled = 0;
  private quotaRefusals = 0;
  private maxPerSecond = 0;
  private optOutModes: OptOutModes;

  constructor(options: KeapSimulatorOptions) {
    this.clock = options.clock;
    this.validateRequests = options.validateRequests ?? true;
    this.limits = { ...DEFAULT_KEAP_LIMITS, ...options.limits };
    if (options.spikeLimitPerSecond !== undefined)
      this.limits.spikePerSecond = options.spikeLimitPerSecond;
    this.oauth = new OAuthServer(
      () => this.limits,
      (t) => this.tenants.has(t),
    );
    this.throttle = new Throttle(() => this.limits);
    this.optOutModes = { ...DEFAULT_OPT_OUT_MODES, ...options.optOut };
    this.handle = (request) => this.dispatch(request);
  }

  // ---- set-up and inspection -------------------------------------------------------------

  registerClient(c: OAuthClient): void {
    this.oauth.registerClient(c);
  }

  addTenant(tenant: string): void {
    if (!/^[a-z0-9]+$/i.test(tenant))
      throw new Error(`tenant names look like xy123, got ${tenant}`);
    if (!this.tenants.has(tenant))
      this.tenants.set(tenant, new Tenant(tenant, 1000 + this.tenants.size));
  }

  addContact(tenant: string, c: NewContact): number {
    const t = this.tenant(tenant);
    const now = this.clock.now();
    const stored = t.contacts.add(c, now);
    // Seeded addresses start marketable so there is something to opt out.
    for (const slot of stored.emails) t.emails.ensure(slot.email, now, 'SINGLE_OPT_IN');
    return stored.id;
  }

  contact(tenant: string, id: number): ContactView | undefined {
    const c = this.tenant(tenant).contacts.get(id);
    return c ? { id: c.id, emails: c.emails.map((e) => ({ ...e })) } : undefined;
  }

  setEmailStatus(tenant: string, email: string, status: string): void {
    if (!isEmailStatus(status)) throw new Error(`not a Keap email status: ${status}`);
    this.tenant(tenant).emails.set(email, status, this.clock.now());
  }

  emailStatus(
    tenant: string,
    email: string,
  ): { status: string; optedIn: boolean; optOutReason?: string } | undefined {
    const r = this.tenant(tenant).emails.get(email);
    if (!r) return undefined;
    return r.optOutReason === undefined
      ? { status: r.status, optedIn: isOptedIn(r.status) }
      : { status: r.status, optedIn: isOptedIn(r.status), optOutReason: r.optOutReason };
  }

  authorize(query: Record<string, string>, decision: { approve: boolean; tenant: string }): string {
    return this.oauth.authorize(query, decision, this.clock.now());
  }

  consentPageHtml(query: Record<string, string>): string {
    const check = this.oauth.checkAuthorizeQuery(query);
    if (!check.ok) return authorizeErrorHtml(check.message);
    return consentHtml(query, [...this.tenants.keys()], check.client.clientId);
  }

  /** A Personal Access Token or Service Account Key (starts with KeapAK) for one account. */
  createApiKey(tenant: string, kind: 'PAT' | 'SAK', value?: string): string {
    this.tenant(tenant);
    return this.keys.create(tenant, kind, value);
  }

  revokeRefreshTokens(clientId?: string): void {
    this.oauth.revokeRefreshTokens(clientId);
  }

  revokeAccessTokens(): void {
    this.oauth.revokeAccessTokens();
  }

  /** Changes how opt-outs behave from the next request on (XML-RPC is gone after its sunset anyway). */
  setOptOutModes(modes: Partial<OptOutModes>): void {
    this.optOutModes = { ...this.optOutModes, ...modes };
  }

  /** The modes in force now: XML-RPC reads 'gone' from 2027-01-01 on the clock. */
  currentOptOutModes(): OptOutModes {
    return {
      restOptOut: this.optOutModes.restOptOut,
      xmlRpc: xmlRpcModeAt(this.optOutModes.xmlRpc, this.clock.now()),
    };
  }

  /**
   * Someone else spends today's quota of this OAuth client (every user of a published add-on
   * shares it) or of this API key: `count` requests, by default all that is left. It resets at
   * 00:00 UTC like the add-on's own use.
   */
  spendDailyQuota(who: QuotaHolder, count?: number): void {
    this.throttle.spendDaily(this.clock.now(), callerOf(who), count);
  }

  /** Requests left today of this OAuth client's or API key's quota. */
  dailyQuotaLeft(who: QuotaHolder): number {
    return this.throttle.dailyLeft(this.clock.now(), callerOf(who));
  }

  inject(fault: Fault): void {
    this.faults.inject(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  tenantNames(): string[] {
    return [...this.tenants.keys()];
  }

  stats(): SimStats {
    return {
      byRoute: { ...this.byRoute },
      throttled: this.throttled,
      quotaRefusals: this.quotaRefusals,
      refreshes: this.oauth.counts.refreshes,
      invalidGrants: this.oauth.counts.invalidGrants,
      refreshesWithoutBasic: this.oauth.counts.refreshesWithoutBasic,
      maxPerSecond: this.maxPerSecond,
    };
  }

  listen(port: number, host = '127.0.0.1'): Promise<RunningServer> {
    return serveOverHttp(this.handle, port, host);
  }

  // ---- the wire ----------------------------------------------------------------------------

  private dispatch(req: WireRequest): WireResponse {
    const now = this.clock.now();
    const url = URL.canParse(req.url) ? new URL(req.url) : undefined;
    if (!url) throw new WireNetworkError(`Invalid URL: ${req.url}`);
    const entry: SimRequestLog = {
      at: now,
      method: req.method,
      host: url.hostname,
      path: url.pathname,
      route: 'unknown',
      status: 0,
      tokenKind: 'none',
      validationErrors: [],
    };
    this.log.push(entry);
    if (!isKnownHost(url.hostname)) {
      entry.fault = 'dns';
      throw new WireNetworkError(`Address unavailable: ${url.hostname}`);
    }
    this.recent.add(now);
    this.maxPerSecond = Math.max(this.maxPerSecond, this.recent.count(now, SECOND));

    const route = resolveRoute(url.hostname, req.method, url.pathname);
    const xmlrpc = route.family === 'xmlrpc' ? parseXmlRpcBody(req.body) : undefined;
    if (xmlrpc) route.name = xmlrpcRouteName(xmlrpc);
    entry.route = route.name;
    this.byRoute[route.name] = (this.byRoute[route.name] ?? 0) + 1;

    let delayMs = 0;
    let response: WireResponse;
    try {
      const fault = this.faults.apply({ route: route.name, request: req });
      if (fault.kind !== 'none') entry.fault = fault.label;
      if (fault.kind === 'respond') response = fault.response;
      else {
        if (fault.kind === 'delay') delayMs = fault.delayMs;
        response = this.answer(req, url, route, entry, now, xmlrpc);
      }
    } catch (err) {
      if (err instanceof WireNetworkError) entry.fault = 'fault:network';
      throw err;
    }
    entry.status = response.status;
    return delayMs > 0 ? { ...response, delayMs: (response.delayMs ?? 0) + delayMs } : response;
  }

  private answer(
    req: WireRequest,
    url: URL,
    route: Route,
    entry: SimRequestLog,
    now: number,
    xmlrpc: ParsedXmlRpc | undefined,
  ): WireResponse {
    if (route.family === 'token') {
      const outcome = this.oauth.token(req, now);
      entry.clientId = outcome.clientId;
      entry.clientAuth = outcome.clientAuth;
      entry.grantType = outcome.grantType;
      return outcome.response;
    }
    if (route.family === 'authorize') {
      return answerAuthorizePage(req, url, this.oauth, this.tenantNames(), now);
    }
    if (route.family === 'unknown') {
      return gatewayFault(
        404,
        `Unable to identify proxy for host: ${url.host} and url: ${url.pathname}`,
        'messaging.adaptors.http.flow.ApplicationNotFound',
      );
    }

    if (route.family === 'xmlrpc') {
      // A brownout or the shutdown answers from Keap's front end, before any credential check.
      const outage = xmlRpcOutage(xmlRpcModeAt(this.optOutModes.xmlRpc, now));
      if (outage) return outage;
    }
    const spec = route.family === 'restV2' ? this.checkSpec(req, url, route, entry) : undefined;
    const auth = authenticateApiCall(req.headers, now, this.oauth, this.keys);
    entry.tokenKind = auth.tokenKind;
    if (!auth.ok) return auth.response;
    entry.tenant = auth.tenant;
    if (auth.caller.kind === 'oauth') entry.clientId = auth.caller.clientId;
    const decision = this.throttle.admit(now, auth.caller, auth.tenant);
    if (!decision.allowed) {
      this.throttled++;
      entry.throttled = true;
      entry.refusedBy = decision.refusedBy;
      if (decision.refusedBy === 'day' || decision.refusedBy === 'tenant-day') this.quotaRefusals++;
      return requestRefused(decision.headers);
    }
    const tenant = this.tenant(auth.tenant);
    const ctx: RestContext = {
      tenant,
      now,
      limits: this.limits,
      query: url.searchParams,
      params: route.params,
      body: req.body,
      restOptOut: this.optOutModes.restOptOut,
    };
    const response = answerApiCall(req, route, ctx, spec, xmlrpc);
    return { ...response, headers: { ...response.headers, ...decision.headers } };
  }

  /** Records every REST v2 request that breaks the spec, whoever sent it. */
  private checkSpec(
    req: WireRequest,
    url: URL,
    route: Route,
    entry: SimRequestLog,
  ): SpecCheck | undefined {
    if (!this.validateRequests) return undefined;
    const check = sharedSpecValidator().validate({
      method: req.method,
      specPath: route.specPath as string,
      query: url.search.replace(/^\?/, ''),
      headers: req.headers,
      body: req.body,
      operationId: route.operationId,
    });
    if (check.errors.length > 0) {
      entry.validationErrors = check.errors;
      this.specViolations.push(
        `${req.method} ${url.pathname}${url.search}: ${check.errors.join('; ')}`,
      );
    }
    return check;
  }

  private tenant(name: string): Tenant {
    const t = this.tenants.get(name);
    if (!t) throw new Error(`unknown tenant ${name}: call addTenant first`);
    return t;
  }
}
