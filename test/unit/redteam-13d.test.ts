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
import { canonicalRequest, hash53, rowFingerprint } from '../../src/sync/fingerprint';

/** A small seeded generator: the same cases on every run. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)];
}

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
    // ' 2' and 2 have the same key (cells are trimmed); '02' does not; a trailing space on
    // the email is trimmed too.
    expect(read.rowsWithKey(rowKey(values[1], cols))).toEqual([2, 3, 5, 6, 7]);
    expect(read.rowsWithKey(rowKey(values[3], cols))).toEqual([4]);
  });
});
