/**
 * The bundle's own CPU time in Node. The bundle, the local Apps Script runtime and the Keap
 * simulator share one process, one thread and one heap, so CPU time around an execution holds
 * much that is not the bundle's. What is taken out, and how:
 *
 * - Other threads: only Node's main thread is clocked (threadCpuMs). V8's background threads
 *   (concurrent marking and sweeping, scavenging helpers, optimizing compilers) work for the
 *   whole heap, the simulator's and the runtime's as much as the bundle's.
 * - Services: the main thread's CPU inside each service call (SpreadsheetApp, UrlFetchApp with
 *   the simulator answering inside it, PropertiesService, an HTTPResponse's getters, which
 *   Apps Script does not count as calls, ...) is not the bundle's: Apps
 *   Script does that work on Google's side and the cost model covers it with latencies. Only
 *   the outermost call is clocked; the clocking's own cost on the bundle's side of each call is
 *   measured once (calibrate) and taken out too.
 * - Garbage collection: a pause falls on whoever allocates when the heap is full, so the
 *   simulator's garbage makes pauses in the bundle's code and the bundle's in the services.
 *   Every main-thread pause of a run (perf_hooks 'gc' entries) is taken out of the side it
 *   fell on and shared out by the bytes each side allocated during the run (heap growth across
 *   each stretch of bundle code and each service call with no collection in it). Pauses are
 *   timed in wall time, so each counts as its length times the share of wall time the main
 *   thread was on a CPU during the run (on a busy machine a thread waits for a core, in a
 *   pause as elsewhere).
 */
import { openSync, readSync } from 'node:fs';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { Execution } from '../test/gas-runtime/execution';

type Clock = (() => number) & { source: string };

/**
 * CPU time of the calling thread, in ms. Node 23.9+ has process.threadCpuUsage; on Linux the
 * thread's schedstat gives it in nanoseconds; elsewhere process.cpuUsage (every thread of the
 * process, so more than the main thread's) is the fallback, and `source` says so.
 */
export const threadCpuMs: Clock = makeThreadClock();

function makeThreadClock(): Clock {
  const native = (process as { threadCpuUsage?: () => { user: number; system: number } })
    .threadCpuUsage;
  if (typeof native === 'function') {
    return Object.assign(
      () => {
        const used = native.call(process);
        return (used.user + used.system) / 1000;
      },
      { source: 'process.threadCpuUsage, main thread' },
    );
  }
  try {
    const fd = openSync('/proc/thread-self/schedstat', 'r');
    const buffer = Buffer.alloc(96);
    const read = (): number => {
      const n = readSync(fd, buffer, 0, buffer.length, 0);
      const text = buffer.toString('latin1', 0, n);
      return Number(text.slice(0, text.indexOf(' '))) / 1e6;
    };
    if (Number.isFinite(read())) {
      return Object.assign(read, { source: '/proc/thread-self/schedstat, main thread' });
    }
  } catch {
    // Not Linux: every thread of the process, below.
  }
  return Object.assign(
    () => {
      const used = process.cpuUsage();
      return (used.user + used.system) / 1000;
    },
    { source: 'process.cpuUsage, all threads (no per-thread clock here)' },
  );
}

/** CPU time of every thread of the process, in ms (reported beside the main thread's). */
export function processCpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/** Runs `fn`, adding the main thread's CPU time it took to `cpu.ms`. */
export function timed<T>(cpu: { ms: number }, fn: () => T): T {
  const before = threadCpuMs();
  try {
    return fn();
  } finally {
    cpu.ms += threadCpuMs() - before;
  }
}

interface Pause {
  at: number;
  ms: number;
}

/** Counters of the service meter; a run's figures are differences of two snapshots. */
interface MeterCounters {
  serviceMs: number;
  calls: number;
  bundleBytes: number;
  serviceBytes: number;
}

/**
 * Clocks every outermost service call (Execution.prototype.call and uncountedCall, wrapped
 * once), keeps when
 * each began and ended (to tell on which side a GC pause fell), and counts the heap bytes
 * allocated on each side.
 */
class ServiceMeter {
  readonly counters: MeterCounters = { serviceMs: 0, calls: 0, bundleBytes: 0, serviceBytes: 0 };
  /** performance.now() at each outermost call's start and end, in order (cleared per run). */
  edges: number[] = [];
  /** Bundle-side cost of clocking one call, in ms (calibrate). */
  overheadMs = 0;
  private depth = 0;
  private heapUsed = 0;

  /** Wraps `call` so each outermost call is clocked. */
  wrap<A extends unknown[], R>(call: (this: unknown, ...args: A) => R) {
    const outermost = (target: unknown, args: A): R => {
      if (this.depth > 0) return call.apply(target, args);
      this.enter();
      const started = threadCpuMs();
      this.depth += 1;
      try {
        return call.apply(target, args);
      } finally {
        this.depth -= 1;
        this.counters.serviceMs += threadCpuMs() - started;
        this.leave();
      }
    };
    return function (this: unknown, ...args: A): R {
      return outermost(this, args);
    };
  }

  /** The bundle's stretch from here on starts now (its heap growth is counted from here). */
  resync(): void {
    this.heapUsed = v8.getHeapStatistics().used_heap_size;
  }

  private enter(): void {
    this.counters.calls += 1;
    this.counters.bundleBytes += this.grown();
    this.edges.push(performance.now());
  }

  private leave(): void {
    this.edges.push(performance.now());
    this.counters.serviceBytes += this.grown();
  }

  /** Heap growth since the last edge; 0 when a collection came in between (unknown split). */
  private grown(): number {
    const used = v8.getHeapStatistics().used_heap_size;
    const grown = used - this.heapUsed;
    this.heapUsed = used;
    return grown > 0 ? grown : 0;
  }

  /** Whether `at` (performance.now()) fell inside a service call. */
  inService(at: number): boolean {
    let lo = 0;
    let hi = this.edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.edges[mid] <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo % 2 === 1;
  }
}

const meter = new ServiceMeter();
const pauses: Pause[] = [];

/** Wraps the runtime's service gate and starts observing GC pauses; once per process. */
function install(): void {
  const proto = Execution.prototype as unknown as {
    call: (this: unknown, ...args: unknown[]) => unknown;
    uncountedCall: (this: unknown, ...args: unknown[]) => unknown;
  };
  proto.call = meter.wrap(proto.call);
  // Methods Apps Script does not count as calls (an HTTPResponse's getters) are service code too.
  proto.uncountedCall = meter.wrap(proto.uncountedCall);
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push({ at: entry.startTime, ms: entry.duration });
  }).observe({ entryTypes: ['gc'] });
  calibrate();
}

/** Measures what clocking one call costs on the bundle's side: the same wrapper, no work. */
function calibrate(): void {
  const probe = new ServiceMeter();
  const noop = probe.wrap(() => 0);
  const rounds = 20_000;
  let best = Infinity;
  for (let attempt = 0; attempt < 5; attempt++) {
    const inside = probe.counters.serviceMs;
    const before = threadCpuMs();
    for (let i = 0; i < rounds; i++) noop();
    const outside = threadCpuMs() - before - (probe.counters.serviceMs - inside);
    best = Math.min(best, outside / rounds);
    probe.edges = [];
  }
  meter.overheadMs = Math.max(0, best);
}

install();

export interface CpuFigures {
  /** The bundle's own CPU time (main thread), as worked out at the top of this file. */
  bundleMs: number;
  /** Main-thread CPU time inside the executions, in all. */
  totalMs: number;
  /** Every thread of the process, around the executions (for comparison; not judged). */
  processMs: number;
  /** Main-thread CPU time inside service calls (the simulator's answers included). */
  serviceMs: number;
  /** The simulator's share of serviceMs (its request handling). */
  simulatorMs: number;
  /** The clocking's own cost on the bundle's side (calls x calibrated cost), taken out. */
  meteringMs: number;
  /** Wall time of the executions, and the share of it the main thread was on a CPU. */
  wallMs: number;
  onCpuShare: number;
  /** GC pauses on the main thread during the executions (wall time x onCpuShare), in all. */
  gcMs: number;
  /** Of gcMs, the pauses that fell in the bundle's code. */
  gcInBundleMs: number;
  /** The bundle's share of the bytes allocated, and the GC time charged to it (gcMs x share). */
  bundleAllocationShare: number;
  gcChargedMs: number;
  /** Which clock measured the main thread. */
  clock: string;
}

/** One run's measurement: start() before its first execution, finish() after its last. */
export class RunCpu {
  private readonly before: MeterCounters;
  private readonly spans: [number, number][] = [];
  readonly executions = { ms: 0 };
  private processMs = 0;

  private readonly simulatorBefore: number;

  constructor(private readonly simulator: { ms: number }) {
    meter.edges = [];
    this.before = { ...meter.counters };
    this.simulatorBefore = simulator.ms;
  }

  /** Runs one stretch of executions, clocked. */
  run<T>(fn: () => T): T {
    const from = performance.now();
    const processBefore = processCpuMs();
    meter.resync();
    try {
      return timed(this.executions, fn);
    } finally {
      this.processMs += processCpuMs() - processBefore;
      this.spans.push([from, performance.now()]);
    }
  }

  /** The figures, once the run's GC entries have arrived (a few turns of the event loop). */
  async finish(): Promise<CpuFigures> {
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setTimeout(resolve, 1));
    const after = meter.counters;
    const serviceMs = after.serviceMs - this.before.serviceMs;
    const calls = after.calls - this.before.calls;
    const bundleBytes = after.bundleBytes - this.before.bundleBytes;
    const serviceBytes = after.serviceBytes - this.before.serviceBytes;
    const totalMs = this.executions.ms;
    const wallMs = this.spans.reduce((sum, [from, to]) => sum + (to - from), 0);
    const onCpuShare = wallMs > 0 ? Math.min(1, totalMs / wallMs) : 1;
    let gcMs = 0;
    let gcInBundleMs = 0;
    for (const pause of pauses) {
      if (!this.spans.some(([from, to]) => pause.at >= from && pause.at <= to)) continue;
      gcMs += pause.ms * onCpuShare;
      if (!meter.inService(pause.at)) gcInBundleMs += pause.ms * onCpuShare;
    }
    const share = bundleBytes + serviceBytes > 0 ? bundleBytes / (bundleBytes + serviceBytes) : 1;
    const meteringMs = calls * meter.overheadMs;
    const gcChargedMs = gcMs * share;
    const bundleMs = Math.max(0, totalMs - serviceMs - meteringMs - gcInBundleMs + gcChargedMs);
    return {
      bundleMs,
      totalMs,
      processMs: this.processMs,
      serviceMs,
      wallMs,
      onCpuShare,
      simulatorMs: this.simulator.ms - this.simulatorBefore,
      meteringMs,
      gcMs,
      gcInBundleMs,
      bundleAllocationShare: share,
      gcChargedMs,
      clock: threadCpuMs.source,
    };
  }
}
