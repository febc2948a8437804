/**
 * The sample sheet (examples/contacts.csv) against the sample Keap account
 * (examples/keap-seed.json): messy values, bad rows and duplicates end in the exact Keap
 * state and the exact Sync Status on every row; later runs send only what was edited.
 */
import { DAY } from './world';
import {
  apiRequests,
  changeInKeap,
  columnOf,
  headerRow,
  inputCells,
  keapState,
  keapWrites,
  NEW_ADDRESS,
  SAMPLE_KEAP_AFTER_SYNC as EXPECTED_KEAP,
  SAMPLE_IDS as SEEDED_IDS,
  SAMPLE_STATUSES as EXPECTED_STATUS,
  sampleWorld,
  type Summary,
} from './support/sync';
import type { World } from './world';

describe('the sample sheet against the sample Keap account', () => {
  let world: World;
  let before: unknown[][];
  let first: Summary;

  beforeAll(() => {
    world = sampleWorld();
    before = inputCells(world);
    first = world.call<Summary>('syncNow');
  });

  it('leaves Keap in exactly the expected state and sends only the needed writes', () => {
    expect(keapState(world, SEEDED_IDS)).toEqual(EXPECTED_KEAP);
    const writes = keapWrites(world).map((w) => `${w.route} ${w.path}`);
    expect(writes.sort()).toEqual(
      [
        'contacts.patch /crm/rest/v2/contacts/101',
        'contacts.patch /crm/rest/v2/contacts/103',
        'contacts.patch /crm/rest/v2/contacts/111',
        'contacts.patch /crm/rest/v2/contacts/113',
        'contacts.patch /crm/rest/v2/contacts/115',
        'emailAddresses.updateStatus /crm/rest/v2/emailAddresses/Eve%40Example.com/status',
        'emailAddresses.updateStatus /crm/rest/v2/emailAddresses/carol.new%40example.com/status',
        'emailAddresses.updateStatus /crm/rest/v2/emailAddresses/dan%40example.com/status',
      ].sort(),
    );
    expect(world.sim.specViolations).toEqual([]);
  });

  it('writes the exact status on every row and a time on every synced row', () => {
    expect(headerRow(world).slice(-3)).toEqual(['Sync Status', 'Last Synced', 'Keap Sync Record']);
    expect(world.sheet().hiddenColumns()).toEqual([headerRow(world).length]);
    expect(columnOf(world, 'Sync Status')).toEqual(EXPECTED_STATUS);
    const synced = columnOf(world, 'Last Synced');
    EXPECTED_STATUS.forEach((status, i) => {
      const ok = status === 'Up to date' || status.startsWith('Updated');
      expect({ row: i + 2, synced: synced[i] instanceof Date }).toEqual({ row: i + 2, synced: ok });
    });
  });

  it('changes no other cell: the sheet minus the status and record columns is as it was', () => {
    expect(inputCells(world)).toEqual(before);
  });

  it('returns the summary and logs the run in one row of the log tab', () => {
    const apiCalls = world.sim.log.filter((e) => e.route !== 'token' && e.route !== 'authorize');
    expect(first).toMatchObject({
      outcome: 'completed',
      rowsSeen: 20,
      emailsUpdated: 5,
      optedOut: 3,
      unchanged: 4,
      errors: 8,
      errorRows: [11, 12, 13, 14, 15, 16, 18, 21],
      keapRequests: apiCalls.length,
    });
    expect(first.message).toBe(
      'Synced 20 rows: 5 emails updated, 3 opted out, 4 unchanged, 8 errors.',
    );
    const log = world.sheet('Keap Sync Log').values();
    expect(log).toHaveLength(2);
    const row = Object.fromEntries(log[0].map((header, i) => [String(header), log[1][i]]));
    expect(row).toMatchObject({
      How: 'sidebar',
      'Rows seen': 20,
      'Emails updated': 5,
      'Opted out': 3,
      Unchanged: 4,
      Errors: 8,
      'Keap requests': apiCalls.length,
      Outcome: 'completed',
      Message: first.message,
    });
    expect(row.When).toBeInstanceOf(Date);
    expect(typeof row['Duration (s)']).toBe('number');
  });

  it('sends nothing at all on a second run when nothing was edited', () => {
    const logged = world.sim.log.length;
    const statuses = columnOf(world, 'Sync Status');
    const second = world.run<Summary>('syncNow');
    expect(second.value).toMatchObject({ outcome: 'completed', keapRequests: 0, rowsSeen: 20 });
    expect(apiRequests(second)).toEqual({});
    expect(world.sim.log.slice(logged)).toEqual([]);
    expect(columnOf(world, 'Sync Status')).toEqual(statuses);
    expect(keapState(world, SEEDED_IDS)).toEqual(EXPECTED_KEAP);
    expect(world.sheet('Keap Sync Log').values()).toHaveLength(3);
  });

  it('re-syncs an edited row, and only that row, on the next run', () => {
    world.clock.advance(DAY);
    const logged = world.sim.log.length;
    const statuses = columnOf(world, 'Sync Status');
    const emailColumn = (headerRow(world) as string[]).indexOf('E-mail ') + 1;
    world.sheet().setCell(3, emailColumn, ' Robert@Example.com');

    const third = world.call<Summary>('syncNow');
    expect(third).toMatchObject({ outcome: 'completed', emailsUpdated: 1 });
    expect(keapWrites(world, logged).map((w) => `${w.method} ${w.path}`)).toEqual([
      'PATCH /crm/rest/v2/contacts/102',
    ]);
    expect(keapState(world, [102])).toEqual({
      102: [{ field: 'EMAIL1', email: 'robert@example.com', status: NEW_ADDRESS }],
    });
    const now = columnOf(world, 'Sync Status');
    expect(now[1]).toBe('Updated: email changed to robert@example.com');
    expect([...now.slice(0, 1), ...now.slice(2)]).toEqual([
      ...statuses.slice(0, 1),
      ...statuses.slice(2),
    ]);
  });

  it('does not undo a change made in Keap after the sync for a row nobody edited', () => {
    changeInKeap(world, 101, {
      EMAIL1: 'ann@changed-in-keap.example.com',
      EMAIL2: 'ann.work@example.com',
    });
    world.clock.advance(DAY);
    const logged = world.sim.log.length;
    const run = world.call<Summary>('syncNow');
    expect(run).toMatchObject({ outcome: 'completed', keapRequests: 0 });
    expect(world.sim.log.slice(logged)).toEqual([]);
    expect(world.emailsOf(101)).toEqual({
      EMAIL1: 'ann@changed-in-keap.example.com',
      EMAIL2: 'ann.work@example.com',
    });
  });
});

describe('previewSync on the sample sheet', () => {
  it('lists the exact changes and errors, sends no write and changes no cell or tab', () => {
    const world = sampleWorld();
    const cells = world.sheet().values();
    const logged = world.sim.log.length;
    const preview = world.call<{
      rowsSeen: number;
      unchanged: number;
      changes: unknown[];
      errors: { row: number; contactId: string; error: string }[];
    }>('previewSync');

    const change = (
      row: number,
      id: number,
      from: string | null,
      to: string | null,
      optOut: boolean,
    ) => ({
      row,
      contactId: String(id),
      emailFrom: from,
      emailTo: to,
      optOut,
      error: null,
    });
    expect(preview.changes).toEqual([
      change(2, 101, 'ann@oldmail.com', 'ann.lee@example.com', false),
      change(4, 103, 'carol@example.com', 'carol.new@example.com', true),
      change(6, 104, null, null, true),
      change(7, 105, null, null, true),
      change(17, 111, null, 'liam@example.com', false),
      change(19, 113, 'noah.old@example.com', 'noah@example.com', false),
      change(20, 113, 'noah.old@example.com', 'noah@example.com', false),
      change(23, 115, 'quinn@example.com', 'quinn.new@example.com', false),
    ]);
    // The same words as the rows' statuses after a real sync, without the "Error: " prefix.
    const errorRows = EXPECTED_STATUS.map((status, i) => ({ row: i + 2, status })).filter((r) =>
      r.status.startsWith('Error: '),
    );
    expect(preview.errors.map((e) => e.row)).toEqual(errorRows.map((r) => r.row));
    preview.errors.forEach((e, i) => {
      // A preview does not schedule a next try: that part is the sync's alone.
      expect(`Error: ${e.error.charAt(0).toUpperCase()}${e.error.slice(1)}`).toBe(
        errorRows[i].status.replace(/\. Trying again on <day>, or when the row is edited$/, ''),
      );
    });
    expect(preview).toMatchObject({ rowsSeen: 20, unchanged: 4 });

    expect(keapWrites(world, logged)).toEqual([]);
    expect(world.sim.log.slice(logged).every((e) => e.method === 'GET')).toBe(true);
    expect(world.sheet().values()).toEqual(cells);
    expect(world.rt.sheetNames(world.spreadsheetId)).toEqual(['Contacts']);
    expect(keapState(world, SEEDED_IDS)[101][0].email).toBe('ann@oldmail.com');
  });
});
