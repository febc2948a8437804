import { DEFAULT_HEADER_NAMES, findColumns } from '../../../src/sheet/headers';
import { parseRow } from '../../../src/sheet/rowParsing';
import type { SyncState } from '../../../src/sheet/syncRecord';
import { rowFingerprint } from '../../../src/sync/fingerprint';
import { buildWorklist } from '../../../src/sync/worklist';

const columns = findColumns(
  ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'],
  DEFAULT_HEADER_NAMES,
);
const parse = (rows: unknown[][]) => rows.map((cells, i) => parseRow(cells, i + 2, columns));
const RUN = 'run-b';

describe('what an execution has to do', () => {
  const rows = parse([
    [1, 'a@x.com', '', ''],
    ['', '', '', ''],
    [2, 'b@x.com', 'yes', ''],
    ['oops', 'c@x.com', '', ''],
    [3, 'd@x.com', '', ''],
    [3, 'd@x.com', '', ''],
    [4, 'e@x.com', '', ''],
    [4, 'other@x.com', '', ''],
  ]);

  it('makes one unit per contact, merges identical rows and reports bad ones', () => {
    const work = buildWorklist(rows, new Map(), RUN);
    expect(work.rowsSeen).toBe(7);
    expect(work.units.map((u) => [u.contactId, u.rows.map((r) => r.row)])).toEqual([
      [1, [2]],
      [2, [4]],
      [3, [6, 7]],
    ]);
    expect(work.issues.map((i) => [i.row, i.message])).toEqual([
      [5, "Contact ID must be a whole number (got 'oops')"],
      [8, 'Contact ID 4 is also on row 9 with different values'],
      [9, 'Contact ID 4 is also on row 8 with different values'],
    ]);
  });

  it('blocks a valid row whose id is also on an invalid row', () => {
    const work = buildWorklist(
      parse([
        [5, 'ok@x.com', '', ''],
        [5, 'bad', '', ''],
      ]),
      new Map(),
      RUN,
    );
    expect(work.units).toHaveLength(0);
    expect(work.issues.map((i) => i.row)).toEqual([2, 3]);
    expect(work.issues[1].message).toMatch(/not a valid email.*also on row 2/);
  });

  it('skips rows synced before with the same values, and only those', () => {
    const state: SyncState = new Map([
      [
        1,
        {
          fingerprint: rowFingerprint({
            contactId: 1,
            email: 'a@x.com',
            optOut: false,
            reason: null,
          }),
          syncedAt: 1,
          result: 'ok',
          run: 'run-a',
        },
      ],
      [2, { fingerprint: 'v1:stale', syncedAt: 1, result: 'ok', run: 'run-a' }],
    ]);
    const work = buildWorklist(rows, state, RUN);
    expect(work.skippedRows.map((r) => r.row)).toEqual([2]);
    expect(work.units.map((u) => u.contactId)).toEqual([2, 3]);
  });

  it('retries a row Keap was busy for in the next run but not in a continuation of the same run', () => {
    const fingerprint = rowFingerprint({
      contactId: 1,
      email: 'a@x.com',
      optOut: false,
      reason: null,
    });
    const one = parse([[1, 'a@x.com', '', '']]);
    const busyEarlier: SyncState = new Map([
      [1, { fingerprint, syncedAt: 1, result: 'retry', run: 'run-a' }],
    ]);
    const busyThisRun: SyncState = new Map([
      [1, { fingerprint, syncedAt: 1, result: 'retry', run: RUN }],
    ]);
    expect(buildWorklist(one, busyEarlier, RUN).units).toHaveLength(1);
    expect(buildWorklist(one, busyThisRun, RUN).units).toHaveLength(0);
  });

  it('does not send a row Keap refused again until it is edited, and keeps it counted as an error', () => {
    const fingerprint = rowFingerprint({
      contactId: 1,
      email: 'a@x.com',
      optOut: false,
      reason: null,
    });
    const refused: SyncState = new Map([
      [1, { fingerprint, syncedAt: 1, result: 'error', run: 'run-a' }],
    ]);
    const unchanged = buildWorklist(parse([[1, 'a@x.com', '', '']]), refused, RUN);
    expect(unchanged.units).toHaveLength(0);
    expect(unchanged.knownErrorRows.map((r) => r.row)).toEqual([2]);
    expect(buildWorklist(parse([[1, 'b@x.com', '', '']]), refused, RUN).units).toHaveLength(1);
  });
});
