import {
  emailRecordCell,
  parseEmailRecordCell,
  readEmailState,
  type EmailRecord,
} from '../../../src/sheet/emailRecord';
import { parseRecordCell, recordCell, type StateRecord } from '../../../src/sheet/syncRecord';

const KEY = '00aabbccddeeff';
const FOUND: EmailRecord = {
  fingerprint: 'e1:0001',
  syncedAt: 1_700_000_000_000,
  result: 'ok',
  run: 'r1',
  account: 'xy123.infusionsoft.com',
  found: 12,
  optedOutAt: 1_700_000_000_000,
};

describe('records of rows without a Contact ID', () => {
  it('round-trip through a cell that holds no email', () => {
    const cell = emailRecordCell(KEY, FOUND);
    expect(cell).not.toMatch(/@/);
    expect(parseEmailRecordCell(cell)).toEqual({ addressKey: KEY, record: FOUND });
    const none: EmailRecord = {
      fingerprint: 'e1:2',
      syncedAt: 5,
      result: 'error',
      run: 'r',
      tries: 2,
    };
    expect(parseEmailRecordCell(emailRecordCell(KEY, none))).toEqual({
      addressKey: KEY,
      record: none,
    });
  });

  it('are not records of a contact, and contact records are not theirs', () => {
    expect(parseRecordCell(emailRecordCell(KEY, FOUND))).toBeNull();
    expect(parseEmailRecordCell(recordCell(12, FOUND))).toBeNull();
    expect(parseEmailRecordCell('kse1|nothex|x|1|ok|r||||')).toBeNull();
    expect(parseEmailRecordCell('kse1|00aabbccddeeff|x|1|ok|r|||-3|')).toBeNull();
  });

  it('are read as a map by address, the newest winning', () => {
    const older = { ...FOUND, syncedAt: 1, found: 99 };
    const values = [
      ['Keap Sync Record'],
      [emailRecordCell(KEY, older)],
      [emailRecordCell(KEY, FOUND)],
      ['x'],
    ];
    expect(readEmailState(values, 1)).toEqual(new Map([[KEY, FOUND]]));
  });
});

describe('contact records with the opt-out time', () => {
  const OK: StateRecord = { fingerprint: 'v1:00ab', syncedAt: 10, result: 'ok', run: 'r1' };

  it('stay ksr2 without it, so earlier versions keep reading them', () => {
    expect(recordCell(12, OK)).toBe('ksr2|12|v1:00ab|10|ok|r1||');
  });

  it('are ksr3 with it, and read back', () => {
    const cell = recordCell(12, { ...OK, optedOutAt: 10 });
    expect(cell).toBe('ksr3|12|v1:00ab|10|ok|r1|||10');
    expect(parseRecordCell(cell)).toEqual({ contactId: 12, record: { ...OK, optedOutAt: 10 } });
    expect(parseRecordCell('ksr3|12|v1:00ab|10|ok|r1|||')).toBeNull();
    expect(parseRecordCell('ksr1|12|v1:00ab|10|ok|r1')).toEqual({ contactId: 12, record: OK });
  });
});
