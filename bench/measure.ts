/**
 * Turns what one run left behind (the runtime's executions and the simulator's request log)
 * into the benchmark's numbers. Pure: no runtime, no simulator, only their records.
 */
import type { ExecutionResult } from '../test/gas-runtime';
import type { SimRequestLog } from '../test/keap-sim';
import { MINUTE_MS } from './model';

/** Routes that change something in Keap. */
const WRITE_ROUTES = new Set(['contacts.patch', 'xmlrpc.optOut', 'emailAddresses.updateStatus']);
const TOKEN_ROUTES = new Set(['token']);
/** The person's browser on Keap's consent page: not a request Apps Script made. */
const BROWSER_ROUTES = new Set(['authorize']);

export interface KeapCounts {
  reads: number;
  writes: number;
  token: number;
  total: number;
  /** Answers 429 (Keap's throttle refused the request). */
  refused: number;
}

export interface RatePhase {
  requests: number;
  ms: number;
  perMinute: number;
}

export interface RunMeasurement {
  executions: number;
  continuations: number;
  /** Executions Apps Script stopped at the time limit. */
  killed: number;
  /** Messages of executions that ended in an error. */
  errors: string[];
  keap: KeapCounts;
  spreadsheetCalls: { total: number; maxPerExecution: number };
  properties: { reads: number; writes: number };
  /** Sum of the executions' virtual time: what counts against Apps Script quotas. */
  appsScriptMs: number;
  /** First execution's start to last execution's end, virtual. */
  spanMs: number;
  rowsPerMinute: number;
  /**
   * Keap requests per minute inside each execution's write phase (its first write request to
   * its last), summed over executions; null when no execution sent writes over a stretch of time.
   */
  writePhase: RatePhase | null;
  /** Most Keap requests started in any rolling minute of the run. */
  busiestMinute: number;
}

export function isAppsScriptRequest(entry: SimRequestLog): boolean {
  return !BROWSER_ROUTES.has(entry.route);
}

export function countKeap(entries: readonly SimRequestLog[]): KeapCounts {
  const counts: KeapCounts = { reads: 0, writes: 0, token: 0, total: 0, refused: 0 };
  for (const entry of entries) {
    if (!isAppsScriptRequest(entry)) continue;
    counts.total++;
    if (entry.throttled || entry.status === 429) counts.refused++;
    if (WRITE_ROUTES.has(entry.route)) counts.writes++;
    else if (TOKEN_ROUTES.has(entry.route)) counts.token++;
    else counts.reads++;
  }
  return counts;
}

/** Most entries whose start time falls in any window of `windowMs` (entries sorted by time). */
export function busiestWindow(times: readonly number[], windowMs: number): number {
  let best = 0;
  let head = 0;
  for (let tail = 0; tail < times.length; tail++) {
    while (times[tail] - times[head] >= windowMs) head++;
    best = Math.max(best, tail - head + 1);
  }
  return best;
}

/**
 * Requests started in [first write, last write) of each execution, over the length of those
 * stretches. Half-open so a steady stream is measured at its true rate.
 */
export function writePhaseRate(
  executions: readonly Pick<ExecutionResult, 'startedAt' | 'endedAt'>[],
  entries: readonly SimRequestLog[],
): RatePhase | null {
  let requests = 0;
  let ms = 0;
  for (const exec of executions) {
    const mine = entries.filter(
      (e) => isAppsScriptRequest(e) && e.at >= exec.startedAt && e.at <= exec.endedAt,
    );
    const writes = mine.filter((e) => WRITE_ROUTES.has(e.route)).map((e) => e.at);
    if (writes.length === 0) continue;
    const first = Math.min(...writes);
    const last = Math.max(...writes);
    if (last <= first) continue;
    requests += mine.filter((e) => e.at >= first && e.at < last).length;
    ms += last - first;
  }
  return ms > 0 ? { requests, ms, perMinute: (requests / ms) * MINUTE_MS } : null;
}

export function measureRun(
  executions: readonly ExecutionResult[],
  entries: readonly SimRequestLog[],
  rows: number,
): RunMeasurement {
  const ledgers = executions.map((e) => e.ledger);
  const appsScriptMs = ledgers.reduce((sum, l) => sum + l.virtualMs, 0);
  const spanMs =
    executions.length === 0
      ? 0
      : Math.max(...executions.map((e) => e.endedAt)) -
        Math.min(...executions.map((e) => e.startedAt));
  const times = entries
    .filter(isAppsScriptRequest)
    .map((e) => e.at)
    .sort((a, b) => a - b);
  return {
    executions: executions.length,
    continuations: Math.max(0, executions.length - 1),
    killed: executions.filter((e) => e.killed).length,
    errors: executions.flatMap((e) => (e.error ? [`${e.fn}: ${e.error.message}`] : [])),
    keap: countKeap(entries),
    spreadsheetCalls: {
      total: ledgers.reduce((sum, l) => sum + l.spreadsheetCalls, 0),
      maxPerExecution: Math.max(0, ...ledgers.map((l) => l.spreadsheetCalls)),
    },
    properties: {
      reads: ledgers.reduce((sum, l) => sum + l.propertyReads, 0),
      writes: ledgers.reduce((sum, l) => sum + l.propertyWrites, 0),
    },
    appsScriptMs,
    spanMs,
    rowsPerMinute: spanMs > 0 ? (rows / spanMs) * MINUTE_MS : 0,
    writePhase: writePhaseRate(executions, entries),
    busiestMinute: busiestWindow(times, MINUTE_MS),
  };
}
