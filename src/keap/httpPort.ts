/**
 * HTTP as the Keap client needs it, and the UrlFetchApp adapter behind it. Everything above
 * this port (retries, pacing, Keap's APIs) is plain logic tested without Apps Script.
 */
export type HttpMethod = 'get' | 'post' | 'patch';

export interface HttpRequest {
  method: HttpMethod;
  url: string;
  headers: Record<string, string>;
  contentType?: string;
  body?: string;
}

export interface HttpResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
}

export interface HttpPort {
  /**
   * Sends the requests in parallel; answers come back in request order. Throws when any of
   * them got no HTTP answer at all (UrlFetchApp.fetchAll does, even with muteHttpExceptions).
   */
  fetchAll(requests: HttpRequest[]): HttpResponse[];
  /** One request; throws when it got no HTTP answer. */
  fetch(request: HttpRequest): HttpResponse;
}

function toUrlFetchRequest(request: HttpRequest): GoogleAppsScript.URL_Fetch.URLFetchRequest {
  const options: GoogleAppsScript.URL_Fetch.URLFetchRequest = {
    url: request.url,
    method: request.method,
    headers: request.headers,
    muteHttpExceptions: true,
    followRedirects: false,
  };
  if (request.contentType !== undefined) options.contentType = request.contentType;
  if (request.body !== undefined) options.payload = request.body;
  return options;
}

function fromUrlFetchResponse(response: GoogleAppsScript.URL_Fetch.HTTPResponse): HttpResponse {
  const headers: Record<string, string> = {};
  const raw = response.getAllHeaders() as Record<string, unknown>;
  for (const name of Object.keys(raw)) {
    const value = raw[name];
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return { status: response.getResponseCode(), headers, body: response.getContentText() };
}

/** The real HTTP port inside Apps Script. */
export function urlFetchHttp(): HttpPort {
  return {
    fetchAll: (requests) =>
      UrlFetchApp.fetchAll(requests.map(toUrlFetchRequest)).map(fromUrlFetchResponse),
    fetch: (request) => {
      const { url, ...options } = toUrlFetchRequest(request);
      return fromUrlFetchResponse(UrlFetchApp.fetch(url, options));
    },
  };
}
