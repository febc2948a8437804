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
