/**
 * The add-on's scenarios on one sheet size, in one world: connect through the consent flow,
 * then (0) the first sync (rows already as in Keap), (a) after every row was edited, (b) the
 * same sheet again, (c) after 1 % of rows were edited.
 * Each run starts with "Sync now" in the sidebar and follows its continuation triggers.
 */
import { performance } from 'node:perf_hooks';
import { HOUR, OWNER, World } from '../test/e2e/world';
import {
  editedEmail,
  editedRowIndexes,
  neededChanges,
  readSheetRows,
  rowsAsInKeap,
  rowsNotInKeap,
  rowsWithoutIds,
  seedKeap,
  sheetRows,
} from './dataset';
import { RunCpu, timed } from './cpuMeter';
import { runWithContinuations } from './drive';
import { measureRun } from './measure';
import type { CostModel } from './model';
import type { OptOutFigures, ScenarioName, ScenarioResult } from './results';
import type { RecordedRequest } from '../test/gas-runtime';
import type { KeapSimulator } from '../test/keap-sim';

/** Names the architecture documents: the contacts tab, the run log, the record of synced rows. */
const CONTACTS_TAB = 'Contacts';
const LOG_TAB = 'Keap Sync Log';
const RECORD_HEADER = 'Keap Sync Record';
const EMAIL_COLUMN = 2;
/** Real-time guard per execution (a runaway-loop stop, not part of the cost model). */
const REAL_TIME_LIMIT_MS = 120_000;

/** A world whose Keap is seeded for `rows` rows and whose Contacts tab holds `sheet`. */
export function createWorld(
  model: CostModel,
  rows: number,
  bundleDir: string,
  sheet: unknown[][] = sheetRows(rows),
  keapEmailStatus = false,
): World {
  const world = new World({
    rows: sheet,
    keapEmailStatus,
    sim: {
      validateRequests: model.validateRequests,
      limits: { clientPerMinute: model.keapPerMinute, spikePerSecond: model.keapPerSecond },
    },
    runtime: {
      bundleDir,
      latency: { fetchMs: model.fetchMs, spreadsheetCallMs: model.spreadsheetCallMs },
      executionLimitMs: model.executionLimitMs,
      realTimeLimitMs: REAL_TIME_LIMIT_MS,
    },
  });
  seedKeap(world.sim, rows);
  simulatorCpu.set(world, meterSimulator(world.sim));
  return world;
}

/** CPU spent inside each world's in-process simulator (it answers during the executions). */
const simulatorCpu = new WeakMap<World, { ms: number }>();

/** Counts the CPU time of every request the simulator answers (its private dispatch, wrapped). */
function meterSimulator(sim: KeapSimulator): { ms: number } {
  const cpu = { ms: 0 };
  const target = sim as unknown as { dispatch: (request: unknown) => unknown };
  const dispatch = target.dispatch.bind(sim);
  target.dispatch = (request) => timed(cpu, () => dispatch(request));
  return cpu;
}

const OPT_OUT_PATH = /\/crm\/rest\/v2\/emailAddresses\/([^/?]+)\/status(\?|$)/;
const STATUS_LIST = /\/crm\/rest\/v2\/emailAddresses\?/;

/** Emails in a status list URL's `filter=emails==a,b` (lower-cased). */
function filteredEmails(url: string): string[] {
  const filter = new URL(url).searchParams.get('filter') ?? '';
  return filter.startsWith('emails==')
    ? filter
        .slice('emails=='.length)
        .split(',')
        .map((e) => e.toLowerCase())
    : [];
}

/** The run's opt-outs as sent, and the status reads of addresses already sent one (read-backs). */
export function optOutFigures(requests: readonly RecordedRequest[]): OptOutFigures {
  const figures = { restWrites: 0, xmlRpcWrites: 0, verificationReads: 0 };
  const sentOptOut = new Set<string>();
  const verified = new Set<string>();
  // One batched read-back sends its GETs one after another (paced, maybe over several
  // fetchAll calls) with no other request between them: a run of them is one batched read.
  let rounds = 0;
  let previousWasReadBack = false;
  for (const record of requests) {
    const { method, url } = record.request;
    const optOut = OPT_OUT_PATH.exec(url);
    let readBack = false;
    if (method === 'PATCH' && optOut) {
      figures.restWrites += 1;
      sentOptOut.add(decodeURIComponent(optOut[1]).toLowerCase());
    } else if (method === 'POST' && url.includes('/crm/xmlrpc/')) {
      figures.xmlRpcWrites += 1;
    } else if (method === 'GET' && STATUS_LIST.test(url)) {
      const checked = filteredEmails(url).filter((email) => sentOptOut.has(email));
      if (checked.length > 0) {
        readBack = true;
        figures.verificationReads += 1;
        if (!previousWasReadBack) rounds += 1;
        checked.forEach((email) => verified.add(email));
      }
    }
    previousWasReadBack = readBack;
  }
  return { ...figures, verificationRounds: rounds, verifiedAddresses: verified.size };
}

function tabValues(world: World, name: string): unknown[][] | null {
  return world.rt.sheetNames(world.spreadsheetId).includes(name)
    ? world.sheet(name).values()
    : null;
}

function logRowCount(world: World): number {
  return tabValues(world, LOG_TAB)?.length ?? 0;
}

/** The log tab's newest row, if the run wrote one: "outcome: message". */
function loggedOutcome(world: World, rowsBefore: number): string {
  const values = tabValues(world, LOG_TAB);
  if (!values || values.length <= rowsBefore) return 'no row in the log tab';
  const header = values[0].map(String);
  const last = values[values.length - 1];
  const outcome = last[header.indexOf('Outcome')];
  const message = last[header.indexOf('Message')];
  return `${String(outcome)}: ${String(message)}`;
}

/** Rows whose hidden Keap Sync Record cell holds a record; null before the column exists. */
function recordedRows(world: World): number | null {
  const values = tabValues(world, CONTACTS_TAB);
  const column = values?.[0]?.indexOf(RECORD_HEADER) ?? -1;
  if (!values || column === -1) return null;
  return values.slice(1).filter((row) => typeof row[column] === 'string' && row[column] !== '')
    .length;
}

export async function runAddOnScenario(
  world: World,
  scenario: ScenarioName,
  rows: number,
): Promise<ScenarioResult> {
  const { rt, sim } = world;
  const logBefore = sim.log.length;
  const violationsBefore = sim.specViolations.length;
  const logRowsBefore = logRowCount(world);
  const sheet = readSheetRows(world.sheet().values());
  const needed = neededChanges(sim, sheet);
  const sheetCalls: Record<string, number> = {};
  const requestsBefore = rt.requests.length;
  const cpu = new RunCpu(simulatorCpu.get(world) ?? { ms: 0 });
  const started = performance.now();
  const run = runWithContinuations(
    rt,
    OWNER,
    () =>
      rt.scriptRun('syncNow', [], {
        user: OWNER,
        spreadsheetId: world.spreadsheetId,
        authMode: 'FULL',
        onServiceCall: ({ service, method, spreadsheet }) => {
          if (!spreadsheet) return;
          const name = `${service}.${method}`;
          sheetCalls[name] = (sheetCalls[name] ?? 0) + 1;
        },
      }),
    (fn) => cpu.run(fn),
  );
  const realMs = performance.now() - started;
  const figures = await cpu.finish();
  const wrong = rowsNotInKeap(sim, sheet);
  const measurement = measureRun(run.executions, sim.log.slice(logBefore), rows);
  const outcome = loggedOutcome(world, logRowsBefore);
  return {
    implementation: 'add-on',
    scenario,
    rows,
    needed,
    measurement,
    outcome,
    completed: run.ended && outcome.startsWith('completed:'),
    ended: run.ended,
    rowsNotInKeap: wrong.length,
    firstRowsNotInKeap: wrong.slice(0, 5),
    recordedRows: recordedRows(world),
    firstExecutionSheetCalls: sheetCalls,
    specViolations: sim.specViolations.slice(violationsBefore),
    realMs,
    optOuts: optOutFigures(rt.requests.slice(requestsBefore)),
    cpu: { ...figures, perTenThousandRowsMs: (figures.bundleMs / rows) * 10_000 },
    notes: [],
  };
}

/**
 * (0), (a), (b) and (c) on one sheet of `rows` rows; an hour passes between runs. The first
 * sync sets the spreadsheet up (its log tab, the status and record columns) and has nothing
 * to change; then every row is edited, so (a) measures a full change on a set-up sheet.
 */
export async function benchAddOn(model: CostModel, rows: number): Promise<ScenarioResult[]> {
  const world = createWorld(model, rows, model.bundleDir, rowsAsInKeap(rows));
  world.connect();
  const results = [await runAddOnScenario(world, 'first-sync', rows)];
  world.rt.advanceBy(HOUR);
  world.sheet().setValues(2, 1, sheetRows(rows));
  results.push(await runAddOnScenario(world, 'all-changed', rows));
  world.rt.advanceBy(HOUR);
  results.push(await runAddOnScenario(world, 'unchanged', rows));
  world.rt.advanceBy(HOUR);
  const sheet = world.sheet();
  for (const index of editedRowIndexes(rows)) {
    sheet.setCell(index + 2, EMAIL_COLUMN, editedEmail(index));
  }
  results.push(await runAddOnScenario(world, 'one-percent-edited', rows));
  return results;
}

/**
 * Beyond the contact id, on one sheet of `rows` rows: (d) the same rows without a Contact ID
 * (each address searched once, half of them opted out) and (e) that sheet again; then, in a
 * world with ids, (f) the first sync with the Keap Email Status column on and (g) that sheet
 * again: reads only.
 */
export async function benchBeyondIds(model: CostModel, rows: number): Promise<ScenarioResult[]> {
  const byEmail = createWorld(model, rows, model.bundleDir, rowsWithoutIds(rows));
  byEmail.connect();
  const results = [await runAddOnScenario(byEmail, 'no-ids-first', rows)];
  byEmail.rt.advanceBy(HOUR);
  results.push(await runAddOnScenario(byEmail, 'no-ids-unchanged', rows));
  const withColumn = createWorld(model, rows, model.bundleDir, rowsAsInKeap(rows), true);
  withColumn.connect();
  results.push(await runAddOnScenario(withColumn, 'status-column-first', rows));
  withColumn.rt.advanceBy(HOUR);
  results.push(await runAddOnScenario(withColumn, 'status-column-unchanged', rows));
  return results;
}
