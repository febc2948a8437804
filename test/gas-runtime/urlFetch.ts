/**
 * UrlFetchApp over a WireHandler. A request costs `fetchMs` of virtual time plus the
 * server's own `delayMs`; fetchAll sends its batch in parallel, so it costs the slowest.
 */
import {
  WireNetworkError,
  type WireMethod,
  type WireRequest,
  type WireResponse,
} from '../support/wire';
import { instrument, type Execution } from './execution';
import type { Host } from './host';
import { requestKey } from './ledger';
import { isPlainObject } from './realm';
import { createBlob } from './utilities';

export const MAX_URL_LENGTH = 2082;
const MAX_REDIRECTS = 10;
const USER_AGENT = 'Mozilla/5.0 (compatible; Google-Apps-Script)';
const TRUNCATE_AT = 100;

export interface FetchParams {
  method?: string;
  headers?: Record<string, unknown>;
  payload?: unknown;
  contentType?: string;
  muteHttpExceptions?: boolean;
  followRedirects?: boolean;
  validateHttpsCertificates?: boolean;
  escaping?: boolean;
}

export interface RecordedRequest {
  at: number;
  user: string;
  fn: string;
  request: WireRequest;
  response?: WireResponse;
  networkError?: string;
}

/** Apps Script's form encoding of an object payload. */
export function formEncode(payload: Record<string, unknown>): string {
  return Object.entries(payload)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
    .join('&');
}

export function buildWireRequest(url: string, params: FetchParams = {}): WireRequest {
  const method = (params.method ?? 'get').toUpperCase() as WireMethod;
  const headers: Record<string, string> = { 'user-agent': USER_AGENT };
  for (const [k, v] of Object.entries(params.headers ?? {})) headers[k.toLowerCase()] = String(v);
  let body = '';
  const payload = params.payload;
  if (payload !== undefined && payload !== null) {
    // An object is sent form-encoded whatever contentType says, as Apps Script does.
    const form = isPlainObject(payload);
    body = form ? formEncode(payload) : String(payload);
    headers['content-type'] = form
      ? 'application/x-www-form-urlencoded'
      : (params.contentType ?? headers['content-type'] ?? 'application/x-www-form-urlencoded');
  } else if (params.contentType) {
    headers['content-type'] = params.contentType;
  }
  return { method, url, headers, body };
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export function createUrlFetchApp(
  exec: Execution,
  host: Host,
): GoogleAppsScript.URL_Fetch.UrlFetchApp {
  const response = (res: WireResponse) => {
    const impl = {
      getResponseCode: () => res.status,
      getContentText: () => res.body,
      getContent: () =>
        exec.realm.array([...Buffer.from(res.body, 'utf8')].map((b) => (b > 127 ? b - 256 : b))),
      getHeaders: () => exec.realm.object({ ...res.headers }),
      getAllHeaders: () => exec.realm.object({ ...res.headers }),
      getBlob: () => createBlob(exec, res.body, res.headers['content-type'] ?? null),
      getAs: () => createBlob(exec, res.body, res.headers['content-type'] ?? null),
    };
    return instrument(exec, 'HTTPResponse', impl, { uncounted: Object.keys(impl) });
  };

  /** One request with redirects; returns the answer and the virtual time it took. */
  const send = (url: string, params: FetchParams): { res: WireResponse; ms: number } => {
    exec.requireAuth('FULL', 'UrlFetchApp.fetch');
    if (url.length > MAX_URL_LENGTH) exec.fail('Limit Exceeded: URLFetch URL Length.', 'Exception');
    if (!/^https?:\/\//i.test(url)) exec.fail(`Invalid argument: ${url}`);
    let request = buildWireRequest(url, params);
    let ms = 0;
    for (let hop = 0; ; hop++) {
      exec.ledger.requestCount++;
      const key = requestKey(request.method, request.url);
      exec.ledger.requests[key] = (exec.ledger.requests[key] ?? 0) + 1;
      const record: RecordedRequest = {
        at: exec.clock.now() + ms,
        user: exec.user,
        fn: exec.fn,
        request,
      };
      host.requests.push(record);
      let res: WireResponse;
      try {
        res = host.network(request);
      } catch (error) {
        if (error instanceof WireNetworkError) {
          record.networkError = error.message;
          exec.spend(ms + host.latency.fetchMs + error.delayMs);
          const kind = /timeout|timed out/i.test(error.message)
            ? 'Timeout'
            : /dns/i.test(error.message)
              ? 'DNS error'
              : 'Address unavailable';
          exec.fail(`${kind}: ${request.url}`);
        }
        throw error;
      }
      record.response = res;
      ms += host.latency.fetchMs + (res.delayMs ?? 0);
      const location = res.headers.location;
      if (
        params.followRedirects !== false &&
        res.status >= 300 &&
        res.status < 400 &&
        location &&
        hop < MAX_REDIRECTS
      ) {
        const next = new URL(location, request.url).toString();
        request = buildWireRequest(next, { ...params, method: 'get', payload: undefined });
        continue;
      }
      return { res, ms };
    }
  };

  const check = (url: string, res: WireResponse, params: FetchParams) => {
    if (res.status >= 400 && !params.muteHttpExceptions) {
      const body =
        res.body.length > TRUNCATE_AT ? `${res.body.slice(0, TRUNCATE_AT)}...` : res.body;
      exec.fail(
        `Request failed for ${origin(url)} returned code ${res.status}. Truncated server response: ${body} (use muteHttpExceptions option to examine full response)`,
      );
    }
  };

  const impl = {
    fetch(url: string, params?: FetchParams) {
      const p = params ?? {};
      const { res, ms } = send(String(url), p);
      exec.spend(ms);
      check(String(url), res, p);
      return response(res);
    },
    fetchAll(requests: (string | (FetchParams & { url: string }))[]) {
      exec.ledger.fetchAllBatches++;
      const items = requests.map((r) => (typeof r === 'string' ? { url: r } : r));
      const answers: { res: WireResponse; ms: number }[] = [];
      try {
        for (const item of items) answers.push(send(String(item.url), item));
      } finally {
        // Parallel: the batch takes as long as its slowest request.
        exec.spend(Math.max(0, ...answers.map((a) => a.ms)));
      }
      answers.forEach((a, i) => check(String(items[i]!.url), a.res, items[i]!));
      return exec.realm.array(answers.map((a) => response(a.res)));
    },
    getRequest(url: string, params?: FetchParams) {
      const r = buildWireRequest(String(url), params ?? {});
      return exec.realm.object({
        url: r.url,
        method: r.method.toLowerCase(),
        headers: exec.realm.object(r.headers),
        payload: r.body,
        contentType: r.headers['content-type'] ?? '',
      });
    },
  };
  return instrument(exec, 'UrlFetchApp', impl) as never;
}
