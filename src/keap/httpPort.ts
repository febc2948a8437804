/**
 * HTTP as the Keap client needs it (the UrlFetchApp adapter behind it: urlFetchHttp.ts).
 * Everything above this port (retries, pacing, Keap's APIs) is plain logic tested without
 * Apps Script.
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
