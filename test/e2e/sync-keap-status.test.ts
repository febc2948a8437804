/**
 * The Keap Email Status column through the built bundle: on for a new spreadsheet, Keap's
 * status of each row's email in words, refreshed on every run from the batched status read,
 * written only where it changed, and never a write to Keap.
 */
import {
  connectedWorld,
  headerRow,
  inputCells,
  keapState,
  keapWrites,
  runCountingCalls,
  type Summary,
} from './support/sync';
import { TENANT, type World } from './world';

const HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
const NOT_TICKED =
  '. Opt Out is not ticked here; Keap keeps it opted out (this add-on never opts anyone back in)';

function world(keapEmailStatus: boolean | null = null, headers = HEADERS): World {
  const w = connectedWorld(
    [
      headers,
      [1, 'a@example.com', '', ''], // 2: subscribed
      [2, 'b@example.com', 'yes', ''], // 3: opted out by this run
      [3, 'c@example.com', '', ''], // 4: unsubscribed from a Keap email, box not ticked
      [4, 'd@example.com', 'yes', ''], // 5: bounced, box ticked: nothing to send
      [5, 'e@example.com', '', ''], // 6: marked as spam, box not ticked
      [6, 'f@example.com', '', ''], // 7: no consent yet
      ['', 'g@example.com', '', ''], // 8: no id: found by email; mail app unsubscribe
      [8, '', '', ''], // 9: no email: no Keap status to show
      [9, 'new@example.com', '', ''], // 10: the email changes to one Keap had not seen
      ['', 'nobody@example.com', '', ''], // 11: no contact, no status in Keap
    ].map((row, i) => (i === 0 ? row : [...row, ...Array(headers.length - 4).fill('')])),
    { keapEmailStatus },
  );
  w.addContact(1, 'a@example.com');
  w.addContact(2, 'b@example.com');
  w.addContact(3, 'c@example.com');
  w.addContact(4, 'd@example.com');
  w.addContact(5, 'e@example.com');
  w.addContact(6, 'f@example.com');
  w.addContact(7, 'g@example.com');
  w.addContact(8, 'h@example.com');
  w.addContact(9, 'old@example.com');
  w.sim.setEmailStatus(TENANT, 'c@example.com', 'FEEDBACK');
  w.sim.setEmailStatus(TENANT, 'd@example.com', 'BOUNCE');
  w.sim.setEmailStatus(TENANT, 'e@example.com', 'SPAM');
  w.sim.setEmailStatus(TENANT, 'f@example.com', 'NON_MARKETABLE');
  w.sim.setEmailStatus(TENANT, 'g@example.com', 'LIST_UNSUBSCRIBE');
  return w;
}

describe('the Keap Email Status column', () => {
  it('is added on a new spreadsheet and says what Keap shows for every row, in words', () => {
    const w = world();
    const before = inputCells(w);
    const { result } = runCountingCalls<Summary>(w, 'syncNow');
    expect(result.value?.outcome).toBe('completed');
    expect(headerRow(w).slice(-4)).toEqual([
      'Sync Status',
      'Last Synced',
      'Keap Sync Record',
      'Keap Email Status',
    ]);
    const day = new Date(w.clock.now()).toISOString().slice(0, 10);
    expect(w.column('Keap Email Status')).toEqual([
      'Subscribed',
      `Opted out by this add-on on ${day}`,
      `Unsubscribed by the person (from a Keap email)${NOT_TICKED}`,
      'Bounced',
      `Marked as spam${NOT_TICKED}`,
      'No consent yet',
      `Unsubscribed by the person (with their mail app's unsubscribe button)${NOT_TICKED}`,
      '',
      'No consent yet',
      'Keap has no status for this email yet',
    ]);
    expect(w.column('Sync Status').slice(0, 3)).toEqual([
      'Up to date',
      'Updated: opted out',
      'Up to date',
    ]);
    expect(inputCells(w).map((row) => row.slice(0, 4))).toEqual(
      before.map((row) => row.slice(0, 4)),
    );
    // Only the changes the rows ask for reach Keap: the column sends nothing.
    expect(keapWrites(w).map((entry) => `${entry.route} ${entry.path}`)).toEqual([
      'emailAddresses.updateStatus /crm/rest/v2/emailAddresses/b%40example.com/status',
      'contacts.patch /crm/rest/v2/contacts/9',
    ]);
    expect(keapState(w, [3, 5, 7])).toEqual({
      3: [{ field: 'EMAIL1', email: 'c@example.com', status: 'FEEDBACK' }],
      5: [{ field: 'EMAIL1', email: 'e@example.com', status: 'SPAM' }],
      7: [{ field: 'EMAIL1', email: 'g@example.com', status: 'LIST_UNSUBSCRIBE' }],
    });
  });

  it('is refreshed on every run with reads only, and written only where Keap changed', () => {
    const w = world();
    w.call('syncNow');
    const writes = keapWrites(w).length;
    const quiet = runCountingCalls<Summary>(w, 'syncNow');
    expect(quiet.result.value?.outcome).toBe('completed');
    expect(keapWrites(w)).toHaveLength(writes);
    // One batched status read for the ten addresses, and no cell written.
    const reads = Object.entries(quiet.result.ledger.requests).filter(
      ([key]) => !key.endsWith('/token'),
    );
    expect(reads).toEqual([['GET api.infusionsoft.com/crm/rest/v2/emailAddresses', 1]]);
    expect(quiet.calls.filter((call) => call === 'Range.setValues')).toEqual([]);

    // The person re-subscribes through Keap's own flow; the next row's address bounces hard.
    w.sim.setEmailStatus(TENANT, 'c@example.com', 'DOUBLE_OPT_IN');
    w.sim.setEmailStatus(TENANT, 'd@example.com', 'HARD_BOUNCE');
    const next = runCountingCalls<Summary>(w, 'syncNow');
    expect(keapWrites(w)).toHaveLength(writes);
    expect(next.calls.filter((call) => call === 'Range.setValues')).toHaveLength(1);
    expect(next.calls.filter((call) => call === 'Range.setValues')).toHaveLength(1);
    // An email cleared from a row leaves no stale status beside it.
    w.sheet().setCell(2, 2, '');
    w.call('syncNow');
    expect(w.column('Keap Email Status')[0]).toBe('');
    w.sheet().setCell(2, 2, 'a@example.com');
    w.call('syncNow');
    expect(w.column('Keap Email Status').slice(0, 4)).toEqual([
      'Subscribed',
      expect.stringMatching(/^Opted out by this add-on on \d{4}-\d{2}-\d{2}$/),
      'Subscribed (confirmed by the person)',
      'Bounced (the address does not exist)',
    ]);
  });

  it('lists in the preview the rows Keap shows opted out whose box is not ticked', () => {
    const w = world();
    const preview = w.call<{ optedOutInKeap: unknown[]; message: string }>('previewSync');
    expect(preview.optedOutInKeap).toEqual([
      {
        row: 4,
        email: 'c@example.com',
        keapStatus: 'Unsubscribed by the person (from a Keap email)',
      },
      { row: 6, email: 'e@example.com', keapStatus: 'Marked as spam' },
      {
        row: 8,
        email: 'g@example.com',
        keapStatus: "Unsubscribed by the person (with their mail app's unsubscribe button)",
      },
    ]);
    expect(preview.message).toContain(
      '3 rows are opted out in Keap but not ticked in Opt Out (the add-on never opts anyone back in).',
    );
    expect(keapWrites(w)).toEqual([]);
  });

  it('is not added to a sheet synced before it existed, until it is turned on in the settings', () => {
    const w = world(null, [...HEADERS, 'Sync Status']);
    w.call('syncNow');
    expect(headerRow(w)).not.toContain('Keap Email Status');
    const settings = {
      sheetName: '',
      headers: {
        contactId: 'Contact ID',
        email: 'Email',
        optOut: 'Opt Out',
        optOutReason: 'Opt Out Reason',
      },
      keapEmailStatus: true,
    };
    expect(w.call('saveSettings', [settings])).toEqual({ ok: true, errors: [] });
    w.call('syncNow');
    expect(headerRow(w)).toContain('Keap Email Status');
    expect(w.column('Keap Email Status')[0]).toBe('Subscribed');
  });

  it("shows in the sidebar's settings the choice the runs take: off on a sheet synced before it existed", () => {
    const keapEmailStatusShown = (w: World): unknown =>
      w.call<{ sync: { settings: { keapEmailStatus?: boolean } } }>('getSidebarState').sync.settings
        .keapEmailStatus;
    // Never chosen: off for an older sheet (Sync Status, no Keap Email Status column).
    const older = world(null, [...HEADERS, 'Sync Status']);
    expect(keapEmailStatusShown(older)).toBe(false);
    older.call('syncNow');
    expect(headerRow(older)).not.toContain('Keap Email Status');
    expect(keapEmailStatusShown(older)).toBe(false);
    // Never chosen: on for a new sheet, and for one that has the column.
    expect(keapEmailStatusShown(world(null))).toBe(true);
    expect(
      keapEmailStatusShown(world(null, [...HEADERS, 'Sync Status', 'Keap Email Status'])),
    ).toBe(true);
    // Chosen: as saved.
    expect(keapEmailStatusShown(world(false))).toBe(false);
    expect(keapEmailStatusShown(world(true, [...HEADERS, 'Sync Status']))).toBe(true);
  });

  it('stays off when turned off: no column and no status read', () => {
    const w = world(false);
    w.call('syncNow');
    expect(headerRow(w)).not.toContain('Keap Email Status');
    const quiet = runCountingCalls<Summary>(w, 'syncNow');
    expect(quiet.result.ledger.requestCount).toBe(0);
  });
});
