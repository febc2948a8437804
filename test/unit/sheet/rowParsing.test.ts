import { worded } from './support/setupWords';
import { lowerCased } from '../../../src/sheet/cells';
import { DEFAULT_HEADER_NAMES, findColumns } from '../../../src/sheet/headers';
import {
  contactIdCellOf,
  contactIdOfKey,
  isValidEmail,
  parseContactId,
  parseEmail,
  parseOptOut,
  parseReason,
  parseRow,
  parseSheet,
  rowKey,
  type Parsed,
  type ParsedRow,
} from '../../../src/sheet/rowParsing';
import { rowInputWords } from '../../../src/sync/statusText';

/** A refused cell's words, as a row's status says them (statusText.ts rowInputWords). */
const wordsOf = (parsed: Parsed<unknown>): string | null =>
  parsed.ok ? null : rowInputWords(parsed.error);

/** An invalid row with its problems' words as `errors`, as its status says them. */
const withWords = (row: ParsedRow): ParsedRow | (ParsedRow & { errors: string[] }) =>
  row.kind === 'invalid' ? { ...row, errors: row.problems.map(rowInputWords) } : row;

describe('contact ids as people type them', () => {
  it.each([
    [123, 123],
    ['123', 123],
    ['123.0', 123],
    [' 123 ', 123],
    ['00123', 123],
    [123.0, 123],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
  ])('%p is contact %p', (cell, id) => {
    expect(parseContactId(cell)).toEqual({ ok: true, value: id });
  });

  it.each([
    ['', /missing/],
    ['   ', /missing/],
    [null, /missing/],
    ['abc', /whole number.*'abc'/],
    ['12a', /whole number/],
    [-5, /positive/],
    ['-5', /positive/],
    [0, /positive/],
    [12.5, /whole number.*12\.5/],
    ['12.5', /whole number/],
    [1e21, /too large/],
    ['123456789012345678', /too large/],
    [Number.MAX_SAFE_INTEGER + 2, /too large/],
    ['#N/A', /formula error \(#N\/A\)/],
    ['#REF!', /formula error/],
    [true, /whole number/],
    [new Date(2024, 0, 1), /whole number.*a date/],
  ])('%p is refused (%p)', (cell, message) => {
    const parsed = parseContactId(cell);
    expect(parsed.ok).toBe(false);
    expect(wordsOf(parsed)).toMatch(message);
  });
});

describe('emails', () => {
  it('trims stray spaces and lower-cases', () => {
    expect(parseEmail('  Ann.Lee@Example.COM ')).toEqual({
      ok: true,
      value: 'ann.lee@example.com',
    });
  });

  it('treats a blank cell as no email change', () => {
    expect(parseEmail('')).toEqual({ ok: true, value: null });
    expect(parseEmail('  ')).toEqual({ ok: true, value: null });
  });

  it('accepts exactly 75 characters and refuses 76 (EMAIL1 limit)', () => {
    const domain = '@example.com';
    const at75 = 'a'.repeat(75 - domain.length) + domain;
    const at76 = 'a'.repeat(76 - domain.length) + domain;
    expect(parseEmail(at75)).toEqual({ ok: true, value: at75 });
    const refused = parseEmail(at76);
    expect(refused.ok).toBe(false);
    expect(wordsOf(refused)).toMatch(/76 characters.*at most 75/);
  });

  it.each([
    'ann',
    'ann@',
    '@example.com',
    'ann@example',
    'ann lee@example.com',
    'a@@b.com',
    'ann@exa_mple.com',
    'ann..lee@x.com',
    'ann@-x.com',
  ])('refuses %p', (email) => {
    const parsed = parseEmail(email);
    expect(parsed.ok).toBe(false);
    expect(wordsOf(parsed)).toMatch(/not a valid email/);
  });

  it.each(['first.last+tag@sub.example.co.uk', "o'brien@example.ie", 'x@a-b.io'])(
    'accepts %p',
    (email) => {
      expect(isValidEmail(email)).toBe(true);
    },
  );

  it('names formula errors and refuses non-text', () => {
    expect(parseEmail('#N/A').ok).toBe(false);
    expect(wordsOf(parseEmail('#N/A'))).toEqual(expect.stringContaining('#N/A'));
    expect(parseEmail(42).ok).toBe(false);
  });
});

describe('opt out', () => {
  it.each([
    [true, true],
    [false, false],
    ['', false],
    [null, false],
    ['yes', true],
    ['YES ', true],
    ['y', true],
    ['TRUE', true],
    ['1', true],
    [1, true],
    ['x', true],
    ['X', true],
    ['no', false],
    ['No', false],
    ['false', false],
    ['0', false],
    [0, false],
  ])('%p means %p', (cell, value) => {
    expect(parseOptOut(cell)).toEqual({ ok: true, value });
  });

  it.each(['maybe', 2, '#VALUE!'])('refuses %p', (cell) => {
    expect(parseOptOut(cell).ok).toBe(false);
  });
});

describe('opt-out reasons', () => {
  it('trims and collapses white space; blank means the default', () => {
    expect(parseReason('  asked   by\nphone ')).toEqual({ ok: true, value: 'asked by phone' });
    expect(parseReason('')).toEqual({ ok: true, value: null });
  });

  it('gives every run of white space as one space, whatever the white space', () => {
    const texts = [
      'asked',
      'asked by phone',
      'asked  by phone',
      'asked\tby',
      'a \n b',
      'asked\u00a0by',
      'asked \u00a0by',
      'asked\u2003\u2003by',
      'désabonné par téléphone',
      'x\u3000y',
      'a\ufeffb',
      'a\u000bb',
    ];
    for (const text of texts) {
      expect(parseReason(text)).toEqual({ ok: true, value: text.trim().replace(/\s+/g, ' ') });
    }
  });
});

describe('a whole row', () => {
  const header = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason', 'Name'];
  const columns = findColumns(header, DEFAULT_HEADER_NAMES);

  it('skips rows whose sync cells are blank, even with other columns filled', () => {
    expect(parseRow(['', ' ', '', '', 'Ann'], 4, columns)).toEqual({ kind: 'blank', row: 4 });
  });

  it('normalises a valid row', () => {
    const row = parseRow([' 42 ', ' Ann@X.com', 'yes', ' moved away ', 'Ann'], 2, columns);
    expect(row).toMatchObject({
      kind: 'valid',
      row: 2,
      request: { contactId: 42, email: 'ann@x.com', optOut: true, reason: 'moved away' },
    });
  });

  it('drops the reason when the row does not opt out', () => {
    const row = parseRow([42, '', 'no', 'whatever', ''], 2, columns);
    expect(row).toMatchObject({ kind: 'valid', request: { optOut: false, reason: null } });
  });

  it('collects every problem of the row and keeps a valid id for duplicate checks', () => {
    const row = parseRow([42, 'not-an-email', 'maybe', '', ''], 9, columns);
    expect(row.kind).toBe('invalid');
    if (row.kind !== 'invalid') return;
    expect(row.contactId).toBe(42);
    expect(row.problems).toHaveLength(2);
  });

  it('reads an email with no id as a row keyed by its address (src/sync/emailRows.ts)', () => {
    const row = parseRow(['', 'Ann@x.com', 'yes', '', ''], 3, columns);
    expect(row).toMatchObject({
      kind: 'byEmail',
      request: { email: 'ann@x.com', optOut: true, reason: null },
    });
  });

  it('refuses an opt-out with neither an id nor an email, or with an invalid email', () => {
    expect(withWords(parseRow(['', '', 'yes', '', ''], 3, columns))).toMatchObject({
      kind: 'invalid',
      contactId: null,
      errors: ['Contact ID is missing'],
    });
    expect(withWords(parseRow(['', 'ann(at)x.com', '', '', ''], 3, columns))).toMatchObject({
      kind: 'invalid',
      errors: ['Contact ID is missing', "'ann(at)x.com' is not a valid email address"],
    });
  });

  it('on a tab with no Contact ID column, reads every row by its email and never asks for an id', () => {
    const noIds = findColumns(['Name', 'Email', 'Opt Out'], DEFAULT_HEADER_NAMES);
    expect(parseRow(['Ann', 'Ann@x.com', 'yes'], 2, noIds)).toEqual({
      kind: 'byEmail',
      row: 2,
      key: '\u001fAnn@x.com\u001fyes\u001f',
      request: { email: 'ann@x.com', optOut: true, reason: null },
    });
    expect(withWords(parseRow(['Bob', '', 'yes'], 3, noIds))).toMatchObject({
      kind: 'invalid',
      contactId: null,
      errors: ['Email is missing'],
    });
    expect(withWords(parseRow(['Cy', 'ann(at)x.com', 'maybe'], 4, noIds))).toMatchObject({
      kind: 'invalid',
      errors: [
        "'ann(at)x.com' is not a valid email address",
        "Opt Out must be yes or no (got 'maybe')",
      ],
    });
    expect(parseRow(['Di', '', ''], 5, noIds)).toEqual({ kind: 'blank', row: 5 });
    const sheet = parseSheet([['Email'], ['a@example.com']], DEFAULT_HEADER_NAMES, () => 'Form');
    expect(sheet.columns.contactId).toBeNull();
    expect(sheet.rows.map((row) => row.kind)).toEqual(['byEmail']);
  });

  it('reads rows without an opt-out column', () => {
    const emailOnly = findColumns(['Email', 'Contact ID'], DEFAULT_HEADER_NAMES);
    expect(parseRow(['a@b.co', 7], 2, emailOnly)).toMatchObject({
      kind: 'valid',
      request: { contactId: 7, email: 'a@b.co', optOut: false },
    });
  });
});

describe('a tab whose input column is one the add-on writes', () => {
  it('refuses settings stored before such a choice was refused, in plain words', () => {
    const values = [
      ['Contact ID', 'Keap Email Status', 'Opt Out'],
      ['', 'a@example.com', 'yes'],
    ];
    const names = { ...DEFAULT_HEADER_NAMES, email: 'Keap Email Status' };
    expect(worded(() => parseSheet(values, names, () => 'Contacts'))).toThrow(
      "The 'Email' column is set to 'Keap Email Status', a column this add-on writes itself, so a sync would write over what is typed there. Nothing was synced: choose another column for 'Email' in the settings.",
    );
    const statusAsOptOut = { ...DEFAULT_HEADER_NAMES, optOut: 'sync status' };
    expect(
      worded(() =>
        parseSheet([['Contact ID', 'Email', 'Sync Status']], statusAsOptOut, () => 'Contacts'),
      ),
    ).toThrow(/^The 'Opt Out' column is set to 'sync status', a column this add-on writes/);
    const fine = [
      ['Contact ID', 'Email', 'Keap Email Status'],
      ['', 'a@example.com', ''],
    ];
    expect(parseSheet(fine, DEFAULT_HEADER_NAMES, () => 'Contacts').rows).toHaveLength(1);
  });
});

describe('lower-casing', () => {
  it('gives what toLowerCase gives, for any text', () => {
    const texts = [
      '',
      'a@x.com',
      'A@X.COM',
      'mIxEd',
      'ÀÉÎ',
      'İstanbul',
      'ǅ',
      'ß',
      'Σ',
      'a\u0000Z',
      '@[`{',
    ];
    for (const text of texts) expect(lowerCased(text)).toBe(text.toLowerCase());
    expect(parseEmail(' Bob@Example.COM ')).toEqual({ ok: true, value: 'bob@example.com' });
  });
});

describe('row keys', () => {
  const cols = findColumns(
    ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'],
    DEFAULT_HEADER_NAMES,
  );
  const SEP = '\u001f';
  const ESC = '\u001e';
  const date = new Date(Date.UTC(2026, 0, 2));
  const cells: unknown[] = [
    '',
    '  ',
    null,
    5,
    '5',
    ' 5 ',
    5.5,
    '5.5',
    true,
    'true',
    'TRUE',
    false,
    date,
    String(date.getTime()),
    `date:${date.getTime()}`,
    `${ESC}#5`,
    `${ESC}`,
    SEP,
    `a${SEP}b`,
    `a${ESC}${SEP}b`,
    `${ESC}${ESC}`,
    'x',
    'x ',
  ];
  /** Whether two cells are the same for a key: the same trimmed text (a date by its time). */
  const same = (a: unknown, b: unknown): boolean => {
    const text = (v: unknown) =>
      v === null || v === undefined
        ? ''
        : v instanceof Date
          ? `date:${v.getTime()}`
          : String(v).trim();
    return text(a) === text(b);
  };

  it('are the same exactly when every input cell has the same trimmed text', () => {
    for (const a of cells) {
      for (const b of cells) {
        for (const at of [0, 1, 3]) {
          const rowA = ['1', 'a@x.com', '', ''];
          const rowB = ['1', 'a@x.com', '', ''];
          rowA[at] = a as string;
          rowB[at] = b as string;
          expect([a, b, at, rowKey(rowA, cols) === rowKey(rowB, cols)]).toEqual([
            a,
            b,
            at,
            same(a, b),
          ]);
        }
      }
    }
    // Cells that hold the separator do not shift into their neighbours.
    expect(rowKey([`4${SEP}x`, '', '', ''], cols)).not.toBe(rowKey(['4', `${SEP}x`, '', ''], cols));
    expect(rowKey([`4${SEP}`, 'x', '', ''], cols)).not.toBe(rowKey(['4', `${SEP}x`, '', ''], cols));
  });

  it('give back the Contact ID cell as typed, and its id when it holds one', () => {
    const cases: [unknown, string, number | null][] = [
      [12, '12', 12],
      [' 12 ', '12', 12],
      ['0012', '0012', 12],
      [12.5, '12.5', null],
      [-3, '-3', null],
      [true, 'true', null],
      [date, `date:${date.getTime()}`, null],
      [`1${SEP}2`, `1${SEP}2`, null],
      [`${ESC}7`, `${ESC}7`, null],
      ['', '', null],
    ];
    for (const [cell, text, id] of cases) {
      const key = rowKey([cell, 'a@x.com', '', ''], cols);
      expect([cell, contactIdCellOf(key), contactIdOfKey(key)]).toEqual([cell, text, id]);
      const parsed = parseContactId(cell);
      expect(contactIdOfKey(key)).toBe(parsed.ok ? parsed.value : null);
    }
  });
});
