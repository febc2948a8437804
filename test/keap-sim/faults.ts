import { WireNetworkError, type WireRequest, type WireResponse } from '../support/wire';
import { INVALID_ACCESS_TOKEN, requestRefused, textResponse, v2Error } from './responses';
import type { RouteName } from './routes';

/** Failures a test can inject: matched by route name or predicate, for N requests or until cleared. */

export type FaultEffect =
  /** Answer with this status (e.g. 500, 502, 503) and a small body. */
  | { kind: 'status'; status: number; body?: string }
  /** 429 with Keap's quota body, whatever the real counts. */
  | { kind: 'throttle' }
  /** 401 invalid-access-token fault even though the token is valid. */
  | { kind: 'unauthorized' }
  /** No HTTP answer at all (reset, DNS, timeout): the handler throws WireNetworkError. */
  | { kind: 'network'; message?: string; delayMs?: number }
  /** Answer normally, but this many virtual ms later. */
  | { kind: 'slow'; delayMs: number }
  /** The token endpoint answers 503 with an HTML error page (matches route 'token' by default). */
  | { kind: 'tokenEndpointDown' };

export interface FaultTarget {
  route: RouteName;
  request: WireRequest;
}

export type Fault = FaultEffect & {
  /** Route name(s) to hit; '*' for every request. Defaults to 'token' for tokenEndpointDown, else '*'. */
  route?: RouteName | RouteName[] | '*';
  /** Extra condition, e.g. one contact id or one email. */
  when?: (target: FaultTarget) => boolean;
  /** How many matching requests to hit; absent means until clearFaults(). */
  times?: number;
};

export type FaultResult =
  | { kind: 'none' }
  | { kind: 'respond'; response: WireResponse; label: string }
  | { kind: 'delay'; delayMs: number; label: string };

export class FaultBook {
  private faults: { fault: Fault; left: number }[] = [];

  inject(fault: Fault): void {
    this.faults.push({ fault, left: fault.times ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first live fault that matches, consumed once; throws for network faults. */
  apply(target: FaultTarget): FaultResult {
    const entry = this.faults.find((f) => f.left > 0 && matches(f.fault, target));
    if (!entry) return { kind: 'none' };
    entry.left--;
    const f = entry.fault;
    const label = `fault:${f.kind}`;
    switch (f.kind) {
      case 'status':
        return {
          kind: 'respond',
          label,
          response:
            f.body === undefined
              ? v2Error(f.status, `Injected fault ${f.status}`)
              : textResponse(f.status, f.body, 'text/plain'),
        };
      case 'throttle':
        return { kind: 'respond', label, response: requestRefused() };
      case 'unauthorized':
        return { kind: 'respond', label, response: INVALID_ACCESS_TOKEN() };
      case 'network':
        throw new WireNetworkError(f.message ?? 'Connection reset by peer', f.delayMs ?? 0);
      case 'slow':
        return { kind: 'delay', label, delayMs: f.delayMs };
      case 'tokenEndpointDown':
        return {
          kind: 'respond',
          label,
          response: textResponse(
            503,
            '<html><body><h1>503 Service Temporarily Unavailable</h1></body></html>',
            'text/html',
          ),
        };
    }
  }
}

function matches(f: Fault, target: FaultTarget): boolean {
  const route = f.route ?? (f.kind === 'tokenEndpointDown' ? 'token' : '*');
  const routes = Array.isArray(route) ? route : [route];
  if (!routes.includes('*') && !routes.includes(target.route)) return false;
  return f.when ? f.when(target) : true;
}
