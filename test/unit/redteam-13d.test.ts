/**
 * Red team 13d: four recent changes tried as a hostile user, a flaky Google service or an
 * odd sheet would. Pure parts against oracles (the implementations before the change, or the
 * plain way); the spaced status writes through the sync harness (test/unit/sync/support).
 */
import { parseContactId, parseEmail, parseOptOut, parseReason } from '../../src/sheet/cellParsers';
import { isBlankCell } from '../../src/sheet/cells';
import { DEFAULT_HEADER_NAMES, findColumns, type SheetColumns } from '../../src/sheet/headers';
import { parseSheet, rowKey, type RowRequest } from '../../src/sheet/rowParsing';
import { SheetRead } from '../../src/sheet/sheetRead';
import { KeapUnavailableError } from '../../src/keap/model';
import { rowsBetweenStatusWrites, SYNC_LIMITS } from '../../src/sync/budget';
import { canonicalRequest, hash53, rowFingerprint } from '../../src/sync/fingerprint';
import { runSyncWith } from '../../src/sync/runSync';
import type { SyncTrigger } from '../../src/sync/summary';
import { pick, seededRandom as random } from './support/random';
import { SyncHarness } from './sync/support/fakes';

// ---------------------------------------------------------------------------------------
// 2. d88d0cf: fingerprints hashed in place. Oracle: the implementation at ddb2059 (hash and
// hex included, so the oracle does not lean on the code under test).
// ---------------------------------------------------------------------------------------

const OLD_HEX = '0123456789abcdef';

function oldHash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const high = 2097151 & h2;
  let out = '';
  for (let shift = 20; shift >= 0; shift -= 4) out += OLD_HEX[(high >>> shift) & 15];
  for (let shift = 28; shift >= 0; shift -= 4) out += OLD_HEX[(h1 >>> shift) & 15];
  return out;
}

function oldIsPlainText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff))
      return false;
  }
  return true;
}

function oldWriteJson(value: unknown, write: (text: string) => unknown): void {
  if (typeof value === 'string' && oldIsPlainText(value)) {
    write('"');
    write(value);
    write('"');
  } else write(JSON.stringify(value) ?? 'null');
}

/** ddb2059's canonicalRequest (fields in the table's order: id, email, opt out, reason). */
function oldCanonicalRequest(request: Record<string, unknown>): string {
  let json = '[';
  const write = (text: string) => (json += text);
  oldWriteJson(request.contactId, write);
  write(',');
  oldWriteJson(request.email ?? '', write);
  write(',');
  write(request.optOut ? '1' : '0');
  write(',');
  if (!request.optOut) write('""');
  else oldWriteJson(request.reason ?? '', write);
  write(']');
  return json;
}

const oldRowFingerprint = (request: Record<string, unknown>) =>
  `v1:${oldHash53(oldCanonicalRequest(request))}`;

const ODD_NUMBERS: unknown[] = [
  0,
  -0,
  1,
  -1,
  7,
  10,
  99,
  100,
  123456789,
  Number.MAX_SAFE_INTEGER,
  Number.MAX_SAFE_INTEGER + 1,
  -Number.MAX_SAFE_INTEGER,
  -Number.MAX_SAFE_INTEGER - 1,
  2 ** 53 + 2,
  1e21,
  1e300,
  -1e21,
  0.5,
  -0.5,
  12.25,
  1e-7,
  5e-324,
  Number.MIN_VALUE,
  Number.MAX_VALUE,
  NaN,
  Infinity,
  -Infinity,
  undefined,
  null,
  '42',
  ' 42 ',
  '',
  true,
  false,
  new Date(Date.UTC(2026, 0, 2)),
  new Date(NaN),
  [1, 2],
  { a: 1 },
];

const ODD_TEXTS: unknown[] = [
  '',
  ' ',
  'a@x.com',
  'A "quoted" reason',
  'back\\slash',
  'tab\there',
  'line\nbreak',
  '\u0000',
  '\u001f',
  '\u007f',
  '\u2028\u2029',
  '\ud800',
  'lone low \udc00 here',
  '😀 emoji pair',
  'é café ñ 中文 العربية',
  '\ufeff bom',
  'x'.repeat(20_000),
  `${'plain '.repeat(2000)}"`,
  undefined,
  null,
  0,
  -0,
  42,
  1.5,
  NaN,
  true,
  false,
  new Date(Date.UTC(2026, 0, 2)),
  new Date(NaN),
  ['a'],
  { toJSON: () => 'custom' },
];

describe('2. fingerprints hashed in place (d88d0cf)', () => {
  it('equal the fingerprints the implementation before it gave, for odd values in every field', () => {
    const differ: string[] = [];
    const check = (request: Record<string, unknown>) => {
      const now = rowFingerprint(request as unknown as RowRequest);
      const then = oldRowFingerprint(request);
      if (now !== then) differ.push(JSON.stringify(oldCanonicalRequest(request)).slice(0, 80));
      const canonical = canonicalRequest(request as unknown as RowRequest);
      if (canonical !== oldCanonicalRequest(request)) differ.push(`canonical ${canonical}`);
      if (now !== `v1:${hash53(canonical)}`) differ.push(`hash53 ${canonical.slice(0, 80)}`);
    };
    for (const contactId of ODD_NUMBERS) {
      check({ contactId, email: 'a@x.com', optOut: false, reason: null });
    }
    for (const text of ODD_TEXTS) {
      for (const optOut of [true, false, 1, 0, 'yes', null]) {
        check({ contactId: 5, email: text, optOut, reason: text });
        check({ contactId: 5, email: null, optOut, reason: text });
      }
    }
    expect(differ).toEqual([]);
  });

  it('equal them for random requests of any characters, ids of any size (10,000 cases)', () => {
    const next = random(13);
    const char = () => {
      const kind = next();
      if (kind < 0.5) return String.fromCharCode(32 + Math.floor(next() * 95));
      if (kind < 0.6) return String.fromCharCode(Math.floor(next() * 32));
      if (kind < 0.7) return pick(next, ['"', '\\', '\ud83d', '\ude00', '\ud83d\ude00']);
      return String.fromCharCode(Math.floor(next() * 0x10000));
    };
    const text = () => Array.from({ length: Math.floor(next() * 12) }, char).join('');
    const id = () => {
      const kind = next();
      if (kind < 0.4) return Math.floor(next() * 10 ** Math.floor(next() * 17));
      if (kind < 0.5) return -Math.floor(next() * 10 ** Math.floor(next() * 17));
      if (kind < 0.6) return (next() - 0.5) * 10 ** Math.floor(next() * 40 - 20);
      return pick(next, ODD_NUMBERS);
    };
    // The very long texts are in the test above; here they would only make it slow.
    const short = ODD_TEXTS.filter((t) => typeof t !== 'string' || t.length < 100);
    const differ: unknown[] = [];
    for (let i = 0; i < 10_000; i++) {
      const request = {
        contactId: id(),
        email: next() < 0.1 ? pick(next, short) : text(),
        optOut: next() < 0.5,
        reason: next() < 0.1 ? null : text(),
      };
      if (rowFingerprint(request as unknown as RowRequest) !== oldRowFingerprint(request)) {
        differ.push(request);
      }
    }
    expect(differ.slice(0, 5)).toEqual([]);
  });

  it('hash53 (the address keys of rows without a Contact ID) is the one before it too', () => {
    const next = random(53);
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: Math.floor(next() * 40) }, () =>
        String.fromCharCode(Math.floor(next() * 0x10000)),
      ).join('');
      expect(hash53(text)).toBe(oldHash53(text));
    }
    // A fingerprint made between two hash53 calls (they share the hex() code array).
    const first = hash53('a@x.com');
    const fingerprint = rowFingerprint({
      contactId: 1,
      email: 'a@x.com',
      optOut: false,
      reason: null,
    } as unknown as RowRequest);
    expect([first, hash53('a@x.com'), fingerprint.length]).toEqual([first, first, 17]);
  });
});

// ---------------------------------------------------------------------------------------
// 3. e9e101e: shared frozen answers and parseReason's fast path.
// ---------------------------------------------------------------------------------------

/** Every character JavaScript's \s matches, and neighbours that it does not. */
const SPACES = [
  ...'\t\n\u000b\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff',
];
const NOT_SPACES = ['\u0000', '\u0008', '\u000e', '\u001c', '\u001f', '\u007f', '\u0085', '\u200b'];

function plainReason(cell: unknown): unknown {
  const text =
    cell instanceof Date ? cell.toISOString().slice(0, 10) : String(cell as string).trim();
  return { ok: true, value: text.replace(/\s+/g, ' ') };
}

describe('3. cell parsers: shared answers and the spaced-once fast path (e9e101e)', () => {
  it('parseReason gives what trim and one space per run give, for any white space (20,000 cases)', () => {
    const next = random(3);
    const pieces = [...SPACES, ...NOT_SPACES, 'a', 'B', '0', '#', 'é', '😀', '\ud800', '  ', ' x '];
    const differ: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const cell = Array.from({ length: 1 + Math.floor(next() * 8) }, () =>
        pick(next, pieces),
      ).join('');
      if (isBlankCell(cell)) continue;
      if (['#N/A', '#REF!'].includes(cell.trim())) continue;
      const parsed = parseReason(cell);
      if (JSON.stringify(parsed) !== JSON.stringify(plainReason(cell))) differ.push(cell);
    }
    expect(differ.slice(0, 5).map((cell) => [...cell].map((c) => c.charCodeAt(0)))).toEqual([]);
  });

  it('parseReason of numbers, booleans and dates gives their text', () => {
    for (const cell of [0, -0, 12.5, 1e21, NaN, true, false, new Date(Date.UTC(2026, 4, 6))]) {
      expect(parseReason(cell)).toEqual(plainReason(cell));
    }
  });

  it('the shared answers are frozen, and stay what they were after a whole sheet is parsed', () => {
    const answers = [parseReason(''), parseEmail(' '), parseOptOut(''), parseOptOut('yes')];
    expect(answers.every((answer) => Object.isFrozen(answer))).toBe(true);
    parseSheet(
      [
        ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'],
        [1, '', '', ''],
        [2, 'b@x.com', 'yes', ''],
        [3, '', 'no', ' '],
        ['', 'd@x.com', true, 'why'],
        [4, '', false, ''],
      ],
      DEFAULT_HEADER_NAMES,
      () => 'Contacts',
    );
    expect([parseReason(''), parseEmail(''), parseOptOut(''), parseOptOut('yes')]).toEqual([
      { ok: true, value: null },
      { ok: true, value: null },
      { ok: true, value: false },
      { ok: true, value: true },
    ]);
  });
});

// ---------------------------------------------------------------------------------------
// 4. 96781f0: rows by key through the contact-id index. Oracle: each row's key, compared.
// ---------------------------------------------------------------------------------------

const SEP = '\u001f';

function plainRowsWithKey(values: unknown[][], cols: SheetColumns, key: string | null): number[] {
  const inputs = [cols.contactId, cols.email, cols.optOut, cols.optOutReason];
  const rows: number[] = [];
  for (let i = 1; i < values.length; i++) {
    const cells = values[i];
    const blank = inputs.every((c) => c === null || isBlankCell(cells[c - 1]));
    if ((blank ? null : rowKey(cells, cols)) === key) rows.push(i + 1);
  }
  return rows;
}

const ID_CELLS: unknown[] = [
  1,
  2,
  '2',
  ' 2 ',
  '02',
  '2.0',
  '+2',
  2.0,
  '1e3',
  1000,
  '1000',
  '0x10',
  16,
  '16',
  -2,
  0,
  -0,
  '',
  ' ',
  null,
  true,
  'TRUE',
  new Date(Date.UTC(2026, 0, 2)),
  '#N/A',
  '#REF!',
  `2${SEP}`,
  `2${SEP}a@x.com`,
  `${SEP}2`,
  9007199254740991,
  9007199254740992,
  '9007199254740993',
  '00000000000000000002',
  2.5,
  'x',
];
const OTHER_CELLS: unknown[] = [
  '',
  ' ',
  'a@x.com',
  'A@x.com ',
  `a@x.com${SEP}TRUE`,
  SEP,
  `${SEP}${SEP}`,
  true,
  false,
  'yes',
  'TRUE',
  1,
  0,
  null,
  '#N/A',
  new Date(Date.UTC(2026, 0, 2)),
];

/** Header rows: the default order, other orders, extra columns, no Contact ID column. */
const HEADERS: unknown[][] = [
  ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'],
  ['Opt Out Reason', 'Notes', 'Email', 'Opt Out', 'Contact ID'],
  ['Email', 'Contact ID', 'Sync Status', 'Opt Out'],
  ['Email', 'Opt Out', 'Opt Out Reason'],
  ['Notes', 'Email'],
];

function randomSheet(next: () => number, header: unknown[], rows: number): unknown[][] {
  const cols = findColumns(header, DEFAULT_HEADER_NAMES);
  const values: unknown[][] = [header];
  for (let r = 0; r < rows; r++) {
    const cells = header.map(() => pick(next, OTHER_CELLS));
    if (cols.contactId !== null) cells[cols.contactId - 1] = pick(next, ID_CELLS);
    // Copies of earlier rows, so keys repeat.
    values.push(r > 0 && next() < 0.3 ? [...pick(next, values.slice(1))] : cells);
  }
  return values;
}

describe('4. rows by key through the contact-id index (96781f0)', () => {
  it('gives exactly the rows whose key is the key, ascending, on random sheets of odd cells', () => {
    const next = random(96);
    const differ: unknown[] = [];
    for (let sheet = 0; sheet < 150; sheet++) {
      const header = HEADERS[sheet % HEADERS.length];
      const cols = findColumns(header, DEFAULT_HEADER_NAMES);
      const values = randomSheet(next, header, 1 + Math.floor(next() * 30));
      const read = new SheetRead(values, cols);
      const keys = new Set<string | null>([null, 'nobody', '2', `2${SEP}${SEP}${SEP}`, SEP]);
      for (const cells of values.slice(1)) {
        const key = rowKey(cells, cols);
        keys.add(key);
        // Keys that differ only after the Contact ID cell, or in it.
        keys.add(`${key}x`);
        keys.add(`2${key.slice(key.indexOf(SEP) === -1 ? key.length : key.indexOf(SEP))}`);
      }
      for (const key of keys) {
        const expected = plainRowsWithKey(values, cols, key);
        const got = [...read.rowsWithKey(key)];
        if (JSON.stringify(got) !== JSON.stringify(expected)) {
          differ.push({ sheet, key, got, expected });
        }
      }
    }
    expect(differ.slice(0, 3)).toEqual([]);
  });

  it('gives them on a later read that reuses the earlier one (cells changed, rows moved)', () => {
    const next = random(781);
    const differ: unknown[] = [];
    for (let sheet = 0; sheet < 100; sheet++) {
      const header = HEADERS[sheet % 3];
      const cols = findColumns(header, DEFAULT_HEADER_NAMES);
      const values = randomSheet(next, header, 2 + Math.floor(next() * 20));
      const first = new SheetRead(values, cols);
      // Ask the first read so its indexes exist before the later read is made.
      first.rowsWithKey(rowKey(values[1], cols));
      const later = values.map((cells) => [...cells]);
      // Some rows' Contact ID cells changed (same value other type, or another id), two swapped.
      for (let r = 1; r < later.length; r++) {
        if (next() < 0.3 && cols.contactId !== null)
          later[r][cols.contactId - 1] = pick(next, ID_CELLS);
      }
      const a = 1 + Math.floor(next() * (later.length - 1));
      const b = 1 + Math.floor(next() * (later.length - 1));
      [later[a], later[b]] = [later[b], later[a]];
      const again = new SheetRead(later, cols, first);
      const keys = new Set<string | null>([null]);
      for (const cells of [...values.slice(1), ...later.slice(1)]) keys.add(rowKey(cells, cols));
      for (const key of keys) {
        const expected = plainRowsWithKey(later, cols, key);
        const got = [...again.rowsWithKey(key)];
        if (JSON.stringify(got) !== JSON.stringify(expected))
          differ.push({ sheet, key, got, expected });
      }
    }
    expect(differ.slice(0, 3)).toEqual([]);
  });

  it('a valid id typed any way is one contact, and its rows are told apart by the rest of the key', () => {
    const header = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
    const cols = findColumns(header, DEFAULT_HEADER_NAMES);
    const values: unknown[][] = [
      header,
      [2, 'a@x.com', '', ''],
      ['2', 'a@x.com', '', ''],
      ['02', 'a@x.com', '', ''],
      [' 2', 'a@x.com', '', ''],
      [2, 'a@x.com ', '', ''],
      [2, 'a@x.com', '', ''],
    ];
    const read = new SheetRead(values, cols);
    expect(parseContactId('02')).toEqual({ ok: true, value: 2 });
    expect(read.rowsOfContact(2)).toEqual([2, 3, 4, 5, 6, 7]);
    // ' 2' and 2 have the same key (cells are trimmed; a value typed again as text is the same
    // input); '02' does not; a trailing space on the email is trimmed too.
    expect(read.rowsWithKey(rowKey(values[1], cols))).toEqual([2, 3, 5, 6, 7]);
    expect(read.rowsWithKey(rowKey(values[3], cols))).toEqual([4]);
  });
});

// ---------------------------------------------------------------------------------------
// 1. 89d11ca: on a tab more than 20 chunks long, statuses written between chunks every
// 1/20 of its rows. Chunks of 2 make 60 rows "large": a write every 3 rows answered.
// ---------------------------------------------------------------------------------------

const TAB = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];

/** `n` contacts, each row asking for a new email (one Keap write per contact). */
function largeTab(n: number, rows?: unknown[][]): SyncHarness {
  const h = new SyncHarness([
    TAB,
    ...(rows ?? Array.from({ length: n }, (_, i) => [i + 1, `new${i + 1}@x.com`, '', ''])),
  ]);
  for (let id = 1; id <= n; id++) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
  h.limits = { ...h.limits, chunkSize: 2 };
  return h;
}

/**
 * What is wrong on the sheet: a row whose status says its email changed while Keap does not
 * have it (or names another row's email), a row Keap changed that says nothing (or whose
 * contact has no record: it would be sent again), a record of a contact Keap did not change.
 */
function untruths(h: SyncHarness): string[] {
  const problems: string[] = [];
  const statuses = h.sheet.column('Sync Status');
  const state = h.state.state;
  h.sheet.values.slice(1).forEach((cells, i) => {
    const row = i + 2;
    const id = Number(cells[0]);
    const email = String(cells[1]);
    if (!Number.isInteger(id) || id <= 0) return;
    const status = String(statuses[i] ?? '');
    const done = h.keap.email1(id) === email;
    const record = state.get(id);
    if (status.startsWith('Updated:') && status !== `Updated: email changed to ${email}`) {
      problems.push(`row ${row} (${email}) shows '${status}'`);
    }
    if (status.startsWith('Updated:') && !done) problems.push(`row ${row} says done, Keap not`);
    if (done && !status.startsWith('Updated:') && status !== 'Up to date') {
      problems.push(`row ${row} done in Keap, shows '${status}'`);
    }
    if (status === '') problems.push(`row ${row} shows no status`);
    if (record?.result === 'ok' && !done) problems.push(`row ${row}: record ok, Keap not changed`);
  });
  return problems;
}

/** Contacts Keap was sent a change of email for more than once. */
function sentTwice(h: SyncHarness): number[] {
  const seen = new Map<number, number>();
  for (const write of h.keap.sent) {
    if (write.kind === 'setEmails') seen.set(write.contactId, (seen.get(write.contactId) ?? 0) + 1);
  }
  return [...seen].filter(([, times]) => times > 1).map(([id]) => id);
}

/** Runs the sync, then follow-ups, until it says completed (at most `max` executions). */
function runToTheEnd(h: SyncHarness, first: SyncTrigger = 'daily', max = 30) {
  const outcomes: string[] = [];
  let summary = runSyncWith(first, h.ports(), h.limits);
  outcomes.push(summary.outcome);
  while (summary.outcome !== 'completed' && outcomes.length < max) {
    h.clock.advance(h.limits.continuationDelayMs);
    if (h.clock.now() < h.keap.resetAt && summary.outcome === 'daily-limit') {
      h.clock.time = h.keap.resetAt + 1;
    }
    summary = runSyncWith(h.pendingRun ? 'continuation' : 'sidebar', h.ports(), h.limits);
    outcomes.push(summary.outcome);
  }
  return outcomes;
}

/** The harness's ports, with Keap found by email (rows without a Contact ID). */
function withEmailSearch(h: SyncHarness) {
  const ports = h.ports();
  ports.openGateway = (deadline) => {
    const gateway = h.keap.gateway(deadline);
    return {
      ...gateway,
      findContactsByEmail: (emails) =>
        new Map(
          emails.map((email) => [
            email,
            [...h.keap.contacts.keys()].filter((id) => h.keap.email1(id) === email),
          ]),
        ),
    };
  };
  return ports;
}

describe('1. statuses every 1/20 of a large tab (89d11ca)', () => {
  it('is a large tab at 60 rows in chunks of 2: a write every 3 rows', () => {
    expect(rowsBetweenStatusWrites(60, { ...SYNC_LIMITS, chunkSize: 2 })).toBe(3);
    expect(rowsBetweenStatusWrites(40, { ...SYNC_LIMITS, chunkSize: 2 })).toBe(0);
    expect(rowsBetweenStatusWrites(20_001)).toBe(1001);
    expect(rowsBetweenStatusWrites(20_000)).toBe(0);
  });

  it('Keap failing a read mid-run: rows answered since the last spaced write keep their statuses and records', () => {
    const h = largeTab(60);
    // Reads 1..5 answer (chunks 1-5: the write after chunk 4 is the last spaced one).
    h.keap.failReadsAfter = 5;
    h.keap.failNextRead = new KeapUnavailableError({
      kind: 'connection',
      fault: { kind: 'described', text: 'Keap answered 503 five times' },
    });
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary).toMatchObject({ outcome: 'failed', emailsUpdated: 10 });
    expect(untruths(h)).toEqual([]);
    expect([...h.state.state.keys()].sort((a, b) => a - b)).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    expect(h.sheet.column('Sync Status').slice(10)).toEqual(
      Array.from({ length: 50 }, () => 'Will retry: Keap answered 503 five times.'),
    );
    runToTheEnd(h, 'sidebar');
    expect(untruths(h)).toEqual([]);
    expect(sentTwice(h)).toEqual([]);
  });

  it("Keap's daily limit mid-run: every row answered or waiting, none sent twice after the reset", () => {
    const h = largeTab(60);
    h.keap.requestsLeftToday = 23;
    const outcomes = runToTheEnd(h, 'daily');
    expect(outcomes[0]).toBe('daily-limit');
    expect(outcomes[outcomes.length - 1]).toBe('completed');
    expect(untruths(h)).toEqual([]);
    expect(sentTwice(h)).toEqual([]);
    expect(h.keap.sent).toHaveLength(60);
  });

  it('the time budget ending executions between spaced writes: nothing lost or sent twice', () => {
    const h = largeTab(60);
    // 7 chunks of 2 per execution (1 s a write, no chunk started after 13 s).
    h.keap.msPerWrite = 1000;
    h.limits = { ...h.limits, stopStartingChunksAfterMs: 13_000, keapDeadlineAfterMs: 30_000 };
    const outcomes = runToTheEnd(h, 'daily');
    expect(outcomes.length).toBeGreaterThan(2);
    expect(outcomes[outcomes.length - 1]).toBe('completed');
    expect(untruths(h)).toEqual([]);
    expect(sentTwice(h)).toEqual([]);
  });

  it('a spaced status write that fails is made by a later one; nothing written twice to Keap', () => {
    const h = largeTab(60);
    const error = new Error('Service Spreadsheets failed while accessing document');
    // The sheet refuses writes from the 2nd read (the first spaced write) to the 6th.
    h.sheet.beforeRead = (read, sheet) => {
      sheet.failWrites = read >= 1 && read < 6 ? error : null;
    };
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 60 });
    expect(untruths(h)).toEqual([]);
    expect(h.state.state.size).toBe(60);
    h.sheet.beforeRead = null;
    const again = runSyncWith('sidebar', h.ports(), h.limits);
    expect(again).toMatchObject({ outcome: 'completed', emailsUpdated: 0, keapRequests: 0 });
  });

  it('rows a person sorts between two spaced writes: every status and record on its own row', () => {
    const h = largeTab(60);
    // Reversed before the 2nd read (statuses of chunks 1-2 written) and the 7th.
    h.sheet.beforeRead = (read, sheet) => {
      if (read === 1 || read === 6)
        sheet.values = [sheet.values[0], ...sheet.values.slice(1).reverse()];
    };
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 60 });
    expect(untruths(h)).toEqual([]);
    expect(h.sheet.recordContacts()).toEqual(h.sheet.column('Contact ID'));
    h.sheet.beforeRead = null;
    const again = runSyncWith('sidebar', h.ports(), h.limits);
    expect(again).toMatchObject({ outcome: 'completed', emailsUpdated: 0, keapRequests: 0 });
  });

  it('duplicated rows and rows without a Contact ID on a large tab: each row told its own truth', () => {
    const rows: unknown[][] = [];
    for (let id = 1; id <= 50; id++) rows.push([id, `new${id}@x.com`, '', '']);
    // Copies of contacts 3 and 40 (same request), and rows found by email.
    rows.splice(10, 0, [3, 'new3@x.com', '', '']);
    rows.splice(45, 0, [40, 'new40@x.com', '', '']);
    for (let i = 0; i < 8; i++) rows.push(['', `byemail${i}@x.com`, 'yes', '']);
    const h = largeTab(50, rows);
    for (let i = 0; i < 8; i++) h.keap.addContact(100 + i, { EMAIL1: `byemail${i}@x.com` });
    const ports = withEmailSearch(h);
    const summary = runSyncWith('sidebar', ports, h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 50, optedOut: 8 });
    expect(untruths(h)).toEqual([]);
    const statuses = h.sheet.column('Sync Status');
    expect(statuses.slice(52).every((s) => String(s).startsWith('Updated: opted out'))).toBe(true);
    expect(statuses[10]).toBe('Updated: email changed to new3@x.com');
    expect(sentTwice(h)).toEqual([]);
    expect(h.keap.sent.filter((w) => w.kind === 'optOut')).toHaveLength(8);
    const again = runSyncWith('sidebar', ports, h.limits);
    expect(again).toMatchObject({ outcome: 'completed', emailsUpdated: 0, optedOut: 0 });
    expect(h.keap.sent).toHaveLength(58);
  });

  it("an old 'Keap Sync State' tab moved in on a large tab: statuses and records all written, tab removed", () => {
    // Contacts 1-10 synced before, by the old tab (the sheet has Sync Status, no record
    // column), with what the rows ask now: unchanged, not sent again.
    const first = largeTab(10);
    runSyncWith('sidebar', first.ports(), first.limits);
    const rows = Array.from({ length: 60 }, (_, i) => [
      i + 1,
      `new${i + 1}@x.com`,
      '',
      '',
      i < 10 ? `Updated: email changed to new${i + 1}@x.com` : '',
    ]);
    const h = new SyncHarness([[...TAB, 'Sync Status'], ...rows]);
    for (let id = 1; id <= 60; id++) {
      h.keap.addContact(id, { EMAIL1: id <= 10 ? `new${id}@x.com` : `old${id}@x.com` });
    }
    h.limits = { ...h.limits, chunkSize: 2 };
    h.sheet.oldRecords = new Map(first.state.state);
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 50 });
    expect(untruths(h)).toEqual([]);
    expect(h.sheet.oldRecords).toBeNull();
    expect(h.state.state.size).toBe(60);
  });

  it('the sheet refusing every write from mid-run on (a killed execution, in effect): the next run sends nothing twice, and every row ends true', () => {
    const h = largeTab(60);
    const error = new Error('Service Spreadsheets timed out while accessing document');
    // Writes refused from the 8th read on: chunks 7 on, and the last write, are not shown.
    h.sheet.beforeRead = (read, sheet) => {
      if (read === 7) sheet.failWrites = error;
    };
    const first = runSyncWith('sidebar', h.ports(), h.limits);
    expect(first.outcome).not.toBe('completed');
    const shownAfterFirst = h.sheet.column('Sync Status').filter((s) => s !== '').length;
    h.sheet.beforeRead = null;
    h.sheet.failWrites = null;
    runToTheEnd(h, 'sidebar');
    expect(untruths(h)).toEqual([]);
    expect(sentTwice(h)).toEqual([]);
    expect(h.state.state.size).toBe(60);
    // The statuses the first run got onto the sheet: only those of its spaced writes.
    expect(shownAfterFirst).toBeGreaterThan(0);
  });

  it.each([
    ['every chunk (40 rows)', 20],
    ['every 1/20 (100 rows, 4 a chunk: every other chunk)', 50],
  ])(
    'ids typed any way, copies and rows moved between writes, %s: each status and record on its own row',
    (_, contacts) => {
      const typed = (id: number): unknown =>
        [id, String(id), ` ${id} `, `0${id}`, `${id}.0`][id % 5];
      const rows: unknown[][] = [];
      for (let id = 1; id <= contacts; id++) {
        rows.push([typed(id), `new${id}@x.com`, '', '']);
        // A copy of each contact's row, its id typed another way.
        rows.push([id % 2 === 0 ? id : String(id), `new${id}@x.com`, '', '']);
      }
      const h = largeTab(contacts, rows);
      let moves = 0;
      h.sheet.beforeRead = (read, sheet) => {
        if (read === 0 || read % 3 !== 0) return;
        moves += 1;
        // A person sorts by email descending, then moves the last row to the top.
        const data = sheet.values.slice(1);
        data.sort((a, b) => String(b[1]).localeCompare(String(a[1])));
        data.unshift(data.pop() as unknown[]);
        sheet.values = [sheet.values[0], ...data];
      };
      const summary = runSyncWith('sidebar', h.ports(), h.limits);
      expect(moves).toBeGreaterThan(2);
      expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: contacts });
      expect(untruths(h)).toEqual([]);
      h.sheet.beforeRead = null;
      const again = runSyncWith('sidebar', h.ports(), h.limits);
      expect(again).toMatchObject({ outcome: 'completed', emailsUpdated: 0, keapRequests: 0 });
      expect(untruths(h)).toEqual([]);
    },
  );

  it('a spaced write whose record block fails after its status block: records follow later, none without its status', () => {
    // Sync Status before a person's column: the record column, added at the end, is apart.
    const rows = Array.from({ length: 60 }, (_, i) => [
      i + 1,
      `new${i + 1}@x.com`,
      '',
      '',
      '',
      'n',
    ]);
    const h = new SyncHarness([[...TAB, 'Sync Status', 'Notes'], ...rows]);
    for (let id = 1; id <= 60; id++) h.keap.addContact(id, { EMAIL1: `old${id}@x.com` });
    h.limits = { ...h.limits, chunkSize: 2 };
    const error = new Error('Service Spreadsheets failed while accessing document');
    const write = h.sheet.writeBlock.bind(h.sheet);
    let recordBlocks = 0;
    let refused = 0;
    const recordsWithoutStatus: unknown[] = [];
    h.sheet.writeBlock = (block) => {
      // Columns 7 on: Last Synced and the record column (added after Notes, together).
      if (block.column >= 7) {
        recordBlocks += 1;
        if (recordBlocks % 2 === 0 && refused < 4) {
          refused += 1;
          throw error;
        }
      }
      write(block);
      const header = h.sheet.values[0];
      const record = header.indexOf('Keap Sync Record');
      const status = header.indexOf('Sync Status');
      if (record === -1) return;
      for (const cells of h.sheet.values.slice(1)) {
        if (cells[record] && !cells[status]) recordsWithoutStatus.push(cells[0]);
      }
    };
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(summary.emailsUpdated).toBe(60);
    expect(refused).toBe(4);
    expect(recordsWithoutStatus).toEqual([]);
    h.sheet.writeBlock = write;
    expect(h.state.state.size).toBe(60);
    runToTheEnd(h, 'sidebar');
    expect(untruths(h)).toEqual([]);
    expect(sentTwice(h)).toEqual([]);
    expect(h.sheet.column('Notes').every((n) => n === 'n')).toBe(true);
  });

  it('rows reversed between a spaced write and its check: statuses put right by the repair', () => {
    const h = largeTab(60);
    let moved = 0;
    h.sheet.beforeWrite = (write, sheet) => {
      if (write === 2 || write === 5) {
        moved += 1;
        sheet.values = [sheet.values[0], ...sheet.values.slice(1).reverse()];
      }
    };
    const summary = runSyncWith('sidebar', h.ports(), h.limits);
    expect(moved).toBe(2);
    expect(summary).toMatchObject({ outcome: 'completed', emailsUpdated: 60 });
    h.sheet.beforeWrite = null;
    runToTheEnd(h, 'sidebar');
    expect(untruths(h)).toEqual([]);
    expect(sentTwice(h)).toEqual([]);
    expect(h.sheet.recordContacts()).toEqual(h.sheet.column('Contact ID'));
  });

  /**
   * Differential: the same scenario with statuses written after every chunk (a share of the
   * tab never above a chunk) must end with the very same sheet and the same Keap writes.
   */
  it.each([
    ['opt-outs with the Keap Email Status column', 'optOuts'],
    ['Keap failing a read mid-run', 'keapDown'],
    ['the daily limit mid-run', 'dailyLimit'],
    ['the time budget', 'budget'],
    ['rows without a Contact ID', 'byEmail'],
  ])('%s: the same sheet and Keap writes as with a status write after every chunk', (_, kind) => {
    const scenario = (statusWritesPerTab: number) => {
      const rows: unknown[][] = Array.from({ length: 60 }, (_, i) => [
        i + 1,
        `new${i + 1}@x.com`,
        i % 3 === 0 ? 'yes' : '',
        '',
      ]);
      if (kind === 'byEmail')
        for (let i = 0; i < 10; i++) rows.push(['', `e${i}@x.com`, 'yes', '']);
      const h = largeTab(60, rows);
      if (kind === 'byEmail')
        for (let i = 0; i < 10; i++) h.keap.addContact(200 + i, { EMAIL1: `e${i}@x.com` });
      h.limits = { ...h.limits, statusWritesPerTab };
      const ports = withEmailSearch(h);
      if (kind === 'optOuts') ports.settings = { ...ports.settings, keapEmailStatus: true };
      if (kind === 'keapDown') {
        h.keap.failReadsAfter = 13;
        h.keap.failNextRead = new KeapUnavailableError({
          kind: 'connection',
          fault: { kind: 'described', text: 'Keap answered 503 five times' },
        });
      }
      if (kind === 'dailyLimit') h.keap.requestsLeftToday = 37;
      if (kind === 'budget') {
        h.keap.msPerWrite = 1000;
        h.limits = { ...h.limits, stopStartingChunksAfterMs: 13_000, keapDeadlineAfterMs: 30_000 };
      }
      const outcomes: string[] = [];
      let summary = runSyncWith('daily', ports, h.limits);
      outcomes.push(summary.outcome);
      while (summary.outcome !== 'completed' && outcomes.length < 30) {
        h.clock.advance(h.limits.continuationDelayMs);
        if (summary.outcome === 'daily-limit')
          h.clock.time = Math.max(h.clock.time, h.keap.resetAt + 1);
        summary = runSyncWith(h.pendingRun ? 'continuation' : 'sidebar', ports, h.limits);
        outcomes.push(summary.outcome);
      }
      // Run ids are random: the rest of each record is compared.
      const sheet = h.sheet.values.map((cells) =>
        cells.map((cell) =>
          typeof cell === 'string' ? cell.replace(/\|[a-z0-9]{8}-[a-z0-9]{8}\|/g, '|run|') : cell,
        ),
      );
      return { outcomes, sheet, sent: h.keap.sent, reads: h.sheet.reads };
    };
    const spaced = scenario(20);
    const everyChunk = scenario(1e9);
    expect(spaced.reads).toBeLessThan(everyChunk.reads);
    expect(spaced.outcomes).toEqual(everyChunk.outcomes);
    expect(spaced.sent).toEqual(everyChunk.sent);
    expect(spaced.sheet).toEqual(everyChunk.sheet);
    expect(kind !== 'optOuts' || spaced.sheet[0].includes('Keap Email Status')).toBe(true);
    expect(spaced.sheet.slice(1).every((cells) => cells[4] !== '')).toBe(true);
  });

  // Was a defect (red team 13d; fixed: executionExtras.syncByEmail shows the statuses and
  // progress between its chunks too). Not new in 89d11ca (the same at ddb2059): rows without a Contact ID
  // are sent in chunks too (executionExtras.syncByEmail), but no chunk of them is followed
  // by showSoFar: their statuses wait for the execution's last write and the progress record
  // does not move until then. Expected (execution.ts showSoFar: "the progress ... never stays
  // behind the work for the rest of the execution"; 89d11ca: "the progress still moves on
  // every chunk"): after each chunk of rows by email, the progress counts its rows.
  // Observed: 60 rows by email in 30 chunks of 2, the progress reads 0 at every chunk's Keap
  // search and jumps to 60 at the end; no status reaches the sheet before the end either.
  it('rows without a Contact ID in many chunks: the progress moves on with every chunk', () => {
    const rows = Array.from({ length: 60 }, (_, i) => ['', `e${i}@x.com`, 'yes', '']);
    const h = largeTab(0, rows);
    for (let i = 0; i < 60; i++) h.keap.addContact(200 + i, { EMAIL1: `e${i}@x.com` });
    const ports = withEmailSearch(h);
    let done = 0;
    const atSearch: number[] = [];
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
          atSearch.push(done);
          return gateway.findContactsByEmail!(emails);
        },
      };
    };
    const summary = runSyncWith('sidebar', ports, h.limits);
    expect(summary).toMatchObject({ outcome: 'completed', optedOut: 60 });
    expect(done).toBe(60);
    expect(atSearch).toHaveLength(30);
    // Each chunk's search sees the rows of the chunks before it counted.
    expect(atSearch).toEqual(atSearch.map((_, i) => 2 * i));
  });
});

// ---------------------------------------------------------------------------------------
// Rows whose keys collide: placeStatuses through rowsWithKey, end to end.
// ---------------------------------------------------------------------------------------

describe('rows whose different cells make the same key', () => {
  // Was a defect (red team 13d, fixed by the injective rowKey): rowKey joined each input
  // cell's text with '\u001f', so two rows that differ could
  // have one key: a Contact ID cell that holds the separator and the email after it
  // ('4\u001fnew4@x.com', Email empty) beside contact 4's own row whose Opt Out Reason cell
  // holds the separator. placeStatuses treats rows of one key as identical and, since their
  // statuses differ, places neither (statusPlacement.ts: "ambiguous"). Expected: the invalid
  // row shows its error, contact 4's row shows "Updated: email changed to new4@x.com" with a
  // record. Observed: Keap's email is changed, but no status and no record is ever written
  // (0 sheet writes), on this run and every later one (each reads Keap for contact 4 again).
  // Not new in 96781f0 (the same before it); found through its "cells that hold the key
  // separator" case.
  it('a Contact ID cell holding the key separator: each row still gets its own status', () => {
    const h = new SyncHarness([TAB, [`4${SEP}new4@x.com`, '', '', ''], [4, 'new4@x.com', '', SEP]]);
    h.keap.addContact(4, { EMAIL1: 'old4@x.com' });
    runSyncWith('sidebar', h.ports(), h.limits);
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.keap.email1(4)).toBe('new4@x.com');
    const statuses = h.sheet.column('Sync Status').map(String);
    expect(statuses[0]).toMatch(/^Error: /);
    expect(statuses[1]).toBe('Updated: email changed to new4@x.com');
    expect(h.state.state.get(4)?.result).toBe('ok');
  });

  // DEFECT (left alone, decided: see the issue note of stop 27): cellText(5) and cellText('5')
  // are both '5', so a contact's row with the number 5 in Email and a copy with the text '5'
  // share a key while parseEmail answers them differently (two different error statuses).
  // Expected: each row shows its own error (or one shared error). Observed: neither row ever
  // gets a status (0 sheet writes, run after run), although the run counts 2 errors. The same
  // at ddb2059. Keys telling a cell's kind apart fix this but break a rule other tests keep
  // (test/e2e/redteam-13c.test.ts): a Contact ID typed again as text with the same value
  // between two chunks is the same input, and its status still lands on it.
  test.failing(
    'an Email typed as the number 5 and as the text "5" on two rows of a contact: each row says why',
    () => {
      const h = new SyncHarness([TAB, [4, 5, '', ''], [4, '5', '', '']]);
      h.keap.addContact(4, { EMAIL1: 'old4@x.com' });
      const summary = runSyncWith('sidebar', h.ports(), h.limits);
      expect(summary.errors).toBe(2);
      expect(h.sheet.column('Sync Status').map((s) => String(s).startsWith('Error: '))).toEqual([
        true,
        true,
      ]);
    },
  );

  it('the same row typed the same way, with ids typed any way: one status on every copy', () => {
    const h = new SyncHarness([
      TAB,
      [4, 'new4@x.com', true, ''],
      [4, 'new4@x.com', 'true', ''],
      ['4', 'new4@x.com', true, ''],
      [' 4 ', 'new4@x.com', true, ''],
    ]);
    h.keap.addContact(4, { EMAIL1: 'old4@x.com' });
    runSyncWith('sidebar', h.ports(), h.limits);
    expect(h.sheet.column('Sync Status')).toEqual(
      Array.from({ length: 4 }, () => 'Updated: email changed to new4@x.com; opted out'),
    );
    expect(h.keap.sent).toHaveLength(2);
  });
});
