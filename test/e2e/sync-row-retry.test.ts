/**
 * Rows Keap refused are tried again without an edit (#15 item 7): a contact Keap did not know,
 * or an email Keap would not take, is asked again after 1, 2, 4 and 7 days, then weekly,
 * and the row's status says which day. The built bundle, the daily trigger, the virtual clock.
 */
import { worked } from './support/hourly';
import { columnOf } from './support/sync';
import { DAY, HOUR, World } from './world';

const HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];

/** The Sync Status of row 2, as the sheet shows it (days and all). */
function statusOfUnknown(world: World): unknown {
  return world.column('Sync Status')[0];
}

/** Days (UTC, as Jan-07) on which the add-on read contacts from Keap. */
function daysKeapWasAsked(world: World): string[] {
  return world.sim.log
    .filter((e) => e.route === 'contacts.list')
    .map((e) => new Date(e.at).toISOString().slice(5, 10));
}

/** Contact 404 is unknown to Keap; contact 1 syncs on the first day and then needs nothing. */
function worldWithUnknownContact(): World {
  const world = new World({
    headers: HEADERS,
    rows: [
      [404, 'new@example.com', '', ''],
      [1, 'ann@example.com', '', ''],
    ],
  });
  world.addContact(1, 'ann.old@example.com');
  world.connect();
  // The world starts on Mon 6 Jan 2025, 08:00 UTC; the daily sync runs at 06:00 UTC.
  world.call('enableDailySync', [6]);
  return world;
}

const notFound = (day: string) =>
  `Error: Contact 404 was not found in Keap. Trying again on ${day}, or when the row is edited`;

describe('a row whose contact Keap does not know', () => {
  it('is asked again after 1, 2, 4 and 7 days, then weekly, and its status names the day each time', () => {
    const world = worldWithUnknownContact();
    const statuses: Record<string, unknown> = {};
    for (let day = 0; day < 30; day++) {
      const fired = worked(world.rt.advanceBy(DAY));
      expect(fired.every((e) => e.error === undefined)).toBe(true);
      statuses[new Date(world.clock.now()).toISOString().slice(5, 10)] = statusOfUnknown(world);
    }
    // 7 Jan: both rows; then only the unknown contact, on its days.
    expect(daysKeapWasAsked(world)).toEqual([
      '01-07',
      '01-08',
      '01-10',
      '01-14',
      '01-21',
      '01-28',
      '02-04',
    ]);
    expect(statuses['01-07']).toBe(notFound('Wed, Jan 8'));
    expect(statuses['01-08']).toBe(notFound('Fri, Jan 10'));
    expect(statuses['01-09']).toBe(notFound('Fri, Jan 10'));
    expect(statuses['01-10']).toBe(notFound('Tue, Jan 14'));
    expect(statuses['01-14']).toBe(notFound('Tue, Jan 21'));
    expect(statuses['01-21']).toBe(notFound('Tue, Jan 28'));
    expect(statuses['01-28']).toBe(notFound('Tue, Feb 4'));
    expect(statuses['02-04']).toBe(notFound('Tue, Feb 11'));
    // The other row was synced once and never sent again.
    expect(world.emailsOf(1)).toEqual({ EMAIL1: 'ann@example.com' });
    expect(world.sim.log.filter((e) => e.route === 'contacts.patch')).toHaveLength(1);
  });

  it('is synced on its next try once the contact exists in Keap, with no edit of the sheet', () => {
    const world = worldWithUnknownContact();
    worked(world.rt.advanceBy(DAY)); // 7 Jan: not found
    worked(world.rt.advanceBy(DAY)); // 8 Jan: not found, next try Fri 10 Jan
    world.addContact(404, 'someone.old@example.com');
    worked(world.rt.advanceBy(DAY)); // 9 Jan: not due
    expect(world.sim.contact('xy123', 404)?.emails.map((e) => e.email)).toEqual([
      'someone.old@example.com',
    ]);
    expect(statusOfUnknown(world)).toBe(notFound('Fri, Jan 10'));
    worked(world.rt.advanceBy(DAY)); // 10 Jan: tried, found, changed
    expect(world.emailsOf(404)).toEqual({ EMAIL1: 'new@example.com' });
    expect(statusOfUnknown(world)).toBe('Updated: email changed to new@example.com');
    expect(world.column('Last Synced')[0]).toBeInstanceOf(Date);
    // Synced now: the next days send nothing more.
    const patches = world.sim.log.filter((e) => e.route === 'contacts.patch').length;
    world.rt.advanceBy(5 * DAY);
    expect(world.sim.log.filter((e) => e.route === 'contacts.patch')).toHaveLength(patches);
  });

  it('is tried at once when the row is edited, and its count of tries starts again', () => {
    const world = worldWithUnknownContact();
    worked(world.rt.advanceBy(DAY)); // 7 Jan
    worked(world.rt.advanceBy(DAY)); // 8 Jan, next try Fri 10 Jan
    world.clock.advance(2 * HOUR);
    world.sheet().setCell(2, 1, 405);
    world.addContact(405, 'other.old@example.com');
    world.call('syncNow');
    expect(world.emailsOf(405)).toEqual({ EMAIL1: 'new@example.com' });
    expect(columnOf(world, 'Sync Status')[0]).toBe('Updated: email changed to new@example.com');
    world.sheet().setCell(2, 1, 404);
    world.call('syncNow');
    // A new row value: the first failure of these values, so the next try is a day later.
    expect(statusOfUnknown(world)).toBe(notFound('Thu, Jan 9'));
  });

  it('a person running Sync now before the day does not spend a request on it', () => {
    const world = worldWithUnknownContact();
    worked(world.rt.advanceBy(DAY)); // 7 Jan 06:00, next try Wed 8 Jan
    const asked = daysKeapWasAsked(world).length;
    world.clock.advance(3 * HOUR);
    expect(world.call<{ outcome: string }>('syncNow').outcome).toBe('completed');
    expect(daysKeapWasAsked(world)).toHaveLength(asked);
    expect(statusOfUnknown(world)).toBe(notFound('Wed, Jan 8'));
    // The preview says when the row is tried again.
    const preview = world.call<{ errors: { row: number; error: string }[] }>('previewSync');
    expect(preview.errors).toEqual([
      expect.objectContaining({
        row: 2,
        error:
          'The last sync of this row failed (see its Sync Status); it is tried again on Wed, Jan 8, or when the row is edited',
      }),
    ]);
  });
});

describe('an email Keap refuses', () => {
  it('is tried again the next day, and not sent twice in one day', () => {
    const world = new World({ headers: HEADERS, rows: [[7, 'bad@example.com', '', '']] });
    world.addContact(7, 'seven@example.com');
    world.connect();
    world.call('enableDailySync', [6]);
    world.sim.inject({ kind: 'status', status: 400, route: 'contacts.patch', times: 1 });
    worked(world.rt.advanceBy(DAY)); // 7 Jan: refused
    expect(String(statusOfUnknown(world))).toMatch(
      /^Error: Keap refused the email change: .*\. Trying again on Wed, Jan 8, or when the row is edited$/,
    );
    expect(world.emailsOf(7)).toEqual({ EMAIL1: 'seven@example.com' });
    worked(world.rt.advanceBy(DAY)); // 8 Jan: accepted
    expect(world.emailsOf(7)).toEqual({ EMAIL1: 'bad@example.com' });
    expect(statusOfUnknown(world)).toBe('Updated: email changed to bad@example.com');
    expect(world.sim.log.filter((e) => e.route === 'contacts.patch')).toHaveLength(2);
  });
});
