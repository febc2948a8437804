/**
 * Red team on issue #13's reuse of an execution's earlier read between chunk writes
 * (src/sheet/sheetRead.ts, recordAlignment.ts, statusPlacement.ts, sync/execution.ts): a
 * person edits record cells, input cells, rows, columns and headers while a long sync is
 * between two chunks' status writes. The sheets are 4,500 rows, so one chunk's records
 * (1,000 rows) stay under the quarter of the tab that the fast path accepts, and the edit is
 * made during the third chunk: the third write compares its read with the second's. Each
 * test asserts the statuses and records on the exact rows and Keap's state. (Probed with a
 * logging copy of the bundle: the third write of each test takes the fast path, or falls
 * back to the full work for the edits it must, such as a swap or a blanked record; the
 * later writes take it again.) Defects are
 * `test.failing` with what the user sees, what should happen and where it comes from.
 */
import type { ExecutionContext, ExecutionResult } from '../gas-runtime';
import { emailNamedIn } from './support/reliability';
import { connectedWorld, keapWrites, type Summary } from './support/sync';
import { EDITOR, OWNER, TENANT, type World } from './world';

const HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
const ROWS = 4500;
const FIRST_ID = 130_001;

/** Contact of the sheet's row `row` (2 on) in the worlds below. */
const idOf = (row: number) => FIRST_ID + row - 2;
const emailOf = (row: number) => `person${row - 2}@example.com`;

/** Every row's email is new to Keap: every contact is updated. */
function changedWorld(rows = ROWS): World {
  const sheet = Array.from({ length: rows }, (_, i) => [FIRST_ID + i, emailOf(i + 2), '', '']);
  const w = connectedWorld([HEADERS, ...sheet]);
  for (let i = 0; i < rows; i++) w.addContact(FIRST_ID + i, `old${i}@example.com`);
  return w;
}

type Mutation = (w: World) => void;

/** Rows of the tab with a Sync Status. */
function statusesShown(w: World): number {
  const [headers, ...rows] = w.sheet().values();
  const at = headers.indexOf('Sync Status');
  return at < 0 ? 0 : rows.filter((row) => String(row[at] ?? '') !== '').length;
}

/**
 * Syncs now with `mutate` done by a person once `shown` rows have a status (two chunks'
 * writes: the third write then compares its read with the second's, records column and
 * all), at the next Keap request.
 */
function syncEditedBetweenChunks(
  w: World,
  mutate: Mutation,
  shown = 2000,
  ctx: ExecutionContext = {},
): ExecutionResult<Summary> {
  let done = false;
  const result = w.rt.run<Summary>('syncNow', [], {
    user: OWNER,
    spreadsheetId: w.spreadsheetId,
    authMode: 'FULL',
    ...ctx,
    onServiceCall: ({ service, method }) => {
      if (done || `${service}.${method}` !== 'UrlFetchApp.fetchAll') return;
      if (statusesShown(w) >= shown) {
        done = true;
        mutate(w);
      }
    },
  });
  expect(done).toBe(true);
  return result;
}

function columnOf(w: World, name: string): number {
  return w.sheet().values()[0].indexOf(name);
}

function recordCellOf(w: World, row: number): string {
  return String(w.sheet().values()[row - 1][columnOf(w, 'Keap Sync Record')] ?? '');
}

function recordContact(cell: unknown): number | null {
  const match = /^ksr\d\|(\d+)\|/.exec(String(cell ?? ''));
  return match ? Number(match[1]) : null;
}

/** Rows whose status names another email than the row's own (or none, when `all`). */
function wrongStatuses(w: World, skip: (row: number) => boolean = () => false): string[] {
  const [headers, ...rows] = w.sheet().values();
  const email = headers.indexOf('Email');
  const status = headers.indexOf('Sync Status');
  const problems: string[] = [];
  rows.forEach((cells, i) => {
    if (skip(i + 2)) return;
    if (cells[email] === '' && cells[0] === '') return;
    const shown = String(cells[status] ?? '');
    const named = emailNamedIn(shown);
    if (named !== String(cells[email]).trim().toLowerCase()) {
      problems.push(`row ${i + 2} (${String(cells[email])}) shows '${shown}'`);
    }
  });
  return problems;
}

/** Rows whose record cell holds another contact's record than the row's Contact ID. */
function wrongRecords(w: World, skip: (row: number) => boolean = () => false): string[] {
  const [headers, ...rows] = w.sheet().values();
  const record = headers.indexOf('Keap Sync Record');
  const id = headers.indexOf('Contact ID');
  const problems: string[] = [];
  rows.forEach((cells, i) => {
    if (skip(i + 2) || record < 0) return;
    const held = recordContact(cells[record]);
    if (held !== null && held !== Number(cells[id])) {
      problems.push(`row ${i + 2} (contact ${String(cells[id])}) holds ${String(cells[record])}`);
    }
  });
  return problems;
}

/** Contacts (of the sheet's rows) whose EMAIL1 in Keap is not the row's email. */
function keapMismatches(w: World, skip: (row: number) => boolean = () => false): string[] {
  const [headers, ...rows] = w.sheet().values();
  const email = headers.indexOf('Email');
  const id = headers.indexOf('Contact ID');
  const problems: string[] = [];
  rows.forEach((cells, i) => {
    if (skip(i + 2) || cells[id] === '') return;
    const contact = w.sim.contact(TENANT, Number(cells[id]));
    const inKeap = contact?.emails.find((e) => e.field === 'EMAIL1')?.email;
    const wanted = String(cells[email]).trim().toLowerCase();
    if (inKeap !== wanted) problems.push(`contact ${String(cells[id])}: ${inKeap} != ${wanted}`);
  });
  return problems;
}

function secondRun(w: World): { summary: Summary | undefined; writes: number } {
  const before = w.sim.log.length;
  const summary = w.run<Summary>('syncNow').value;
  return { summary, writes: keapWrites(w, before).length };
}

/** A row in the first chunk (written twice over by now) and one in the second. */
const A = 10;
const B = 20;
const C = 1500;

describe('between two chunks a person edits only Keap Sync Record cells', () => {
  it("pastes another row's record: the run ends right and a second run puts each record back", () => {
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => {
      const col = columnOf(world, 'Keap Sync Record') + 1;
      world.sheet().setCell(A, col, recordCellOf(world, B));
    });
    expect(r.value?.outcome).toBe('completed');
    expect(r.value?.emailsUpdated).toBe(ROWS);
    expect(wrongStatuses(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    const second = secondRun(w);
    expect(second.writes).toBe(0);
    expect(wrongRecords(w)).toEqual([]);
    expect(recordContact(recordCellOf(w, A))).toBe(idOf(A));
  });

  it.each([
    ['blanks it', () => ''],
    ['types junk', () => 'oops'],
    [
      'pastes a record made for another contact (canonical-looking)',
      (cell: string) => cell.replace(String(idOf(B)), String(idOf(C))),
    ],
  ])('%s: no status or record is on a wrong row, Keap is as the sheet says', (_, edit) => {
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => {
      const col = columnOf(world, 'Keap Sync Record') + 1;
      world.sheet().setCell(A, col, edit(recordCellOf(world, B)));
    });
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w, (row) => row === A)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    const second = secondRun(w);
    expect(second.summary?.outcome).toBe('completed');
    expect(second.writes).toBe(0);
    expect(wrongRecords(w)).toEqual([]);
    // Row A's record was the only one of its contact: the second run compares it with Keap
    // afresh, finds Keap already as the sheet says and says so on row A, not elsewhere.
    expect(wrongStatuses(w, (row) => row === A)).toEqual([]);
    expect(w.sheet().values()[A - 1][columnOf(w, 'Sync Status')]).toMatch(/^Up to date/);
    expect(recordContact(recordCellOf(w, A))).toBe(idOf(A));
  });

  it("pastes the record of a not-yet-written row's contact over a written row's record", () => {
    // Row C's contact has no record yet; row A now shows one for it (as canonical as any).
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => {
      const col = columnOf(world, 'Keap Sync Record') + 1;
      const cell = recordCellOf(world, B).replace(String(idOf(B)), String(idOf(3500)));
      world.sheet().setCell(A, col, cell);
    });
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    // Row 3500's own row holds its own record (the add-on's, written after the paste).
    expect(recordContact(recordCellOf(w, 3500))).toBe(idOf(3500));
    const second = secondRun(w);
    expect(second.writes).toBe(0);
    expect(wrongRecords(w)).toEqual([]);
  });

  it("swaps two written rows' records", () => {
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => {
      const col = columnOf(world, 'Keap Sync Record') + 1;
      const a = recordCellOf(world, A);
      const b = recordCellOf(world, B);
      world.sheet().setCell(A, col, b).setCell(B, col, a);
    });
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    // Both contacts' records are still on the sheet: the write puts each back on its row.
    expect(wrongRecords(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    expect(secondRun(w).writes).toBe(0);
  });

  it('sorts only the record column (a range of that column alone)', () => {
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => {
      const col = columnOf(world, 'Keap Sync Record') + 1;
      const cells = world
        .sheet()
        .values()
        .slice(1)
        .map((row) => [row[col - 1]]);
      const filled = cells.filter((c) => c[0] !== '');
      filled.sort((x, y) => String(y[0]).localeCompare(String(x[0])));
      const blanks = cells.filter((c) => c[0] === '');
      world.sheet().setValues(2, col, [...filled, ...blanks]);
    });
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    expect(secondRun(w).writes).toBe(0);
  });

  it("gives a written row's own record a later time by hand (a forged renewal)", () => {
    // The changed cell holds a strictly newer record of the same contact: the shape the fast
    // path takes as the add-on's own write. Working the tab out again gives the same answer.
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => {
      const col = columnOf(world, 'Keap Sync Record') + 1;
      const cell = recordCellOf(world, A);
      const parts = cell.split('|');
      const at = parts.findIndex((p) => /^\d{13}$/.test(p));
      if (at >= 0) parts[at] = String(Number(parts[at]) + 86_400_000);
      world.sheet().setCell(A, col, parts.join('|'));
    });
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
  });
});

describe('between two chunks a person types a record that is not written the way the add-on writes it', () => {
  it("row A's own record, newer, with its Contact ID typed as 0<id>: rewritten the canonical way", () => {
    const w = changedWorld();
    let typed = '';
    const r = syncEditedBetweenChunks(w, (world) => {
      const col = columnOf(world, 'Keap Sync Record') + 1;
      const parts = recordCellOf(world, A).split('|');
      parts[1] = `0${parts[1]}`;
      parts[3] = String(Number(parts[3]) + 60_000);
      typed = parts.join('|');
      world.sheet().setCell(A, col, typed);
    });
    expect(r.value?.outcome).toBe('completed');
    expect(typed).toMatch(new RegExp(`^ksr\\d\\|0${idOf(A)}\\|`));
    // Never left as typed: the row gets its contact's record as the add-on writes it.
    expect(recordCellOf(w, A)).not.toBe(typed);
    expect(recordCellOf(w, A)).toMatch(new RegExp(`^ksr\\d\\|${idOf(A)}\\|`));
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    expect(secondRun(w).writes).toBe(0);
  });
});

describe('between two chunks a person edits input cells to the same value', () => {
  it.each([
    ['a number typed as text', (c: number) => [`'${c}`, emailOf(A)]],
    ['a trailing space on the email', (c: number) => [c, `${emailOf(A)} `]],
  ])('%s on a written row: no status or record moves; Keap is as the sheet says', (_, cells) => {
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => {
      world.sheet().setValues(A, 1, [cells(idOf(A))]);
    });
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    const second = secondRun(w);
    expect(second.summary?.outcome).toBe('completed');
    expect(second.writes).toBe(0);
  });

  it('a formula giving the same email on a not-yet-written row', () => {
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => {
      world.sheet().setFormula(3500, 2, `=LOWER("${emailOf(3500)}")`, emailOf(3500));
    });
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    expect(w.sheet().formulas()[3499][1]).toBe(`=LOWER("${emailOf(3500)}")`);
  });
});

describe('between two chunks a person changes rows and columns', () => {
  it('sorts the whole tab by email (every row moves; the fast path must not be taken)', () => {
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => world.sheet().sortBy(2, { ascending: false }));
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    expect(secondRun(w).writes).toBe(0);
  });

  it("types a not-yet-written row's Contact ID again as text ('id): its status still lands on it", () => {
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => {
      world.sheet().setCell(3500, 1, `'${idOf(3500)}`);
    });
    expect(r.value?.outcome).toBe('completed');
    expect(w.sheet().cell(3500, 1)).toBe(String(idOf(3500)));
    expect(keapMismatches(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
    // Row 3500 was read (and sent) before the edit; its key is another now.
    expect(wrongStatuses(w, (row) => row === 3500)).toEqual([]);
    const second = secondRun(w);
    expect(second.writes).toBe(0);
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
  });

  it('rows without a Contact ID (email records) mixed in; a kse1 record pasted on an id row', () => {
    const sheet = Array.from({ length: ROWS }, (_, i) =>
      i % 50 === 7
        ? ['', `loose${i}@example.com`, 'Yes', 'asked']
        : [FIRST_ID + i, emailOf(i + 2), '', ''],
    );
    const w = connectedWorld([HEADERS, ...sheet]);
    for (let i = 0; i < ROWS; i++) w.addContact(FIRST_ID + i, `old${i}@example.com`);
    const r = syncEditedBetweenChunks(w, (world) => {
      const col = columnOf(world, 'Keap Sync Record') + 1;
      const loose = recordCellOf(world, 9);
      expect(loose).toMatch(/^kse1\|/);
      world.sheet().setCell(A, col, loose);
      world.sheet().setCell(59, col, recordCellOf(world, B));
    });
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w, (row) => w.sheet().cell(row, 1) === '')).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    const second = secondRun(w);
    expect(second.writes).toBe(0);
    expect(wrongRecords(w)).toEqual([]);
    expect(recordCellOf(w, 9)).toMatch(/^kse1\|/);
    expect(recordCellOf(w, 59)).toMatch(/^kse1\|/);
  });

  it('copies a written row over a not-yet-written one (a duplicate key)', () => {
    const w = changedWorld();
    let copied: unknown[] = [];
    const r = syncEditedBetweenChunks(w, (world) => {
      copied = world.sheet().values()[A - 1];
      world.sheet().setValues(3500, 1, [copied]);
    });
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
    // Contact of row 3500 was never asked for after the copy: the sheet no longer names it.
    // It was read before the copy, so the run may have updated it; it never gets row A's email.
    expect(w.sim.contact(TENANT, idOf(3500))?.emails[0]?.email).not.toBe(emailOf(A));
    expect(keapMismatches(w)).toEqual([]);
  });

  it('deletes the row just written and inserts a row above', () => {
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => {
      world.sheet().deleteRow(2001);
      world.sheet().insertRowsBefore(2, 1);
    });
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    expect(secondRun(w).writes).toBe(0);
  });

  it('inserts a column before Email (every column moves)', () => {
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => {
      world.sheet().insertColumnsBefore(2, 1);
      world.sheet().setCell(1, 2, 'Notes');
    });
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    expect(secondRun(w).writes).toBe(0);
  });

  it('hides the Email column', () => {
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => world.sheet().hideColumn(2));
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
  });

  it('renames the Email header: no status lands on a row by a column it no longer has', () => {
    const w = changedWorld();
    const r = syncEditedBetweenChunks(w, (world) => world.sheet().setCell(1, 2, 'Mail'));
    expect(r.error).toBeUndefined();
    expect(wrongRecords(w)).toEqual([]);
    // Whatever the run says, no row's status names another row's email.
    const [headers, ...rows] = w.sheet().values();
    const status = headers.indexOf('Sync Status');
    rows.forEach((cells) => {
      const named = emailNamedIn(String(cells[status] ?? ''));
      if (named !== null) expect(named).toBe(String(cells[1]));
    });
  });
});

describe('between two chunks something else writes', () => {
  it("another user's menu run in between: refused or harmless", () => {
    const w = changedWorld();
    let other: ExecutionResult<Summary> | undefined;
    const r = syncEditedBetweenChunks(w, (world) => {
      other = world.rt.run<Summary>('syncNow', [], {
        user: EDITOR,
        spreadsheetId: world.spreadsheetId,
        authMode: 'FULL',
      });
    });
    expect(other).toBeDefined();
    // The other run does not sync in between (one sync at a time): it says so, Keap untouched.
    expect(other?.value?.emailsUpdated ?? 0).toBe(0);
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    expect(secondRun(w).writes).toBe(0);
  });
});

describe('duplicate-heavy sheets', () => {
  /** Pairs of identical rows (same contact, same email): 9,000 rows, 4,500 contacts. */
  function duplicateWorld(): World {
    const sheet = Array.from({ length: 2 * ROWS }, (_, i) => {
      const g = Math.floor(i / 2);
      return [FIRST_ID + g, `person${g}@example.com`, '', ''];
    });
    const w = connectedWorld([HEADERS, ...sheet]);
    for (let g = 0; g < ROWS; g++) w.addContact(FIRST_ID + g, `old${g}@example.com`);
    return w;
  }

  it('identical rows in pairs; one of a pair blanked, another pasted over: statuses and Keap right', () => {
    const w = duplicateWorld();
    const r = syncEditedBetweenChunks(
      w,
      (world) => {
        const col = columnOf(world, 'Keap Sync Record') + 1;
        world.sheet().setCell(15, col, '');
        world.sheet().setCell(20, col, recordCellOf(world, 30));
      },
      4000,
    );
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(wrongRecords(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    const second = secondRun(w);
    expect(second.writes).toBe(0);
    expect(wrongRecords(w)).toEqual([]);
  });

  it('many rows share one email with different contacts', () => {
    const sheet = Array.from({ length: ROWS }, (_, i) => [
      FIRST_ID + i,
      i % 3 === 0 ? 'shared@example.com' : emailOf(i + 2),
      '',
      '',
    ]);
    const w = connectedWorld([HEADERS, ...sheet]);
    for (let i = 0; i < ROWS; i++) w.addContact(FIRST_ID + i, `old${i}@example.com`);
    const r = syncEditedBetweenChunks(w, (world) => {
      const col = columnOf(world, 'Keap Sync Record') + 1;
      world.sheet().setCell(A + 1, col, recordCellOf(world, B));
    });
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    expect(secondRun(w).writes).toBe(0);
    expect(wrongRecords(w)).toEqual([]);
  });
});

describe("the sheet's write fails once then succeeds", () => {
  it('a record pasted between chunks, then the next write fails once: all rows right', () => {
    const w = changedWorld();
    const fail: number[] = [];
    let edited = false;
    let failedOne = false;
    const r = w.rt.run<Summary>('syncNow', [], {
      user: OWNER,
      spreadsheetId: w.spreadsheetId,
      authMode: 'FULL',
      failServiceCalls: fail,
      onServiceCall: ({ n, service, method }) => {
        if (
          !edited &&
          `${service}.${method}` === 'UrlFetchApp.fetchAll' &&
          statusesShown(w) >= 2000
        ) {
          edited = true;
          const col = columnOf(w, 'Keap Sync Record') + 1;
          w.sheet().setCell(A, col, recordCellOf(w, B));
        } else if (edited && !failedOne && /setValues/.test(method)) {
          failedOne = true;
          fail.push(n);
        }
      },
    });
    expect(edited).toBe(true);
    expect(failedOne).toBe(true);
    expect(r.value?.outcome).toBe('completed');
    expect(wrongStatuses(w)).toEqual([]);
    expect(keapMismatches(w)).toEqual([]);
    expect(secondRun(w).writes).toBe(0);
    expect(wrongRecords(w)).toEqual([]);
  });
});
