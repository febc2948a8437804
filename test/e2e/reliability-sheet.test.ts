/**
 * People keep working in the sheet while a sync runs, and two syncs may start together.
 * Edits, sorts, inserted and deleted rows made DURING a run (from the runtime's service-call
 * hook, at every call between the first read and the status write) must never put a status
 * on the wrong row; an edited row is synced by the next run. A second sync started inside
 * the first says busy.
 */
import type { ExecutionResult } from '../gas-runtime';
import {
  acceptableStatuses,
  CELL_READ,
  CELL_WRITE,
  emailNamedIn,
  firstCallTo,
  lastCallBefore,
  repeatedWrites,
  scenarioProblems,
  scenarioWorld,
  serviceCallsOf,
  sheetRows,
  standardScenario,
  summaryOf,
  syncNow,
  type Scenario,
  type ScenarioRow,
  type SyncSummaryView,
} from './support/reliability';
import { EDITOR, type World } from './world';

const SCENARIO = standardScenario();
const CALLS = serviceCallsOf((ctx) => syncNow(scenarioWorld(SCENARIO), ctx));
const FIRST_READ = firstCallTo(CALLS, CELL_READ);
const FIRST_KEAP_REQUEST = firstCallTo(CALLS, 'UrlFetchApp.fetchAll');
const FIRST_STATUS_WRITE = firstCallTo(CALLS, CELL_WRITE, FIRST_KEAP_REQUEST);
/** The read just before the status write: the sheet as the statuses are placed. */
const RE_READ = lastCallBefore(CALLS, CELL_READ, FIRST_STATUS_WRITE);

type Mutation = (w: World) => void;

/**
 * A status names nothing but its own row: "email changed to X" only on a row whose email is
 * X, and every status is one its row's inputs could get.
 */
function misplacedStatuses(w: World, scenario: Scenario): string[] {
  const problems: string[] = [];
  const byInputs = new Map<string, ScenarioRow>();
  for (const row of scenario.rows) byInputs.set(JSON.stringify(row.cells), row);
  for (const view of sheetRows(w)) {
    if (view.status === '') continue;
    const inputs = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'].map((h) => view.cells[h]);
    const named = emailNamedIn(view.status);
    const email = String(view.cells.Email ?? '')
      .trim()
      .toLowerCase();
    if (named !== null && named !== email) {
      problems.push(`row ${view.row} (${JSON.stringify(inputs)}) shows '${view.status}'`);
    }
    const known = byInputs.get(JSON.stringify(inputs));
    if (known && !acceptableStatuses(known, scenario).includes(view.status)) {
      problems.push(`row ${view.row} (${JSON.stringify(inputs)}) shows '${view.status}'`);
    }
    if (!known && view.status !== '' && !view.status.includes(email || '\u0000')) {
      problems.push(
        `new or edited row ${view.row} (${JSON.stringify(inputs)}) shows '${view.status}'`,
      );
    }
  }
  return problems;
}

/** Runs the sync with `mutate` applied by a person just before service call `at`. */
function syncWithEditAt(w: World, at: number, mutate: Mutation): ExecutionResult<SyncSummaryView> {
  let done = false;
  return syncNow(w, {
    onServiceCall: ({ n }) => {
      if (n === at && !done) {
        done = true;
        mutate(w);
      }
    },
  });
}

/** The scenario as the sheet holds it after the person's edit (for the second run). */
function scenarioAfter(edit: (rows: ScenarioRow[]) => ScenarioRow[]): Scenario {
  return { contacts: SCENARIO.contacts, rows: edit(SCENARIO.rows.map((r) => ({ ...r }))) };
}

const sortByEmailDescending: Mutation = (w) => w.sheet().sortBy(2, { ascending: false });
const insertTwoRowsAtTop: Mutation = (w) =>
  w
    .sheet()
    .insertRowsBefore(2, 2)
    .setValues(2, 1, [
      [3, 'cat.new@example.com', '', ''],
      ['', '', '', ''],
    ]);

describe('the sheet changes while the sync runs', () => {
  it('the hook points cover the run from the first read to the status write', () => {
    expect(FIRST_READ).toBeLessThan(FIRST_KEAP_REQUEST);
    expect(FIRST_KEAP_REQUEST).toBeLessThan(RE_READ);
    expect(RE_READ).toBeLessThan(FIRST_STATUS_WRITE);
  });

  it('sorted at every call from the first read to the re-read: every status is on its own row; a second run has nothing to fix', () => {
    const problems: string[] = [];
    for (let at = FIRST_READ; at <= RE_READ; at += 1) {
      const w = scenarioWorld(SCENARIO);
      summaryOf(syncWithEditAt(w, at, sortByEmailDescending));
      problems.push(
        ...misplacedStatuses(w, SCENARIO).map((p) => `sorted at ${CALLS[at - 1]}: ${p}`),
      );
      summaryOf(syncNow(w));
      // Rows are sorted now: check each by its inputs rather than its position.
      problems.push(...misplacedStatuses(w, SCENARIO).map((p) => `after the next run: ${p}`));
      problems.push(...repeatedWrites(w));
      w.sheet().sortBy(2, { ascending: true });
    }
    expect(problems).toEqual([]);
  });

  it('rows inserted above at every call: statuses follow their rows, and after the next run Keap and every original row are right', () => {
    const problems: string[] = [];
    for (let at = FIRST_READ; at <= RE_READ; at += 1) {
      const w = scenarioWorld(SCENARIO);
      summaryOf(syncWithEditAt(w, at, insertTwoRowsAtTop));
      problems.push(
        ...misplacedStatuses(w, SCENARIO).map((p) => `inserted at ${CALLS[at - 1]}: ${p}`),
      );
      summaryOf(syncNow(w));
      w.sheet().deleteRow(2).deleteRow(2);
      problems.push(
        ...scenarioProblems(w, SCENARIO).map((p) => `inserted at ${CALLS[at - 1]}: ${p}`),
      );
    }
    expect(problems).toEqual([]);
  });

  it("a row's email edited at the first Keap request: no status lands on it, the next run syncs the new email", () => {
    const w = scenarioWorld(SCENARIO);
    // Row 4 is contact 3 (cat.new@): the person changes it to cat.final@ mid-run.
    summaryOf(
      syncWithEditAt(w, FIRST_KEAP_REQUEST, (world) =>
        world.sheet().setCell(4, 2, 'cat.final@example.com'),
      ),
    );
    const edited = sheetRows(w).find((r) => r.row === 4);
    expect(edited?.cells.Email).toBe('cat.final@example.com');
    expect(edited?.status).toBe('');
    expect(misplacedStatuses(w, SCENARIO)).toEqual([]);

    summaryOf(syncNow(w));
    const final = scenarioAfter((rows) => {
      rows[2] = {
        cells: [3, 'cat.final@example.com', '', ''],
        expect: { kind: 'sync', email: 'cat.final@example.com', optOut: null },
      };
      return rows;
    });
    expect(sheetRows(w).find((r) => r.row === 4)?.status).toBe(
      'Updated: email changed to cat.final@example.com',
    );
    expect(scenarioProblems(w, final)).toEqual([]);
  });

  it('a row deleted at the first Keap request: the others keep their own statuses', () => {
    const w = scenarioWorld(SCENARIO);
    summaryOf(syncWithEditAt(w, FIRST_KEAP_REQUEST, (world) => world.sheet().deleteRow(3)));
    expect(misplacedStatuses(w, SCENARIO)).toEqual([]);
    const rows = sheetRows(w);
    expect(rows.find((r) => r.cells['Contact ID'] === 2)).toBeUndefined();
    expect(rows.filter((r) => r.cells['Contact ID'] !== '').every((r) => r.status !== '')).toBe(
      true,
    );
  });

  it('after a completed run every row has a status: an inserted copy of a synced row and a cleared status are answered', () => {
    const w = scenarioWorld(SCENARIO);
    summaryOf(syncNow(w));
    w.sheet()
      .insertRowsBefore(2, 1)
      .setValues(2, 1, [[3, 'cat.new@example.com', '', '']]);
    w.sheet().setCell(3, 5, '');
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    const rows = sheetRows(w);
    expect(rows[0].status).toBe('Up to date');
    expect(rows[1].status).not.toBe('');
    expect(rows.every((r) => r.status !== '')).toBe(true);
  });

  it('sorted between the re-read and the status write: every status is still on its own row', () => {
    const problems: string[] = [];
    for (let at = RE_READ + 1; at <= FIRST_STATUS_WRITE; at += 1) {
      const w = scenarioWorld(SCENARIO);
      summaryOf(syncWithEditAt(w, at, sortByEmailDescending));
      summaryOf(syncNow(w));
      problems.push(
        ...misplacedStatuses(w, SCENARIO).map((p) => `sorted at ${CALLS[at - 1]}: ${p}`),
      );
    }
    expect(problems).toEqual([]);
  });
});

describe('two syncs started together', () => {
  it('a second person clicks Sync now while the first sync is at its first Keap request: one runs, the other says busy, Keap right', () => {
    const w = scenarioWorld(SCENARIO);
    w.connect(EDITOR);
    let second: ExecutionResult<SyncSummaryView> | undefined;
    const first = syncWithEditAt(w, FIRST_KEAP_REQUEST, (world) => {
      second = syncNow(world, {}, EDITOR);
    });
    expect(summaryOf(first).outcome).toBe('completed');
    expect(second && summaryOf(second)).toMatchObject({
      outcome: 'busy',
      message: 'Another sync of this spreadsheet is already running. Try again in a few minutes.',
    });
    expect(second?.ledger.requestCount).toBe(0);
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });

  it('the second sync started at every service call of the first: never both at work, Keap right, no change sent twice', () => {
    const problems: string[] = [];
    let busy = 0;
    for (let at = 1; at <= CALLS.length; at += 1) {
      const w = scenarioWorld(SCENARIO);
      w.connect(EDITOR);
      let second: ExecutionResult<SyncSummaryView> | undefined;
      const first = syncWithEditAt(w, at, (world) => {
        second = syncNow(world, {}, EDITOR);
      });
      const outcomes = [first, second].map(
        (r) => r?.value?.outcome ?? `error ${r?.error?.message}`,
      );
      if (outcomes.includes('busy')) busy += 1;
      if (
        !outcomes.every((o) => o === 'completed' || o === 'busy') ||
        !outcomes.includes('completed')
      ) {
        problems.push(`second at ${CALLS[at - 1]}: ${outcomes.join(', ')}`);
      }
      problems.push(
        ...scenarioProblems(w, SCENARIO).map((p) => `second at ${CALLS[at - 1]}: ${p}`),
      );
    }
    expect(problems).toEqual([]);
    // From taking the lease to giving it back, the second one is turned away.
    expect(busy).toBeGreaterThan(CALLS.length / 2);
  });
});
