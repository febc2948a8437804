/**
 * The bad-input corpus (test/fixtures/bad-input.json): every nasty row gets its own precise
 * status, only the contacts of valid rows change in Keap (the whole simulator state is
 * compared before and after), every other cell stays as it was (formulas included), and no
 * status is ever stored as a formula.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  formulasInStatusColumns,
  inputGrid,
  keapSnapshot,
  repeatedWrites,
  sentOptOuts,
  sentPatches,
  sheetRows,
  summaryOf,
  syncNow,
  type KeapSnapshot,
} from './support/reliability';
import { HEADERS as STANDARD_HEADERS, TENANT, World } from './world';

type LongText = { repeat: string; times: number };
type FixtureCell =
  | string
  | number
  | boolean
  | { text: string }
  | { formula: string; result: string | number | boolean }
  | { error: string }
  | { date: string }
  | LongText;

interface FixtureRow {
  note: string;
  cells: FixtureCell[];
  expected: string;
  label?: string;
  notesCell?: string;
  after?: { email1?: string; optOut?: { email: string; reason: string | LongText } };
}

interface Fixture {
  keap: {
    contactsFrom: number;
    contactsTo: number;
    emailPattern: string;
    secondEmails: Record<string, string>;
    withoutEmail: number[];
    emailStatuses: Record<string, string>;
  };
  rows: FixtureRow[];
}

const FIXTURE = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'bad-input.json'), 'utf8'),
) as Fixture;
const HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason', 'Notes'];
/** The Sheets row of fixture row i (row 1 holds the headers). */
const sheetRowOf = (index: number) => index + 2;

function longText(value: LongText): string {
  return value.repeat.repeat(value.times);
}

function isObject(cell: FixtureCell): cell is Exclude<FixtureCell, string | number | boolean> {
  return typeof cell === 'object' && cell !== null;
}

/** Every row's Notes cell holds HTML, or a formula, or text a spreadsheet could misread. */
function notesFor(index: number, row: FixtureRow): string {
  if (row.notesCell !== undefined) return row.notesCell;
  const notes = [
    `<img src=x onerror=alert(${index})>`,
    `'=HYPERLINK("http://evil.example","row ${index}")`,
    `'+${index}`,
    `'@note ${index}`,
  ];
  return notes[index % notes.length];
}

/** Types the fixture into the Contacts tab as a person would (formulas and errors included). */
function typeFixture(w: World): void {
  const sheet = w.sheet();
  FIXTURE.rows.forEach((row, i) => {
    const r = sheetRowOf(i);
    row.cells.forEach((cell, c) => {
      const column = c + 1;
      if (!isObject(cell)) sheet.setCell(r, column, cell);
      else if ('text' in cell) sheet.setCell(r, column, `'${cell.text}`);
      else if ('formula' in cell) sheet.setFormula(r, column, cell.formula, cell.result);
      else if ('error' in cell) sheet.setError(r, column, cell.error);
      else if ('date' in cell) sheet.setCell(r, column, new Date(cell.date));
      else sheet.setCell(r, column, longText(cell));
    });
    sheet.setCell(r, 5, notesFor(i, row));
  });
  // A formula in the Notes column must survive the sync.
  sheet.setFormula(2, 5, '=ROWS(A:A)', 1000);
}

function seedKeap(w: World): number[] {
  const { keap } = FIXTURE;
  const ids: number[] = [];
  for (let id = keap.contactsFrom; id <= keap.contactsTo; id += 1) {
    ids.push(id);
    if (keap.withoutEmail.includes(id)) w.addContact(id);
    else w.addContact(id, keap.emailPattern.replace('{id}', String(id)), keap.secondEmails[id]);
  }
  for (const [email, status] of Object.entries(keap.emailStatuses)) {
    w.sim.setEmailStatus(TENANT, email, status);
  }
  return ids;
}

function expectedStatus(row: FixtureRow): string {
  return row.expected.replace(/\{\{row:([^}]+)\}\}/g, (_, label: string) => {
    const index = FIXTURE.rows.findIndex((r) => r.label === label);
    if (index < 0) throw new Error(`no fixture row labelled ${label}`);
    return String(sheetRowOf(index));
  });
}

/** Every email the fixture mentions, so a status Keap gains for one would be seen. */
function emailsInFixture(): string[] {
  const emails = new Set<string>();
  for (const row of FIXTURE.rows) {
    for (const cell of row.cells) {
      const text =
        typeof cell === 'string' ? cell : isObject(cell) && 'text' in cell ? cell.text : '';
      if (text.includes('@')) emails.add(text.trim().toLowerCase());
    }
    if (row.after?.email1) emails.add(row.after.email1);
    if (row.after?.optOut) emails.add(row.after.optOut.email);
  }
  return [...emails];
}

/** The contact id a row with an `after` entry names (a number, a text id or a formula's result). */
function contactIdOf(row: FixtureRow): number {
  const cell = row.cells[0];
  if (!isObject(cell)) return Number(String(cell).trim());
  if ('text' in cell) return Number(cell.text.trim());
  if ('formula' in cell) return Number(cell.result);
  throw new Error(`fixture row '${row.note}' has no usable contact id`);
}

/** Keap as it must be after the sync: the snapshot before, changed only by `after` entries. */
function expectedKeap(before: KeapSnapshot): KeapSnapshot {
  const after = structuredClone(before);
  for (const row of FIXTURE.rows) {
    if (!row.after) continue;
    const id = contactIdOf(row);
    const contact = after.contacts[id];
    if (!contact)
      throw new Error(`fixture row '${row.note}' changes contact ${id}, which Keap lacks`);
    if (row.after.email1) {
      contact.emails.EMAIL1 = row.after.email1;
      // An address Keap first sees in a PATCH has no consent yet (the simulator's choice).
      after.statuses[row.after.email1] ??= 'NON_MARKETABLE';
    }
    if (row.after.optOut) {
      const { email, reason } = row.after.optOut;
      after.statuses[email] = `MANUAL (${typeof reason === 'string' ? reason : longText(reason)})`;
    }
  }
  return after;
}

describe('the bad-input corpus', () => {
  const w = new World({ headers: HEADERS, rows: [] });
  typeFixture(w);
  const contactIds = seedKeap(w);
  w.connect();
  const snapshotIds = [...contactIds, 999999, 9007199254740991];
  const before = keapSnapshot(w, snapshotIds, emailsInFixture());
  const cellsBefore = inputGrid(w);
  const result = syncNow(w);

  it('has at least 60 rows, each with an expected status', () => {
    expect(FIXTURE.rows.length).toBeGreaterThanOrEqual(60);
    for (const row of FIXTURE.rows) expect(typeof row.expected).toBe('string');
  });

  it('the run completes and counts the errors', () => {
    const summary = summaryOf(result);
    expect(summary.outcome).toBe('completed');
    const errorRows = FIXTURE.rows.filter((r) => r.expected.startsWith('Error:')).length;
    expect(summary.errors).toBe(errorRows);
  });

  it.each(FIXTURE.rows.map((row, index) => ({ row, index, note: row.note })))(
    'row $index ($note) gets its precise status',
    ({ row, index }) => {
      const view = sheetRows(w)[index];
      expect(view.row).toBe(sheetRowOf(index));
      expect(view.status).toBe(expectedStatus(row));
      const synced = view.status === 'Up to date' || view.status.startsWith('Updated:');
      if (synced) expect(view.lastSynced).toBeInstanceOf(Date);
      else expect(view.lastSynced).toBe('');
    },
  );

  it('no status or Last Synced cell is stored as a formula', () => {
    expect(formulasInStatusColumns(w)).toEqual([]);
  });

  it('every other cell is untouched, formulas included', () => {
    expect(inputGrid(w)).toEqual(cellsBefore);
    expect(w.sheet().formulas()[1][4]).toBe('=ROWS(A:A)');
    expect(
      w.sheet().formulas()[FIXTURE.rows.findIndex((r) => r.note.startsWith('a formula')) + 1][1],
    ).toBe('=LOWER("FORMULA@EXAMPLE.COM")');
  });

  it('Keap changed exactly as the valid rows ask, and in nothing else', () => {
    const everyEmail = [...emailsInFixture(), ...Object.keys(before.statuses)];
    expect(keapSnapshot(w, snapshotIds, everyEmail)).toEqual(expectedKeap(before));
    expect(w.sim.contact(TENANT, 999999)).toBeUndefined();
    expect(w.sim.contact(TENANT, 9007199254740991)).toBeUndefined();
  });

  it('writes went only to the contacts and emails of valid rows, once each, inside the spec', () => {
    const patched = sentPatches(w)
      .map((p) => p.contactId)
      .sort();
    const optedOut = sentOptOuts(w)
      .map((o) => o.email)
      .sort();
    const wantPatched = [
      ...new Set(FIXTURE.rows.filter((r) => r.after?.email1).map(contactIdOf)),
    ].sort();
    const wantOptOuts = FIXTURE.rows
      .filter((r) => r.after?.optOut)
      .map((r) => r.after?.optOut?.email as string)
      .sort();
    expect(patched).toEqual(wantPatched);
    expect(optedOut).toEqual(wantOptOuts);
    expect(repeatedWrites(w)).toEqual([]);
    expect(w.sim.specViolations).toEqual([]);
  });

  it('a second run sends nothing and rewrites no status', () => {
    const statuses = sheetRows(w).map((r) => r.status);
    const requests = w.rt.requests.length;
    const again = summaryOf(syncNow(w));
    expect(again.outcome).toBe('completed');
    expect(sentPatches(w)).toHaveLength(FIXTURE.rows.filter((r) => r.after?.email1).length);
    expect(w.rt.requests.length - requests).toBeLessThanOrEqual(1);
    expect(sheetRows(w).map((r) => r.status)).toEqual(statuses);
  });
});

describe('cells the sync does not own in its own columns', () => {
  it('a formula a person keeps in the Sync Status column of a row without inputs survives the status write', () => {
    const w = new World({
      headers: [...STANDARD_HEADERS, 'Sync Status', 'Last Synced'],
      rows: [
        [1, 'a.new@example.com', '', ''],
        ['', '', '', ''],
        [2, 'b.new@example.com', '', ''],
      ],
    });
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.sheet().setFormula(3, 5, '="see the row below"', 'see the row below');
    w.connect();
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expect(sheetRows(w).map((r) => r.status)).toEqual([
      'Updated: email changed to a.new@example.com',
      'see the row below',
      'Updated: email changed to b.new@example.com',
    ]);
    expect(w.sheet().formulas()[2][4]).toBe('="see the row below"');
  });
});
