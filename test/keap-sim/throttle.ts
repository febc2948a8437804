import { DAY_MS, type KeapLimits } from './limits';

/** Who a request is counted against: an OAuth app (client id) or one PAT/SAK. */
export type Caller = { kind: 'oauth'; clientId: string } | { kind: 'key'; key: string };

/** The policy that refused a request: a throttle window, or a daily quota. */
export type RefusedBy = 'spike' | 'minute' | 'day' | 'tenant-minute' | 'tenant-day';

export type ThrottleDecision = {
  allowed: boolean;
  headers: Record<string, string>;
  refusedBy?: RefusedBy;
};

/** Requests in the trailing window (Keap's gateway counts a rolling minute). */
export class SlidingWindow {
  private times: number[] = [];
  private head = 0;

  count(now: number, windowMs: number): number {
    while (this.head < this.times.length && this.times[this.head] <= now - windowMs) this.head++;
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head);
      this.head = 0;
    }
    return this.times.length - this.head;
  }

  add(now: number): void {
    this.times.push(now);
  }
}

/** Requests since 00:00 UTC, when Keap's daily quotas reset. */
class DailyCounter {
  private day = -1;
  private used = 0;

  count(now: number): number {
    const day = Math.floor(now / DAY_MS);
    if (day !== this.day) {
      this.day = day;
      this.used = 0;
    }
    return this.used;
  }

  add(now: number, count = 1): void {
    this.count(now);
    this.used += count;
  }
}

interface Buckets {
  second: SlidingWindow;
  minute: SlidingWindow;
  day: DailyCounter;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

export class Throttle {
  private readonly apps = new Map<string, Buckets>();
  private readonly tenants = new Map<string, Buckets>();

  constructor(private readonly limits: () => KeapLimits) {}

  /** Counts the request if every policy allows it; a refused request counts against nothing. */
  admit(now: number, caller: Caller, tenant: string): ThrottleDecision {
    const l = this.limits();
    const app = bucketsFor(this.apps, callerKey(caller));
    const ten = bucketsFor(this.tenants, tenant);
    const appMinuteLimit = caller.kind === 'oauth' ? l.clientPerMinute : l.keyPerMinute;
    const appDayLimit = caller.kind === 'oauth' ? l.clientPerDay : l.keyPerDay;
    const perSecondLimit =
      caller.kind === 'oauth' ? l.spikePerSecond : Math.min(l.spikePerSecond, l.keyPerSecond);

    const refusedBy = firstRefusal([
      ['spike', app.second.count(now, SECOND) < perSecondLimit],
      ['minute', app.minute.count(now, MINUTE) < appMinuteLimit],
      ['day', app.day.count(now) < appDayLimit],
      ['tenant-minute', ten.minute.count(now, MINUTE) < l.tenantPerMinute],
      ['tenant-day', ten.day.count(now) < l.tenantPerDay],
    ]);
    const allowed = refusedBy === undefined;
    if (allowed) {
      for (const b of [app, ten]) {
        b.second.add(now);
        b.minute.add(now);
        b.day.add(now);
      }
    }

    const nextMidnight = (Math.floor(now / DAY_MS) + 1) * DAY_MS;
    return {
      allowed,
      ...(refusedBy === undefined ? {} : { refusedBy }),
      headers: {
        ...usageHeaders(
          'x-keap-product-throttle',
          appMinuteLimit,
          app.minute.count(now, MINUTE),
          'minute',
        ),
        ...usageHeaders('x-keap-product-quota', appDayLimit, app.day.count(now), 'day'),
        'x-keap-product-quota-expiry-time': String(nextMidnight),
        ...usageHeaders(
          'x-keap-tenant-throttle',
          l.tenantPerMinute,
          ten.minute.count(now, MINUTE),
          'minute',
        ),
      },
    };
  }

  /** Requests left of today's quota of this caller. */
  dailyLeft(now: number, caller: Caller): number {
    const l = this.limits();
    const limit = caller.kind === 'oauth' ? l.clientPerDay : l.keyPerDay;
    return Math.max(0, limit - bucketsFor(this.apps, callerKey(caller)).day.count(now));
  }

  /**
   * Someone else (another user of the same OAuth app, another script with the same key) uses
   * `count` requests of today's quota; by default all that is left.
   */
  spendDaily(now: number, caller: Caller, count?: number): void {
    const l = this.limits();
    const app = bucketsFor(this.apps, callerKey(caller));
    const limit = caller.kind === 'oauth' ? l.clientPerDay : l.keyPerDay;
    app.day.add(now, count ?? Math.max(0, limit - app.day.count(now)));
  }
}

function callerKey(caller: Caller): string {
  return caller.kind === 'oauth' ? `client:${caller.clientId}` : `key:${caller.key}`;
}

function firstRefusal(checks: Array<[RefusedBy, boolean]>): RefusedBy | undefined {
  return checks.find(([, passes]) => !passes)?.[0];
}

function bucketsFor(map: Map<string, Buckets>, key: string): Buckets {
  let b = map.get(key);
  if (!b) {
    b = { second: new SlidingWindow(), minute: new SlidingWindow(), day: new DailyCounter() };
    map.set(key, b);
  }
  return b;
}

function usageHeaders(
  prefix: string,
  limit: number,
  used: number,
  unit: string,
): Record<string, string> {
  return {
    [`${prefix}-limit`]: String(limit),
    [`${prefix}-time-unit`]: unit,
    [`${prefix}-interval`]: '1',
    [`${prefix}-used`]: String(used),
    [`${prefix}-available`]: String(Math.max(0, limit - used)),
  };
}
