import {
  parseRecordCell,
  readSyncState,
  recordCell,
  type StateRecord,
} from '../../../src/sheet/syncRecord';

const OK: StateRecord = {
  fingerprint: 'v1:00ab',
  syncedAt: 1_700_000_000_000,
  result: 'ok',
  run: 'r1',
};
const LATER: StateRecord = {
  fingerprint: 'v1:00cd',
  syncedAt: 1_700_000_100_000,
  result: 'retry',
  run: 'r2',
};

describe('the Keap Sync Record column', () => {
  it('round-trips a record through its cell, naming the contact', () => {
    expect(parseRecordCell(recordCell(12, OK))).toEqual({ contactId: 12, record: OK });
    expect(recordCell(12, OK)).not.toMatch(/@/);
  });

  it('reads a map by contact id from the column, whatever row holds a record', () => {
    const values = [
      ['Contact ID', 'Keap Sync Record'],
      [3, recordCell(12, OK)],
      [12, recordCell(3, LATER)],
      [7, ''],
    ];
    expect(readSyncState(values, 2)).toEqual(
      new Map([
        [12, OK],
        [3, LATER],
      ]),
    );
  });

  it("keeps a contact's newest record when several cells name it", () => {
    const newer = { ...OK, fingerprint: 'v1:ffff', syncedAt: OK.syncedAt + 1 };
    const values = [['Keap Sync Record'], [recordCell(5, newer)], [recordCell(5, OK)]];
    expect(readSyncState(values, 1).get(5)).toEqual(newer);
  });

  it('ignores edited, foreign and damaged cells instead of failing', () => {
    const cells = [
      'ksr1|x|v1:1|1|ok|r',
      'ksr1|5||1|ok|r',
      'ksr1|6|v1:2|soon|ok|r',
      'ksr1|6|v1:2|1|weird|r',
      'ksr1|6|v1:2|1|ok',
      'ksr1|6|v1:2|1|ok|r|extra',
      'ksr2|6|v1:2|1|ok|r',
      42,
      new Date(0),
      null,
    ];
    for (const cell of cells) expect(parseRecordCell(cell)).toBeNull();
    expect(readSyncState([['h'], ...cells.map((c) => [c])], 1).size).toBe(0);
  });

  it('keeps the Keap account and the tries of an error', () => {
    const refused: StateRecord = {
      ...OK,
      result: 'error',
      account: 'xy123.infusionsoft.com',
      tries: 3,
    };
    expect(recordCell(7, refused)).toBe(
      'ksr2|7|v1:00ab|1700000000000|error|r1|xy123.infusionsoft.com|3',
    );
    expect(parseRecordCell(recordCell(7, refused))).toEqual({ contactId: 7, record: refused });
    // Tries belong to errors only; a synced record drops them.
    expect(
      parseRecordCell(recordCell(7, { ...refused, result: 'ok' }))?.record.tries,
    ).toBeUndefined();
  });

  it('still reads the cells of earlier versions, as records of an unknown account', () => {
    expect(parseRecordCell('ksr1|9|v1:00ab|5|error|r0')).toEqual({
      contactId: 9,
      record: { fingerprint: 'v1:00ab', syncedAt: 5, result: 'error', run: 'r0' },
    });
  });

  it('refuses an account or tries it did not write', () => {
    for (const cell of [
      'ksr2|6|v1:2|1|error|r|XY.com|1',
      'ksr2|6|v1:2|1|error|r|a b|1',
      'ksr2|6|v1:2|1|error|r|a.com|0',
      'ksr2|6|v1:2|1|error|r|a.com|x',
      'ksr2|6|v1:2|1|error|r|a.com|1|more',
    ])
      expect(parseRecordCell(cell)).toBeNull();
  });

  it('says whether a cell is written exactly as recordCell writes what it holds', () => {
    const records: [number, StateRecord][] = [
      [12, OK],
      [7, { ...OK, result: 'error', tries: 3, account: 'xy123.infusionsoft.com' }],
      [7, { ...OK, result: 'error' }],
      [8, { ...LATER, optedOutAt: 1_700_000_000_500 }],
      [9, { ...OK, account: 'key-abc' }],
    ];
    const cells = records.map(([id, record]) => recordCell(id, record));
    // Cells a person (or another version) may have left: each reads as a record or not.
    const variants = cells.flatMap((cell) => {
      const fields = cell.split('|');
      return [
        cell,
        ...fields.flatMap((field, i) =>
          [`0${field}`, `${field}.0`, `${field} `, '', `${field}0`, `+${field}`, '1e3'].map(
            (edit) => fields.map((f, j) => (j === i ? edit : f)).join('|'),
          ),
        ),
        `${cell}|`,
        cell.replace(/^ksr[23]/, 'ksr1'),
        fields
          .slice(0, 6)
          .join('|')
          .replace(/^ksr[23]/, 'ksr1'),
      ];
    });
    variants.push('ksr1|9|v1:00ab|5|error|r0', 'ksr2|6|v1:2|1|error|r||', 'ksr2|6|v1:2|1|ok|r||1');
    for (const cell of variants) {
      const form = { canonical: true };
      const parsed = parseRecordCell(cell, form);
      const exact = parsed !== null && recordCell(parsed.contactId, parsed.record) === cell;
      expect([cell, form.canonical]).toEqual([cell, exact]);
      expect(parseRecordCell(cell)).toEqual(parsed);
    }
    expect(cells.every((cell) => parseRecordCell(cell, { canonical: false }) !== null)).toBe(true);
  });

  it('has no records when the sheet has no record column yet', () => {
    expect(readSyncState([['Contact ID'], [1]], null).size).toBe(0);
  });
});
