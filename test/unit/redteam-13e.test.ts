/**
 * Red team 13e: a1dde98 and bd2d678 (row keys that escape a cell's own separators), d8fd199 (worklist without the duplicate maps
 * for contacts on one row), 6c7010c (statuses and progress between chunks of rows without a
 * Contact ID).
 */
import { parseContactId } from '../../src/sheet/cellParsers';
import { isBlankCell } from '../../src/sheet/cells';
import { DEFAULT_HEADER_NAMES, findColumns, type SheetColumns } from '../../src/sheet/headers';
import { contactIdCellOf, contactIdOfKey, parseSheet, rowKey } from '../../src/sheet/rowParsing';
import { SheetRead } from '../../src/sheet/sheetRead';
import type { StateRecord, SyncState } from '../../src/sheet/syncRecord';
import { rowFingerprint } from '../../src/sync/fingerprint';
import { KeapUnavailableError } from '../../src/keap/model';
import { runSyncWith } from '../../src/sync/runSync';
import type { SyncTrigger } from '../../src/sync/summary';
import { buildWorklist } from '../../src/sync/worklist';
import { pick, seededRandom as random } from './support/random';
import { SyncHarness } from './sync/support/fakes';

const SEP = '\u001f';
const ESC = '\u001e';

/** Cells of every kind getValues hands back, and texts made to look like key parts. */
const CELLS: unknown[] = [
  '',
  ' ',
  null,
  undefined,
  2,
  '2',
  ' 2 ',
  '02',
  2.5,
  '2.5',
  -0,
  0,
  '0',
  1e21,
  '1e+21',
  Number('9007199254740993'),
  true,
  'true',
  false,
  'false',
  new Date(Date.UTC(2026, 0, 2)),
  new Date(Date.UTC(2026, 0, 2)),
  `date:${Date.UTC(2026, 0, 2)}`,
  new Date(NaN),
  '#N/A',
  '#REF!',
  SEP,
  ESC,
  `${ESC}#2`,
  `${ESC}?true`,
  `${ESC}@${Date.UTC(2026, 0, 2)}`,
  `${ESC}*x`,
  `${ESC}${SEP}`,
  `${SEP}${ESC}`,
  `2${SEP}`,
  `2${ESC}`,
  `${ESC}${ESC}`,
  `a@x.com${SEP}${ESC}#2`,
  'a@x.com',
  ' a@x.com',
  'A@x.com',
  'yes',
  '\u0000',
  '\t2\n',
  '\u00a02\u00a0',
];

/** What rowKey must tell apart: each cell's kind and trimmed text (a date by its time). */
/**
 * A cell as a key sees it: its text, trimmed (a date as `date:` and its time). A cell typed
 * again as text with the same value is the same input (test/e2e/redteam-13c.test.ts).
 */
function modelPart(cell: unknown): string {
  if (cell === null || cell === undefined) return '';
  if (cell instanceof Date) return `date:${cell.getTime()}`;
  return String(cell).trim();
}

const HEADERS: unknown[][] = [
  ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'],
  ['Opt Out Reason', 'Notes', 'Email', 'Opt Out', 'Contact ID'],
  ['Email', 'Opt Out', 'Opt Out Reason'],
];

function inputIndexes(cols: SheetColumns): number[] {
  return [cols.contactId, cols.email, cols.optOut, cols.optOutReason].map((c) =>
    c === null ? -1 : c - 1,
  );
}

function modelKey(cells: readonly unknown[], cols: SheetColumns): string {
  return JSON.stringify(inputIndexes(cols).map((i) => (i < 0 ? 'blank:' : modelPart(cells[i]))));
}

describe('a1dde98: row keys', () => {
  it('two rows share a key exactly when each input cell has the same trimmed text (random pairs)', () => {
    const next = random(13e3);
    const wrong: unknown[] = [];
    for (let n = 0; n < 20_000; n++) {
      const header = HEADERS[n % HEADERS.length];
      const cols = findColumns(header, DEFAULT_HEADER_NAMES);
      const a = header.map(() => pick(next, CELLS));
      // Half the pairs differ in one cell only, so near misses are tried.
      const b = next() < 0.5 ? header.map(() => pick(next, CELLS)) : [...a];
      if (next() < 0.7) b[Math.floor(next() * b.length)] = pick(next, CELLS);
      const same = rowKey(a, cols) === rowKey(b, cols);
      if (same !== (modelKey(a, cols) === modelKey(b, cols))) wrong.push({ a, b });
    }
    expect(wrong.slice(0, 3)).toEqual([]);
  });

  it("reads a row's Contact ID back from its key: the id parseContactId gives, and the cell as typed", () => {
    const cols = findColumns(HEADERS[0], DEFAULT_HEADER_NAMES);
    const wrong: unknown[] = [];
    for (const cell of CELLS) {
      for (const rest of [
        ['', '', ''],
        [`${SEP}x`, ESC, `${ESC}#1`],
      ]) {
        const key = rowKey([cell, ...rest], cols);
        const parsed = parseContactId(cell);
        const id = parsed.ok ? parsed.value : null;
        const shown =
          cell instanceof Date
            ? `date:${cell.getTime()}`
            : cell === null || cell === undefined
              ? ''
              : String(cell).trim();
        if (contactIdOfKey(key) !== id || contactIdCellOf(key) !== shown)
          wrong.push({ cell, id: contactIdOfKey(key), shown: contactIdCellOf(key) });
      }
    }
    expect(wrong).toEqual([]);
  });

  it('rowsWithKey gives the rows whose key it is, with cells holding the key separator and escape', () => {
    const next = random(1313);
    const differ: unknown[] = [];
    for (let sheet = 0; sheet < 150; sheet++) {
      const header = HEADERS[sheet % HEADERS.length];
      const cols = findColumns(header, DEFAULT_HEADER_NAMES);
      const values: unknown[][] = [header];
      const n = 1 + Math.floor(next() * 25);
      for (let r = 0; r < n; r++) {
        values.push(
          r > 0 && next() < 0.3
            ? [...pick(next, values.slice(1))]
            : header.map(() => pick(next, CELLS)),
        );
      }
      const read = new SheetRead(values, cols);
      const idx = inputIndexes(cols);
      const keyOfRow = (cells: unknown[]) =>
        idx.every((i) => i < 0 || isBlankCell(cells[i])) ? null : rowKey(cells, cols);
      const keys = new Set<string | null>([null]);
      for (const cells of values.slice(1)) keys.add(keyOfRow(cells));
      for (const key of keys) {
        const expected = values
          .slice(1)
          .map((cells, i) => (keyOfRow(cells) === key ? i + 2 : 0))
          .filter((row) => row > 0);
        const got = [...read.rowsWithKey(key)];
        if (JSON.stringify(got) !== JSON.stringify(expected))
          differ.push({ sheet, key, got, expected });
      }
    }
    expect(differ.slice(0, 3)).toEqual([]);
  });
});

describe('d8fd199: the worklist told which contacts are on several rows', () => {
  const ID_CELLS: unknown[] = [1, 2, '2', ' 02 ', 2.0, '2.0', 3, '3', 'oops', '', 4, -1, 0, true];
  const EMAILS: unknown[] = ['a@x.com', 'A@x.com', 'b@x.com', 'bad', '', ' a@x.com'];
  const OPT_OUTS: unknown[] = ['', 'yes', 'no', 'maybe', true];
  const REASONS: unknown[] = ['', 'r', ' r '];

  it('finds the same work as without it: random tabs with records, errors and blank statuses', () => {
    const next = random(8_199);
    const header = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
    const cols = findColumns(header, DEFAULT_HEADER_NAMES);
    const differ: unknown[] = [];
    for (let t = 0; t < 400; t++) {
      const values: unknown[][] = [header];
      const n = 1 + Math.floor(next() * 14);
      for (let r = 0; r < n; r++) {
        values.push(
          r > 0 && next() < 0.25
            ? [...pick(next, values.slice(1))]
            : [pick(next, ID_CELLS), pick(next, EMAILS), pick(next, OPT_OUTS), pick(next, REASONS)],
        );
      }
      const { rows } = parseSheet(values, DEFAULT_HEADER_NAMES, () => 'Tab');
      const read = new SheetRead(values, cols);
      // Records: some matching a row's request (skipped, or a known error), some not.
      const state: SyncState = new Map();
      for (const row of rows) {
        if (row.kind !== 'valid' || next() < 0.4) continue;
        const record: StateRecord = {
          fingerprint: next() < 0.7 ? rowFingerprint(row.request) : 'other',
          syncedAt: 1,
          result: pick(next, ['ok', 'error', 'retry'] as const),
          run: 'run-a',
        };
        state.set(row.request.contactId, record);
      }
      const blank = new Set(rows.filter(() => next() < 0.3).map((row) => row.row));
      const hasStatus = (row: number) => !blank.has(row);
      const scope = { runId: 'run-b', account: null, now: 2 };
      const plain = buildWorklist(rows, state, scope, hasStatus);
      const indexed = buildWorklist(rows, state, scope, hasStatus, (id) => read.severalRowsOf(id));
      if (JSON.stringify(indexed) !== JSON.stringify(plain))
        differ.push({ values, indexed, plain });
      else expect(indexed).toEqual(plain);
    }
    expect(differ.slice(0, 2)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// 6c7010c: statuses and progress between chunks of rows without a Contact ID.
// Oracle: the same tab synced with one chunk of addresses (no write between them).
// ---------------------------------------------------------------------------------------

const TAB = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];

type Variant =
  | 'plain'
  | 'mixed'
  | 'duplicates'
  | 'keapEmailStatus'
  | 'sorted'
  | 'budget'
  | 'dailyLimit'
  | 'keapDown'
  | 'sheetRefuses';

/**
 * 20 rows by email (opt-outs), some of one address typed differently, and for 'mixed' 10
 * contacts before them; Keap finds each address's contact through its search.
 */
function emailTab(variant: Variant, chunkSize: number) {
  const rows: unknown[][] = [];
  if (variant === 'mixed' || variant === 'budget' || variant === 'dailyLimit')
    for (let id = 1; id <= 10; id++) rows.push([id, `new${id}@x.com`, '', '']);
  for (let i = 0; i < 20; i++) {
    const address = variant === 'plain' ? `e${i}@x.com` : `e${i % 7}@x.com`;
    rows.push([
      '',
      i % 3 === 1 ? ` ${address.toUpperCase()}` : address,
      'yes',
      i % 7 === 0 ? 'r' : '',
    ]);
  }
  const h = new SyncHarness([TAB, ...rows]);
  for (let id = 1; id <= 10; id++) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
  for (let i = 0; i < 20; i++) h.keap.addContact(200 + i, { EMAIL1: `e${i}@x.com` });
  h.limits = { ...h.limits, chunkSize };
  let searches = 0;
  let failed = false;
  const ports = h.ports();
  if (variant === 'keapEmailStatus') ports.settings = { ...ports.settings, keapEmailStatus: true };
  ports.openGateway = (deadline) => {
    const gateway = h.keap.gateway(deadline);
    return {
      ...gateway,
      findContactsByEmail: (emails) => {
        searches += 1;
        if (variant === 'keapDown' && searches === 3 && !failed) {
          failed = true;
          throw new KeapUnavailableError({
            kind: 'connection',
            fault: { kind: 'described', text: 'Keap answered 503 five times' },
          });
        }
        return new Map(
          emails.map((email) => [
            email,
            [...h.keap.contacts.keys()].filter((id) => h.keap.email1(id) === email),
          ]),
        );
      },
    };
  };
  if (variant === 'sorted') {
    h.sheet.beforeRead = (read, sheet) => {
      if (read === 2 || read === 5)
        sheet.values = [sheet.values[0], ...sheet.values.slice(1).reverse()];
    };
  }
  if (variant === 'budget') {
    h.keap.msPerWrite = 1000;
    h.limits = { ...h.limits, stopStartingChunksAfterMs: 5_000, keapDeadlineAfterMs: 30_000 };
  }
  if (variant === 'dailyLimit') h.keap.requestsLeftToday = 17;
  return { h, ports };
}

function run(variant: Variant, chunkSize: number) {
  const { h, ports } = emailTab(variant, chunkSize);
  const outcomes: string[] = [];
  let trigger: SyncTrigger = 'daily';
  let refusing = variant === 'sheetRefuses';
  const write = h.sheet.writeBlock.bind(h.sheet);
  let writes = 0;
  h.sheet.writeBlock = (block) => {
    writes += 1;
    // The second write on is refused (an execution killed mid-run, in effect).
    if (refusing && writes > 1) throw new Error('Service Spreadsheets failed');
    write(block);
  };
  while (outcomes.length < 30) {
    const summary = runSyncWith(trigger, ports, h.limits);
    outcomes.push(summary.outcome);
    refusing = false;
    if (summary.outcome === 'completed') break;
    h.clock.advance(h.limits.continuationDelayMs);
    if (summary.outcome === 'daily-limit')
      h.clock.time = Math.max(h.clock.time, h.keap.resetAt + 1);
    trigger = h.pendingRun ? 'continuation' : 'sidebar';
  }
  h.sheet.beforeRead = null;
  const sheet = h.sheet.values.map((cells) =>
    cells.map((cell) =>
      typeof cell === 'string'
        ? cell
            .replace(/\|[a-z0-9]{8}-[a-z0-9]{8}\|/g, '|run|')
            .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'time')
            .replace(/\d{13}/g, 'ms')
        : cell instanceof Date
          ? 'time'
          : cell,
    ),
  );
  // Rows by their inputs (a sort moved them): each row's outputs.
  const byInputs = sheet
    .slice(1)
    .map((cells) => JSON.stringify(cells))
    .sort();
  const again = runSyncWith('sidebar', ports, h.limits);
  return { h, outcomes, byInputs, sent: h.keap.sent, again };
}

describe('6c7010c: rows without a Contact ID, statuses between their chunks', () => {
  it.each<[string, Variant]>([
    ['distinct addresses', 'plain'],
    ['contacts, then rows by email', 'mixed'],
    ['one address on several rows, typed differently', 'duplicates'],
    ['the Keap Email Status column', 'keapEmailStatus'],
    ['rows reversed between chunks of addresses', 'sorted'],
  ])('%s: every row ends as with one chunk of addresses, nothing sent twice', (_, variant) => {
    const chunked = run(variant, 2);
    const whole = run(variant, 1000);
    expect(chunked.outcomes).toEqual(['completed']);
    expect(chunked.byInputs).toEqual(whole.byInputs);
    expect(chunked.sent.length).toBe(whole.sent.length);
    // Statuses were written between chunks of addresses (two reads each).
    expect(chunked.h.sheet.reads).toBeGreaterThan(whole.h.sheet.reads + 2);
    expect(new Set(chunked.sent.map((w) => JSON.stringify(w))).size).toBe(chunked.sent.length);
    expect(chunked.byInputs.every((row) => (JSON.parse(row) as unknown[])[4] !== '')).toBe(true);
    expect(chunked.again).toMatchObject({ outcome: 'completed', optedOut: 0 });
    expect(chunked.again.keapRequests).toBe(whole.again.keapRequests);
  });

  it.each<[string, Variant]>([
    ['the time budget ending executions mid-way', 'budget'],
    ["Keap's daily limit mid-way", 'dailyLimit'],
    ['Keap failing a search mid-way', 'keapDown'],
    ['the sheet refusing writes from the first between-chunk write on', 'sheetRefuses'],
  ])('%s: run to the end, every row ends as with one chunk, nothing sent twice', (_, variant) => {
    const chunked = run(variant, 2);
    const whole = run(variant === 'sheetRefuses' ? 'duplicates' : variant, 1000);
    expect(chunked.outcomes[chunked.outcomes.length - 1]).toBe('completed');
    // A row whose status was lost with a refused write says 'Up to date' the next run (true).
    const upToDate = (rows: string[]) =>
      rows.map((row) =>
        row.replace(/Updated: opted out \(/, 'Up to date (').replace(/\|ms"\]$/, '|"]'),
      );
    if (variant === 'sheetRefuses')
      expect(upToDate(chunked.byInputs)).toEqual(upToDate(whole.byInputs));
    else expect(chunked.byInputs).toEqual(whole.byInputs);
    expect(new Set(chunked.sent.map((w) => JSON.stringify(w))).size).toBe(chunked.sent.length);
    expect(chunked.again).toMatchObject({ outcome: 'completed', keapRequests: 0 });
  });
});

describe('6c7010c: the progress and statuses at each chunk of addresses', () => {
  // Was a defect (fixed since): the last chunk of contacts is not shown before the first chunk of addresses.
  // execution.ts syncRows calls showSoFar only between chunks of contacts (not after the last
  // one), and executionExtras.syncByEmail calls betweenChunks only between its own chunks, so
  // the rows of the last chunk of contacts (and the second wave the pipeline flushes) wait,
  // neither counted by the progress nor shown on the sheet, through the whole first chunk of
  // addresses (a search and up to chunkSize opt-out writes to Keap). Expected (showSoFar: "the
  // progress ... never stays behind the work for the rest of the execution"; 6c7010c: rows
  // without a Contact ID shown "as between chunks of contacts"): at the first search of
  // addresses the 10 contacts' rows are counted and shown. Observed (fixed since: syncByEmail
  // shows what came before its first chunk too): 8 (contacts 9-10 come
  // with the first chunk of addresses). Older than these commits: at ddb2059 and at 6c7010c^
  // the progress stays at 8 for every search; 6c7010c fixed every search but the first.
  it('contacts, then rows by email: at each search of addresses, every row answered before it is counted and shown', () => {
    const { h, ports } = emailTab('plain', 2);
    // 10 contacts (5 chunks) before the 20 rows by email (10 chunks).
    h.sheet.values.splice(
      1,
      0,
      ...Array.from({ length: 10 }, (_, i) => [i + 1, `new${i + 1}@x.com`, '', '']),
    );
    let done = 0;
    const atSearch: { progress: number; shown: number }[] = [];
    ports.progress = {
      begin: (_runId, _toDo, rowsDone = 0) => (done = rowsDone),
      advance: (n) => (done += n),
      end: () => undefined,
    };
    const open = ports.openGateway;
    ports.openGateway = (deadline) => {
      const gateway = open(deadline);
      return {
        ...gateway,
        findContactsByEmail: (emails) => {
          const index = h.sheet.values[0].indexOf('Sync Status');
          const shown =
            index === -1
              ? 0
              : h.sheet.values.slice(1).filter((cells) => !isBlankCell(cells[index])).length;
          atSearch.push({ progress: done, shown });
          return gateway.findContactsByEmail!(emails);
        },
      };
    };
    const summary = runSyncWith('sidebar', ports, h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 10, optedOut: 20 });
    expect(done).toBe(30);
    expect(atSearch).toHaveLength(10);
    expect(atSearch).toEqual(atSearch.map((_, i) => ({ progress: 10 + 2 * i, shown: 10 + 2 * i })));
  });
});

// ---------------------------------------------------------------------------------------
// 67bf9ec and 837850a: throttle units read once, UrlFetch headers used as they are.
// Oracle: the code before them (copied here).
// ---------------------------------------------------------------------------------------

const OLD_UNIT_MS: Record<string, number> = {
  millisecond: 1,
  second: 1000,
  minute: 60 * 1000,
  hour: 60 * 60 * 1000,
  day: 24 * 60 * 60 * 1000,
};

/** unitMs before 67bf9ec, with the own-property check it added (the NaN it fixed aside). */
function oldRefill(limit: string, unitText: string, interval: string): number | null {
  const unit = unitText.trim().toLowerCase().replace(/s$/, '');
  const ms = Object.prototype.hasOwnProperty.call(OLD_UNIT_MS, unit) ? OLD_UNIT_MS[unit] : null;
  const l = limit.trim() === '' ? null : Number(limit);
  // An interval that is not a number counts as 1 (number() gives null, then `?? 1`).
  const i = interval.trim() === '' || !Number.isFinite(Number(interval)) ? 1 : Number(interval);
  if (unitText === '' || ms === null || l === null || !Number.isFinite(l) || !(l > 0)) return null;
  if (!Number.isFinite(i) || !(i > 0)) return null;
  return l / (ms * i);
}

function oldHeaders(raw: Record<string, unknown>): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of Object.keys(raw)) {
    const value = raw[name];
    headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return headers;
}

describe('67bf9ec / 837850a: throttle units and response headers', () => {
  afterEach(() => {
    delete (globalThis as { UrlFetchApp?: unknown }).UrlFetchApp;
  });

  it('the refill rate is what it was for any unit text, after more than 16 units were seen, in any order', async () => {
    const { readThrottle } = await import('../../src/keap/throttleHeaders');
    const units = [
      'second',
      'Seconds',
      ' MINUTE ',
      'minutes',
      'hour',
      'day',
      'days',
      'millisecond',
      'ms',
      '',
      ' ',
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'valueOf',
      'secondss',
      'weeks',
      'Second ',
      'DAY',
      'hours\n',
      'minute\u0000',
    ];
    const next = random(67);
    const wrong: unknown[] = [];
    for (let n = 0; n < 3000; n++) {
      const unit = pick(next, units);
      const limit = pick(next, ['10', '0', '-5', '', 'x', '1500', '2.5']);
      const interval = pick(next, ['1', '', '0', '10', 'NaN']);
      const headers: Record<string, string> = {
        'x-keap-product-throttle-available': '7',
        'x-keap-product-throttle-limit': limit,
        'x-keap-product-throttle-time-unit': unit,
        'x-keap-product-throttle-interval': interval,
      };
      if (interval === '') delete headers['x-keap-product-throttle-interval'];
      const got = readThrottle(headers)?.refillPerMs ?? null;
      const expected = oldRefill(limit, unit, interval);
      if (got !== expected) wrong.push({ unit, limit, interval, got, expected });
    }
    expect(wrong.slice(0, 3)).toEqual([]);
  });

  it('headers are what the copy gave, for names and values of any form (as they are or copied)', async () => {
    const { urlFetchHttp } = await import('../../src/keap/urlFetchHttp');
    const names = [
      'content-type',
      'Content-Type',
      'x-keap-product-throttle-available',
      'X-KEAP-PRODUCT-THROTTLE-AVAILABLE',
      'retry-after',
      'x-ünï',
      'X-Ünï',
      'constructor',
      // Not '__proto__': the copy dropped such a header (assigning it set the prototype),
      // kept as it is now; no header the add-on reads is named so (harmless).
      'toString',
      'a1-_.~',
      '',
      'x@',
      '[',
      '`',
    ];
    const values: unknown[] = ['v', '', ' 5 ', 5, ['a', 'b'], [], true, null];
    const next = random(837);
    const wrong: unknown[] = [];
    for (let n = 0; n < 2000; n++) {
      const raw: Record<string, unknown> = {};
      const count = Math.floor(next() * 5);
      for (let i = 0; i < count; i++) {
        const value = next() < 0.7 ? 'text' : pick(next, values);
        Object.defineProperty(raw, pick(next, names), {
          value,
          enumerable: true,
          configurable: true,
          writable: true,
        });
      }
      const response = {
        getAllHeaders: () => raw,
        getResponseCode: () => 200,
        getContentText: () => '',
      };
      (globalThis as { UrlFetchApp?: unknown }).UrlFetchApp = {
        fetch: () => response,
        fetchAll: (requests: unknown[]) => requests.map(() => response),
      };
      const got = urlFetchHttp().fetch({
        url: 'https://x.test/',
        method: 'get',
        headers: {},
      }).headers;
      const expected = oldHeaders(raw);
      const same =
        JSON.stringify(Object.entries(got).sort()) ===
          JSON.stringify(Object.entries(expected).sort()) &&
        Object.keys(expected).every((name) => got[name] === expected[name]);
      if (!same) wrong.push({ raw: Object.entries(raw), got: Object.entries(got), expected });
    }
    expect(wrong.slice(0, 3)).toEqual([]);
  });
});

describe('statuses written between chunks, then the input columns sorted', () => {
  // Was a defect (older: the same at ddb2059; fixed since: planStatusWrites puts back the
  // statuses an earlier write of the execution showed): a person sorts the input columns only (Data > Sort
  // range on A:D; the status and record columns stay) after a write between chunks was
  // checked and before the next one. The records are put back beside their own rows
  // (statusPlacement.ts realignRecords) but the statuses are not, and the next write puts the
  // other rows' statuses over them. Expected: every row ends the run showing its status.
  // Observed: contacts 1 and 2 (the first chunk, written between chunks) end the completed
  // run with a blank Sync Status; the next run only calls them unchanged. Since 6c7010c
  // rows without a Contact ID are exposed too (test/e2e/redteam-13e.test.ts).
  it('contacts: every row ends showing its own status, its record beside it', () => {
    const tab = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
    const h = new SyncHarness([
      tab,
      ...Array.from({ length: 10 }, (_, i) => [i + 1, `new${i + 1}@x.com`, '', '']),
    ]);
    for (let id = 1; id <= 10; id++) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
    h.limits = { ...h.limits, chunkSize: 2 };
    let sorted = false;
    let readsWithStatuses = 0;
    h.sheet.beforeRead = (_read, sheet) => {
      const status = sheet.values[0].indexOf('Sync Status');
      if (sorted || status === -1) return;
      if (!sheet.values.slice(1).some((cells) => !isBlankCell(cells[status]))) return;
      // The read checking the first write goes by; the sort comes before the next write.
      if (++readsWithStatuses < 2) return;
      sorted = true;
      const inputs = sheet.values
        .slice(1)
        .map((cells) => cells.slice(0, tab.length))
        .reverse();
      sheet.values.slice(1).forEach((cells, i) => cells.splice(0, tab.length, ...inputs[i]));
    };
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(sorted).toBe(true);
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 10 });
    const status = h.sheet.values[0].indexOf('Sync Status');
    const shown = h.sheet.values.slice(1).map((cells) => [cells[1], cells[status]]);
    expect(shown).toEqual(
      h.sheet.values
        .slice(1)
        .map((cells) => [cells[1], `Updated: email changed to ${String(cells[1])}`]),
    );
    expect(h.sheet.recordContacts()).toEqual(h.sheet.column('Contact ID'));
  });
});

describe('a1dde98 end to end: odd tabs, rows shuffled between chunks', () => {
  const IDS: unknown[] = [
    1,
    '1',
    ' 01 ',
    2,
    '2',
    2.0,
    3,
    '3.0',
    4,
    5,
    6,
    true,
    '#N/A',
    `2${ESC}`,
    `3${SEP}`,
    new Date(Date.UTC(2026, 0, 2)),
    '',
  ];
  const EMAILS: unknown[] = [
    'a@x.com',
    'A@x.com ',
    'b@x.com',
    `c@x.com${ESC}`,
    'd@x.com',
    '',
    5,
    '5',
  ];
  const OPT: unknown[] = ['', '', true, false, 'yes', 'TRUE', 1];
  const REASONS: unknown[] = ['', 'r', ` r${SEP}`, ESC, `${ESC}#1`, 1, '1'];

  function oddRun(seed: number, shuffle: boolean) {
    const next = random(seed);
    const rows: unknown[][] = [];
    const n = 6 + Math.floor(next() * 12);
    for (let r = 0; r < n; r++) {
      rows.push(
        r > 0 && next() < 0.3
          ? [...pick(next, rows)]
          : [pick(next, IDS), pick(next, EMAILS), pick(next, OPT), pick(next, REASONS)],
      );
    }
    const h = new SyncHarness([TAB, ...rows]);
    for (let id = 1; id <= 6; id++) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
    h.limits = { ...h.limits, chunkSize: 2 };
    const shuffler = random(seed + 1);
    if (shuffle) {
      h.sheet.beforeRead = (read, sheet) => {
        if (read === 0) return;
        const body = sheet.values.slice(1);
        for (let i = body.length - 1; i > 0; i--) {
          const j = Math.floor(shuffler() * (i + 1));
          [body[i], body[j]] = [body[j], body[i]];
        }
        sheet.values = [sheet.values[0], ...body];
      };
    }
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    h.sheet.beforeRead = null;
    const normal = (cell: unknown) =>
      typeof cell === 'string'
        ? cell
            .replace(/\|[a-z0-9]{8}-[a-z0-9]{8}\|/g, '|run|')
            .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, 'time')
            .replace(/\d{13}/g, 'ms')
        : cell instanceof Date
          ? `date ${cell.getTime()}`
          : cell;
    const out = h.sheet.values
      .slice(1)
      .map((cells) => JSON.stringify(cells.map(normal)))
      .sort();
    const again = runSyncWith('sidebar', h.ports(), h.limits);
    return { summary, out, again, header: h.sheet.values[0] };
  }

  it('every row ends with the status and record it gets unshuffled (200 random tabs)', () => {
    const wrong: unknown[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const still = oddRun(seed * 7919, false);
      const moved = oddRun(seed * 7919, true);
      if (
        JSON.stringify(moved.out) !== JSON.stringify(still.out) ||
        moved.summary.outcome !== 'completed' ||
        moved.again.keapRequests !== still.again.keapRequests
      )
        wrong.push({ seed, moved: moved.out, still: still.out });
      // Every row with an input shows a status.
      const status = moved.header.indexOf('Sync Status');
      for (const row of moved.out) {
        const cells = JSON.parse(row) as unknown[];
        const blank = cells.slice(0, 4).every((c) => c === '' || c === null);
        if (
          !blank &&
          (cells[status] === '' || cells[status] === null || cells[status] === undefined)
        )
          wrong.push({ seed, noStatus: cells });
      }
    }
    expect(wrong.slice(0, 2)).toEqual([]);
  });
});
