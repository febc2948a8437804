import { emailRecordCell } from '../../../src/sheet/emailRecord';
import { findColumns } from '../../../src/sheet/headers';
import { parseRow, type ParsedRow } from '../../../src/sheet/rowParsing';
import {
  addressKeyOf,
  buildEmailWorklist,
  emailRowFingerprint,
  unchangedEmailRowStatuses,
} from '../../../src/sync/emailRows';
import { readEmailState } from '../../../src/sheet/emailRecord';
import { rowInputWords } from '../../../src/sync/statusText';

const HEADER = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
const COLUMNS = findColumns(HEADER, {
  contactId: 'Contact ID',
  email: 'Email',
  optOut: 'Opt Out',
  optOutReason: 'Opt Out Reason',
});
const SCOPE = { runId: 'run-2', account: null, now: 1_000_000 };

function rows(...cells: unknown[][]): ParsedRow[] {
  return cells.map((row, i) => parseRow(row, i + 2, COLUMNS));
}

describe('rows with an email and no Contact ID', () => {
  it('parse as rows keyed by their address; a row with neither id nor email is still an error', () => {
    const [byEmail, neither] = rows([' ', ' Ann@X.com ', 'yes', ''], ['', '', 'yes', '']);
    expect(byEmail).toMatchObject({
      kind: 'byEmail',
      request: { email: 'ann@x.com', optOut: true, reason: null },
    });
    // The row's problems as its status words them (statusText.ts rowInputWords).
    const words = neither.kind === 'invalid' ? neither.problems.map(rowInputWords) : [];
    expect({ ...neither, errors: words }).toMatchObject({
      kind: 'invalid',
      errors: ['Contact ID is missing'],
    });
  });

  it('are searched once per address; wildcards and conflicting duplicates get errors', () => {
    const list = buildEmailWorklist(
      rows(
        ['', 'a@x.com', 'yes', ''],
        ['', 'a@x.com', 'yes', ''],
        ['', 'b*@x.com', '', ''],
        ['', 'c@x.com', 'yes', ''],
        ['', 'c@x.com', '', ''],
        [5, 'd@x.com', '', ''],
      ),
      new Map(),
      SCOPE,
    );
    expect(list.rowsSeen).toBe(5);
    expect(list.work.map((w) => [w.email, w.rows.map((r) => r.row), w.knownContact])).toEqual([
      ['a@x.com', [2, 3], null],
    ]);
    expect(list.issues.map((i) => [i.row, i.message])).toEqual([
      [
        4,
        "this email has '*', which Keap's contact search reads as part of a pattern, so it cannot be looked up safely; put the Contact ID in the row",
      ],
      [5, 'the email c@x.com is also on row 6 without a Contact ID and with different values'],
      [6, 'the email c@x.com is also on row 5 without a Contact ID and with different values'],
    ]);
  });

  it('are skipped when unchanged since their record, and keep the contact found when edited', () => {
    const request = { email: 'a@x.com', optOut: false, reason: null };
    const record = {
      fingerprint: emailRowFingerprint(request),
      syncedAt: 500,
      result: 'ok' as const,
      run: 'run-1',
      found: 12,
    };
    const values = [['Keap Sync Record'], [emailRecordCell(addressKeyOf('a@x.com'), record)]];
    const state = readEmailState(values, 1);
    const unchanged = buildEmailWorklist(rows(['', 'A@x.com', '', '']), state, SCOPE);
    expect(unchanged.work).toEqual([]);
    expect(unchangedEmailRowStatuses(unchanged.skippedRows, () => true)).toEqual([
      expect.objectContaining({ row: 2, status: 'Up to date (Keap contact 12, found by email)' }),
    ]);
    const ticked = buildEmailWorklist(rows(['', 'a@x.com', 'yes', '']), state, SCOPE);
    expect(ticked.work.map((w) => w.knownContact)).toEqual([12]);
  });
});
