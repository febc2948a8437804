/** The HTTP port (httpPort.ts) inside Apps Script: UrlFetchApp. */
import type { HttpPort, HttpRequest, HttpResponse } from './httpPort';

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
  const raw = response.getAllHeaders() as Record<string, unknown>;
  return {
    status: response.getResponseCode(),
    headers: normalised(raw) ? (raw as Record<string, string>) : lowerCased(raw),
    body: response.getContentText(),
  };
}

/**
 * Whether every header is already as the add-on reads them: a lower-case name, one text
 * value. getAllHeaders gives each response its own object, so such a one is used as it is
 * (thousands of responses a run: a copy of each was most of what reading them allocated).
 */
function normalised(raw: Record<string, unknown>): boolean {
  for (const name in raw) {
    if (typeof raw[name] !== 'string') return false;
    for (let i = 0; i < name.length; i++) {
      const code = name.charCodeAt(i);
      if (code >= 65 && code <= 90) return false;
      if (code > 127) return false;
    }
  }
  return true;
}

function lowerCased(raw: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(raw)) {
    const value = raw[name];
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
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
