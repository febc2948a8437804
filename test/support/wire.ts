/**
 * The contract between the local Apps Script runtime (test/gas-runtime) and the Keap
 * simulator (test/keap-sim): one HTTP exchange as it crosses the wire, and the clock both
 * read. The runtime turns UrlFetchApp calls into WireRequests; the simulator answers them
 * in-process (tests, bench) or over loopback HTTP (the playground).
 */
export type WireMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface WireRequest {
  method: WireMethod;
  /** Absolute URL exactly as the add-on built it (query string included). */
  url: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  /** The body as sent: form-encoded, JSON or XML text; '' when none. */
  body: string;
}

export interface WireResponse {
  status: number;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string;
  /** Extra server time (virtual ms) this answer took, on top of the runtime's latency model. */
  delayMs?: number;
}

/** Thrown by a handler for a request that never got an HTTP answer (DNS, reset, timeout). */
export class WireNetworkError extends Error {
  constructor(
    message: string,
    /** Virtual ms spent before the failure (a timeout spends the whole timeout). */
    readonly delayMs = 0,
  ) {
    super(message);
    this.name = 'WireNetworkError';
  }
}

export type WireHandler = (request: WireRequest) => WireResponse;

/** Virtual time in epoch milliseconds, shared by the runtime and the simulator. */
export interface Clock {
  now(): number;
}
