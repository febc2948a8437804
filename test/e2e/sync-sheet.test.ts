/**
 * The spreadsheet side of the sync: which tab, which columns, values from formulas, and
 * people editing, sorting and inserting rows while a sync runs.
 */
import { OWNER } from './world';
import { triedAgain, withAnyDay } from './support/nextTry';
import {
  columnOf,
  connectedWorld,
  headerRow,
  SAMPLE_STATUSES,
  sampleWorld,
  type Summary,
} from './support/sync';

describe('rows moved while the sync talks to Keap', () => {
  it('every status lands on its own row after inserts and a sort; an edited row waits for the next run', () => {
    const world = sampleWorld();
    const emailColumn = 2;
    let moved = false;
    const result = world.rt.run<Summary>('syncNow', [], {
      user: OWNER,
      spreadsheetId: world.spreadsheetId,
      onServiceCall: ({ service }) => {
        if (moved || service !== 'UrlFetchApp') return;
        moved = true;
        const sheet = world.sheet();
        sheet.setCell(3, emailColumn, 'bob.edited@example.com'); // Bob, row 3
        sheet.insertRowsBefore(2, 2);
        sheet.setValues(2, 1, [['Zoe', 'zoe@example.com', 'Added during the sync', 116]]);
        sheet.sortBy(1, { ascending: false });
      },
    });
    expect(result.value?.outcome).toBe('completed');

    const [header, ...rows] = world.sheet().values();
    const status = header.indexOf('Sync Status');
    expect(rows.slice(0, 3).map((cells) => cells[0])).toEqual(['Zoe', 'Unknown', 'Quinn']);
    const seen = rows.map((cells) => ({
      name: cells[0],
      email: cells[1],
      status: withAnyDay(cells[status]),
    }));
    expect(seen.find((r) => r.name === 'Zoe')?.status).toBe('');
    expect(seen.find((r) => r.name === 'Bob')?.status).toBe('');
    const byName = (name: string) => seen.filter((r) => r.name === name).map((r) => r.status);
    expect(byName('Ann')).toEqual(['Updated: email changed to ann.lee@example.com']);
    expect(byName('Carol')).toEqual(['Updated: email changed to carol.new@example.com; opted out']);
    expect(byName('Dan')).toEqual(['Updated: opted out']);
    expect(byName('Unknown')).toEqual([triedAgain('Error: Contact 999999 was not found in Keap')]);
    expect(byName('Noah')).toEqual(Array(2).fill('Updated: email changed to noah@example.com'));
    // Row numbers in a message are those of the read, before the sort.
    expect(byName('Heidi')).toEqual([
      expect.stringMatching(/^Error: Contact ID 108 is also on row 1[23] with different values$/),
      expect.stringMatching(/^Error: Contact ID 108 is also on row 1[23] with different values$/),
    ]);
    expect(byName('Judy')).toEqual([SAMPLE_STATUSES[13]]);
    expect(seen.filter((r) => r.name === '' && r.email === '').every((r) => r.status === '')).toBe(
      true,
    );

    // The next run syncs the two rows that had no status, and only them.
    const logged = world.sim.log.length;
    const next = world.call<Summary>('syncNow');
    expect(next).toMatchObject({ outcome: 'completed', emailsUpdated: 2 });
    const after = world.sheet().values().slice(1);
    const statusOf = (name: string) => after.find((cells) => cells[0] === name)?.[status];
    expect(statusOf('Bob')).toBe('Updated: email changed to bob.edited@example.com');
    expect(statusOf('Zoe')).toBe('Updated: email changed to zoe@example.com');
    expect(
      world.sim.log
        .slice(logged)
        .filter((e) => e.route === 'contacts.patch')
        .map((e) => e.path)
        .sort(),
    ).toEqual(['/crm/rest/v2/contacts/102', '/crm/rest/v2/contacts/116']);
  });
});

describe('which tab and which columns', () => {
  it("without a 'Contacts' tab, syncs the first tab and leaves the others alone", () => {
    const world = connectedWorld([
      ['Notes', 'contact id', 'EMAIL'],
      ['', 7, 'seven@example.com'],
    ]);
    world.addContact(7, 'old7@example.com');
    world.sheet().rename('People');
    const other = [
      ['Contact ID', 'Email'],
      [7, 'not-this-one@example.com'],
    ];
    world.rt.addSheet(world.spreadsheetId, 'Archive', other);
    expect(world.call<Summary>('syncNow').outcome).toBe('completed');
    expect(world.emailsOf(7)).toEqual({ EMAIL1: 'seven@example.com' });
    expect(world.sheet('People').values()[0]).toEqual([
      'Notes',
      'contact id',
      'EMAIL',
      'Sync Status',
      'Last Synced',
      'Keap Sync Record',
    ]);
    expect(world.sheet('Archive').values()).toEqual(other);
  });

  it('uses the tab and header names saved in the settings', () => {
    const world = connectedWorld([['Contact ID', 'Email']]);
    world.rt.addSheet(world.spreadsheetId, 'Leads', [
      ['Why', 'Keap #', 'Unsubscribe?', 'Mail'],
      ['moved away', 8, 'yes', ''],
      ['', 9, '', 'nine@example.com'],
    ]);
    world.addContact(8, 'eight@example.com');
    world.addContact(9, 'old9@example.com');
    const saved = world.call('saveSettings', [
      {
        sheetName: 'Leads',
        headers: { contactId: 'Keap #', email: 'Mail', optOut: 'Unsubscribe', optOutReason: 'why' },
      },
    ]);
    expect(saved).toEqual({ ok: true, errors: [] });
    expect(world.call<Summary>('syncNow')).toMatchObject({ outcome: 'completed', optedOut: 1 });
    expect(columnOf(world, 'Sync Status', 'Leads')).toEqual([
      'Updated: opted out',
      'Updated: email changed to nine@example.com',
    ]);
    expect(world.sim.emailStatus('xy123', 'eight@example.com')).toMatchObject({
      status: 'MANUAL',
      optOutReason: 'moved away',
    });
    expect(world.sheet('Contacts').values()).toEqual([['Contact ID', 'Email']]);
  });

  it('adds the status columns even when the grid has no free column left', () => {
    const extra = Array.from({ length: 24 }, (_, i) => `Extra ${i + 1}`);
    const world = connectedWorld([
      ['Contact ID', 'Email', ...extra],
      [5, 'five@example.com', ...extra.map((_, i) => i)],
    ]);
    world.addContact(5, 'old5@example.com');
    expect(world.sheet().maxColumns()).toBe(26);
    expect(world.call<Summary>('syncNow').outcome).toBe('completed');
    expect(headerRow(world).slice(26)).toEqual(['Sync Status', 'Last Synced', 'Keap Sync Record']);
    expect(columnOf(world, 'Sync Status')).toEqual(['Updated: email changed to five@example.com']);
    expect(world.sheet().values()[1].slice(0, 26)).toEqual([
      5,
      'five@example.com',
      ...extra.map((_, i) => i),
    ]);
  });

  it('names a missing column in plain words and changes nothing', () => {
    // An Opt Out column with neither a Contact ID nor an Email column (a tab with an Email
    // column and no Contact ID column is synced by email: sync-by-email.test.ts).
    const world = connectedWorld([
      ['Name', 'Opt Out'],
      ['Ann', 'yes'],
    ]);
    const summary = world.call<Summary>('syncNow');
    expect(summary.outcome).toBe('failed');
    expect(summary.message).toBe(
      "Row 1 of the 'Contacts' tab has neither a 'Contact ID' nor an 'Email' column, so no row " +
        "says whom to opt out. Add one of them (without a 'Contact ID' column, rows are matched by email).",
    );
    expect(world.sheet().values()).toEqual([
      ['Name', 'Opt Out'],
      ['Ann', 'yes'],
    ]);
    expect(world.sim.log.filter((e) => e.route !== 'token')).toEqual([]);
  });
});

describe('values from formulas', () => {
  it("syncs a formula's result and reports a formula error on its row", () => {
    const world = connectedWorld([
      ['Contact ID', 'Email'],
      [1, ''],
      [2, ''],
    ]);
    world.addContact(1, 'one@example.com');
    world.addContact(2, 'two@example.com');
    world.sheet().setFormula(2, 2, '=LOWER("ONE.NEW@EXAMPLE.COM")', 'one.new@example.com');
    world.sheet().setError(3, 2, '#N/A');
    expect(world.call<Summary>('syncNow').outcome).toBe('completed');
    expect(columnOf(world, 'Sync Status')).toEqual([
      'Updated: email changed to one.new@example.com',
      'Error: The Email cell shows a formula error (#N/A)',
    ]);
    expect(world.sheet().formulas()[1][1]).toBe('=LOWER("ONE.NEW@EXAMPLE.COM")');
    expect(world.emailsOf(2)).toEqual({ EMAIL1: 'two@example.com' });
    expect(headerRow(world)).toEqual([
      'Contact ID',
      'Email',
      'Sync Status',
      'Last Synced',
      'Keap Sync Record',
    ]);
  });
});
