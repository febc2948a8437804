/** What one execution cost: the numbers a reviewer compares between two versions of the add-on. */
export interface Ledger {
  /** Requests by 'METHOD host/path', numeric path segments as {id}, e-mail addresses as {email}. */
  requests: Record<string, number>;
  requestCount: number;
  fetchAllBatches: number;
  spreadsheetCalls: number;
  propertyReads: number;
  propertyWrites: number;
  sleepMs: number;
  /** Virtual time the execution took. */
  virtualMs: number;
  /** Every counted service call (spreadsheet, properties, fetch, locks, ...). */
  serviceCalls: number;
  /** Virtual time spent waiting for locks. */
  lockWaitMs: number;
}

export function emptyLedger(): Ledger {
  return {
    requests: {},
    requestCount: 0,
    fetchAllBatches: 0,
    spreadsheetCalls: 0,
    propertyReads: 0,
    propertyWrites: 0,
    sleepMs: 0,
    virtualMs: 0,
    serviceCalls: 0,
    lockWaitMs: 0,
  };
}

/** 'GET api.example.com/contacts/{id}': ids and addresses vary per row, the endpoint does not. */
export function requestKey(method: string, url: string): string {
  let host = '';
  let path = url;
  try {
    const parsed = new URL(url);
    host = parsed.host;
    path = parsed.pathname;
  } catch {
    // Not an absolute URL: count it under its raw text.
  }
  const normalised = path
    .split('/')
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // keep raw
      }
      if (/^\d+$/.test(decoded)) return '{id}';
      if (decoded.includes('@')) return '{email}';
      return segment;
    })
    .join('/');
  return `${method.toUpperCase()} ${host}${normalised}`;
}

/** Sums ledgers, for totals over several executions. */
export function addLedgers(ledgers: Ledger[]): Ledger {
  const total = emptyLedger();
  for (const l of ledgers) {
    for (const [key, n] of Object.entries(l.requests))
      total.requests[key] = (total.requests[key] ?? 0) + n;
    total.requestCount += l.requestCount;
    total.fetchAllBatches += l.fetchAllBatches;
    total.spreadsheetCalls += l.spreadsheetCalls;
    total.propertyReads += l.propertyReads;
    total.propertyWrites += l.propertyWrites;
    total.sleepMs += l.sleepMs;
    total.virtualMs += l.virtualMs;
    total.serviceCalls += l.serviceCalls;
    total.lockWaitMs += l.lockWaitMs;
  }
  return total;
}
