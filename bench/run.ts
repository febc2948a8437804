/**
 * `npm run bench`: the built add-on in the local Apps Script runtime against the Keap
 * simulator, on sheets of 100 to 50,000 rows, next to a naive per-row script. Prints the cost
 * model, a table, details and PASS/FAIL targets; writes bench/results/latest.json; exits
 * non-zero when a target fails. Options: --sizes 100,1000  --validate  --bundle DIR
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { benchAddOn, benchBeyondIds } from './addOn';
import { defaultCostModel, describeModel, type CostModel } from './model';
import { benchNaive, writeNaiveBundle } from './naive';
import { details, duration, table, targetLines } from './report';
import type { ScenarioResult } from './results';
import { judge } from './targets';

const SIZES = [100, 1_000, 10_000, 50_000];
const NAIVE_SIZES = [100, 1_000];
/** Rows without ids and the Keap Email Status column are measured on this size. */
const BEYOND_IDS_SIZE = 1_000;
const REPO = resolve(__dirname, '..');
const RESULTS_FILE = join(__dirname, 'results', 'latest.json');
/** Kept in the JSON per run; the rest are counted. */
const MAX_VIOLATIONS_KEPT = 5;

interface Options {
  sizes: number[];
  validate: boolean;
  bundleDir: string;
}

function parseOptions(argv: string[]): Options {
  const options: Options = {
    sizes: SIZES,
    validate: false,
    bundleDir: join(REPO, 'dist'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--validate') options.validate = true;
    else if (arg === '--sizes') {
      options.sizes = String(argv[++i] ?? '')
        .split(',')
        .map((s) => Number(s.replace(/_/g, '')))
        .filter((n) => Number.isInteger(n) && n > 0);
    } else if (arg === '--bundle') options.bundleDir = resolve(String(argv[++i]));
    else throw new Error(`Unknown option ${arg} (use --sizes 100,1000, --validate, --bundle DIR)`);
  }
  return options;
}

function progress(line: string): void {
  process.stdout.write(`${line}\n`);
}

function forJson(results: readonly ScenarioResult[]): unknown[] {
  return results.map((r) => ({
    ...r,
    specViolationCount: r.specViolations.length,
    specViolations: r.specViolations.slice(0, MAX_VIOLATIONS_KEPT),
  }));
}

async function runAll(model: CostModel, sizes: number[]): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  for (const rows of sizes) {
    const started = performance.now();
    const runs = await benchAddOn(model, rows);
    results.push(...runs);
    progress(
      `  add-on  ${rows} rows: (0), (a), (b), (c) in ${duration(performance.now() - started)} real time`,
    );
  }
  if (sizes.includes(BEYOND_IDS_SIZE)) {
    const started = performance.now();
    results.push(...(await benchBeyondIds(model, BEYOND_IDS_SIZE)));
    progress(
      `  add-on  ${BEYOND_IDS_SIZE} rows: (d), (e), (f), (g) in ${duration(performance.now() - started)} real time`,
    );
  }
  const naiveDir = writeNaiveBundle();
  try {
    for (const rows of NAIVE_SIZES.filter((n) => sizes.includes(n))) {
      const result = benchNaive(model, rows, naiveDir);
      results.push(result);
      progress(`  naive   ${rows} rows: (a) in ${duration(result.realMs)} real time`);
    }
  } finally {
    rmSync(naiveDir, { recursive: true, force: true });
  }
  return results;
}

async function main(): Promise<number> {
  const started = performance.now();
  const options = parseOptions(process.argv.slice(2));
  if (!existsSync(join(options.bundleDir, 'Code.js'))) {
    throw new Error(`No ${options.bundleDir}/Code.js: build first (npm run build).`);
  }
  const model: CostModel = {
    ...defaultCostModel(options.bundleDir),
    validateRequests: options.validate,
  };
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out('Keap Sheets Sync benchmark');
  describeModel({ ...model, bundleDir: relative(process.cwd(), model.bundleDir) || '.' }).forEach(
    (line) => out(line),
  );
  out();
  out(
    `Running sizes ${options.sizes.join(', ')} (naive script: ${NAIVE_SIZES.filter((n) => options.sizes.includes(n)).join(', ') || 'none'})`,
  );

  const results = await runAll(model, options.sizes);
  const checks = judge(results, model);
  const realMs = performance.now() - started;

  out();
  table(results).forEach((line) => out(line));
  out();
  out(
    'Columns: needed = Keap writes the sheet asked for; reads/writes/token = Keap requests by kind;',
  );
  out(
    '429 = refused by the throttle; sheet calls = spreadsheet calls (total, most in one execution);',
  );
  out('props r/w = property reads/writes; execs = executions used (continuations); Apps Script =');
  out(
    'summed execution time; span = first start to last end; rows/min = rows / span; done = the run',
  );
  out('completed and Keap holds every row. Times are virtual (the cost model above).');
  out();
  details(results, model).forEach((line) => out(line));
  out();
  out('Targets');
  targetLines(checks).forEach((line) => out(line));
  out();
  const failed = checks.filter((c) => c.verdict === 'FAIL').length;
  out(
    `${failed === 0 ? 'All targets met' : `${failed} target(s) FAILED`}; real time ${duration(realMs)} (the build not included).`,
  );

  mkdirSync(join(__dirname, 'results'), { recursive: true });
  writeFileSync(
    RESULTS_FILE,
    `${JSON.stringify(
      {
        generatedAt: new Date().toISOString(),
        realTimeMs: Math.round(realMs),
        model: { ...model, bundleDir: relative(REPO, model.bundleDir) || '.' },
        sizes: options.sizes,
        results: forJson(results),
        targets: checks,
      },
      null,
      2,
    )}\n`,
  );
  out(`Wrote ${RESULTS_FILE}`);
  return failed === 0 ? 0 : 1;
}

void main().then((code) => {
  process.exitCode = code;
});
