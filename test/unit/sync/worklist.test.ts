import { DEFAULT_HEADER_NAMES, findColumns } from '../../../src/sheet/headers';
import { parseRow } from '../../../src/sheet/rowParsing';
import type { SyncState } from '../../../src/sheet/syncRecord';
import { rowFingerprint } from '../../../src/sync/fingerprint';
import { SheetRead } from '../../../src/sheet/sheetRead';
import { buildWorklist } from '../../../src/sync/worklist';

const columns = findColumns(
  ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'],
  DEFAULT_HEADER_NAMES,
);
const parse = (rows: unknown[][]) => rows.map((cells, i) => parseRow(cells, i + 2, columns));
const RUN = 'run-b';
const DAY = 86_400_000;
const HOUR = 3_600_000;
/** This run, in an account the records do not name, a moment after the records were written. */
const SCOPE = { runId: RUN, account: null, now: 2 };

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
    const work = buildWorklist(rows, new Map(), SCOPE);
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

  it('finds the same work when told which contacts are on several rows (the tab read)', () => {
    const sheets: unknown[][][] = [
      [
        [1, 'a@x.com', '', ''],
        ['', '', '', ''],
        [2, 'b@x.com', 'yes', ''],
        ['oops', 'c@x.com', '', ''],
        [3, 'd@x.com', '', ''],
        [' 3', 'd@x.com', '', ''],
        [4, 'e@x.com', '', ''],
        ['4', 'other@x.com', '', ''],
        [5, 'ok@x.com', '', ''],
        [5, 'bad', '', ''],
        ['', 'f@x.com', 'yes', ''],
        [6, 'g@x.com', 'maybe', ''],
        [6, 'g@x.com', 'maybe', ''],
        [7, 'h@x.com', 'yes', 'a'],
        [7, 'h@x.com', 'yes', 'b'],
      ],
      [[8, 'i@x.com', '', '']],
      [],
    ];
    for (const cells of sheets) {
      const header = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
      const read = new SheetRead([header, ...cells], columns);
      const tabRows = parse(cells);
      expect(
        buildWorklist(
          tabRows,
          new Map(),
          SCOPE,
          () => true,
          (id) => read.severalRowsOf(id),
        ),
      ).toEqual(buildWorklist(tabRows, new Map(), SCOPE));
    }
  });

  it('blocks a valid row whose id is also on an invalid row', () => {
    const work = buildWorklist(
      parse([
        [5, 'ok@x.com', '', ''],
        [5, 'bad', '', ''],
      ]),
      new Map(),
      SCOPE,
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
    const work = buildWorklist(rows, state, SCOPE);
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
    expect(buildWorklist(one, busyEarlier, SCOPE).units).toHaveLength(1);
    expect(buildWorklist(one, busyThisRun, SCOPE).units).toHaveLength(0);
  });

  it('does not send a row Keap refused again before its next try, and keeps it counted as an error', () => {
    const fingerprint = rowFingerprint({
      contactId: 1,
      email: 'a@x.com',
      optOut: false,
      reason: null,
    });
    const refused: SyncState = new Map([
      [1, { fingerprint, syncedAt: 1, result: 'error', run: 'run-a' }],
    ]);
    const unchanged = buildWorklist(parse([[1, 'a@x.com', '', '']]), refused, SCOPE);
    expect(unchanged.units).toHaveLength(0);
    // Tried again from the start of the next day (UTC when the scope names no time zone).
    expect(unchanged.knownErrorRows.map((r) => [r.row, r.nextTryAt])).toEqual([[2, DAY]]);
    expect(buildWorklist(parse([[1, 'b@x.com', '', '']]), refused, SCOPE).units).toHaveLength(1);
  });
});

describe('rows Keap refused are tried again, later and later', () => {
  const fingerprint = rowFingerprint({
    contactId: 1,
    email: 'a@x.com',
    optOut: false,
    reason: null,
  });
  const row = parse([[1, 'a@x.com', '', '']]);
  /** Mon 13 Jan 2025, 22:00 UTC: a person's Sync now late in the day. */
  const dayStart = Date.UTC(2025, 0, 13);
  const refusedAt = dayStart + 22 * HOUR;
  const refused = (tries: number, run = 'run-a'): SyncState =>
    new Map([[1, { fingerprint, syncedAt: refusedAt, result: 'error', run, tries }]]);
  const triedAt = (state: SyncState, now: number, runId = RUN, timeZone?: string): boolean =>
    buildWorklist(row, state, {
      runId,
      account: null,
      now,
      ...(timeZone ? { timeZone: () => timeZone } : {}),
    }).units.length === 1;

  it.each([
    [1, 1],
    [2, 2],
    [3, 4],
    [4, 7],
    [5, 7],
    [12, 7],
  ])(
    'after %i failed tries, waits until the day %i days on, and any run that day tries it',
    (tries, days) => {
      const day = dayStart + days * DAY;
      expect(triedAt(refused(tries), day - 1)).toBe(false);
      expect(triedAt(refused(tries), day)).toBe(true);
      expect(triedAt(refused(tries), day + 9 * HOUR)).toBe(true); // the 09:00 daily run
    },
  );

  it('never tries again within the run that recorded the error', () => {
    expect(triedAt(refused(1, RUN), refusedAt + 3 * DAY)).toBe(false);
  });

  it('counts an error of an earlier version (no tries) as the first', () => {
    const old: SyncState = new Map([
      [1, { fingerprint, syncedAt: refusedAt, result: 'error', run: 'x' }],
    ]);
    expect(triedAt(old, dayStart + DAY - 1)).toBe(false);
    expect(triedAt(old, dayStart + DAY)).toBe(true);
  });

  it("counts days in the spreadsheet's time zone, and names the day it is tried", () => {
    // 22:00 UTC on Mon 13 Jan is 17:00 in New York: the next day there starts at 05:00 UTC.
    const nextDay = dayStart + DAY + 5 * HOUR;
    const zone = 'America/New_York';
    expect(triedAt(refused(1), nextDay - 1, RUN, zone)).toBe(false);
    expect(triedAt(refused(1), nextDay, RUN, zone)).toBe(true);
    const known = buildWorklist(row, refused(1), {
      runId: RUN,
      account: null,
      now: refusedAt,
      timeZone: () => zone,
    }).knownErrorRows;
    expect(known.map((r) => r.nextTryAt)).toEqual([nextDay]);
  });
});

describe('records of another Keap account are no records', () => {
  const fingerprint = rowFingerprint({
    contactId: 1,
    email: 'a@x.com',
    optOut: false,
    reason: null,
  });
  const row = parse([[1, 'a@x.com', '', '']]);
  const syncedIn = (account?: string): SyncState =>
    new Map([
      [
        1,
        { fingerprint, syncedAt: 1, result: 'ok', run: 'run-a', ...(account ? { account } : {}) },
      ],
    ]);
  const work = (state: SyncState, account: string | null) =>
    buildWorklist(row, state, { runId: RUN, account, now: 2 });

  it('syncs a row synced in the sandbox again for production', () => {
    expect(
      work(syncedIn('sandbox1.infusionsoft.com'), 'prod9.infusionsoft.com').units,
    ).toHaveLength(1);
    expect(work(syncedIn('prod9.infusionsoft.com'), 'prod9.infusionsoft.com').units).toHaveLength(
      0,
    );
  });

  it('does not skip a row for one account because another did not find the contact', () => {
    const notFound: SyncState = new Map([
      [
        1,
        { fingerprint, syncedAt: 1, result: 'error', run: 'run-a', account: 'a1.infusionsoft.com' },
      ],
    ]);
    expect(work(notFound, 'b2.infusionsoft.com').units).toHaveLength(1);
    expect(work(notFound, 'a1.infusionsoft.com').knownErrorRows).toHaveLength(1);
  });

  it('keeps records of earlier versions (no account) and trusts all when the account is unknown', () => {
    expect(work(syncedIn(), 'prod9.infusionsoft.com').units).toHaveLength(0);
    expect(work(syncedIn('sandbox1.infusionsoft.com'), null).units).toHaveLength(0);
  });
});
