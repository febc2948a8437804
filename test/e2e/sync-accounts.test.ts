/**
 * The sync record knows which Keap account it describes (#15 item 3): a sheet synced with a
 * sandbox account is synced again, in full, for the production account connected after it;
 * two editors on different Keap accounts do not skip each other's rows; statuses name the
 * account once more than one has synced the sheet. The built bundle against the simulator.
 */
import { EDITOR, OWNER, TENANT, World } from './world';

const HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
const SANDBOX = 'sbx42';
const OTHER = 'ed456';

interface Summary {
  outcome: string;
  emailsUpdated: number;
  optedOut: number;
}

function keapWrites(world: World, since = 0): { tenant?: string; route: string }[] {
  return world.sim.log
    .slice(since)
    .filter((e) => e.route === 'contacts.patch' || e.route === 'emailAddresses.updateStatus')
    .map((e) => ({ tenant: e.tenant, route: e.route }));
}

function emailsIn(world: World, tenant: string, id: number): string[] {
  return world.sim.contact(tenant, id)?.emails.map((e) => e.email) ?? [];
}

function optedOutIn(world: World, tenant: string, email: string): boolean {
  const status = world.sim.emailStatus(tenant, email)?.status;
  return (
    status !== undefined &&
    !['UNENGAGED_MARKETABLE', 'SINGLE_OPT_IN', 'DOUBLE_OPT_IN', 'CONFIRMED'].includes(status)
  );
}

function twoAccountWorld(): World {
  const world = new World({
    headers: HEADERS,
    rows: [
      [1, 'ann@example.com', 'TRUE', 'Asked by phone'],
      [2, 'bob@example.com', '', ''],
    ],
  });
  world.sim.addTenant(SANDBOX);
  for (const tenant of [SANDBOX, TENANT]) {
    world.sim.addContact(tenant, { id: 1, email1: 'ann.old@example.com' });
    world.sim.addContact(tenant, { id: 2, email1: 'bob.old@example.com' });
  }
  return world;
}

describe('switching from a sandbox Keap account to production', () => {
  it('sends production every change the sandbox got, and says which account each status is about', () => {
    const world = twoAccountWorld();
    world.connect(OWNER, { tenant: SANDBOX });
    expect(world.call<Summary>('syncNow')).toMatchObject({
      outcome: 'completed',
      emailsUpdated: 2,
      optedOut: 1,
    });
    expect(world.column('Sync Status')).toEqual([
      'Updated: email changed to ann@example.com; opted out',
      'Updated: email changed to bob@example.com',
    ]);
    expect(emailsIn(world, SANDBOX, 1)).toEqual(['ann@example.com']);

    world.call('disconnect');
    world.connect(OWNER, { tenant: TENANT });
    const since = world.sim.log.length;
    expect(world.call<Summary>('syncNow')).toMatchObject({
      outcome: 'completed',
      emailsUpdated: 2,
      optedOut: 1,
    });
    expect(keapWrites(world, since).every((w) => w.tenant === TENANT)).toBe(true);
    expect(keapWrites(world, since)).toHaveLength(3);
    expect(emailsIn(world, TENANT, 1)).toEqual(['ann@example.com']);
    expect(emailsIn(world, TENANT, 2)).toEqual(['bob@example.com']);
    expect(optedOutIn(world, TENANT, 'ann@example.com')).toBe(true);
    expect(world.column('Sync Status')).toEqual([
      'Updated: email changed to ann@example.com; opted out (Keap account xy123)',
      'Updated: email changed to bob@example.com (Keap account xy123)',
    ]);

    // Production's records now: the next run has nothing to send to either account.
    const after = world.sim.log.length;
    world.call('syncNow');
    expect(keapWrites(world, after)).toEqual([]);
    expect(world.sim.log.slice(after).filter((e) => e.route === 'contacts.list')).toEqual([]);
  });

  it('a preview after the switch lists the changes production still needs', () => {
    const world = twoAccountWorld();
    world.connect(OWNER, { tenant: SANDBOX });
    world.call('syncNow');
    world.call('disconnect');
    world.connect(OWNER, { tenant: TENANT });
    const preview = world.call<{ changes: { row: number }[]; unchanged: number }>('previewSync');
    expect(preview.changes.map((c) => c.row)).toEqual([2, 3]);
    expect(preview.unchanged).toBe(0);
  });
});

describe('two editors connected to different Keap accounts', () => {
  it('one account\'s "not found" does not make the other account\'s run skip the row', () => {
    const world = new World({ headers: HEADERS, rows: [[404, 'new@example.com', '', '']] });
    world.sim.addTenant(OTHER);
    world.sim.addContact(OTHER, { id: 404, email1: 'old@example.com' });
    world.connect(OWNER);
    world.connect(EDITOR, { tenant: OTHER });

    world.call('syncNow', [], OWNER);
    expect(String(world.column('Sync Status')[0])).toMatch(
      /^Error: Contact 404 was not found in Keap\./,
    );

    const since = world.sim.log.length;
    expect(world.call<Summary>('syncNow', [], EDITOR)).toMatchObject({
      outcome: 'completed',
      emailsUpdated: 1,
    });
    expect(keapWrites(world, since)).toEqual([{ tenant: OTHER, route: 'contacts.patch' }]);
    expect(emailsIn(world, OTHER, 404)).toEqual(['new@example.com']);
    expect(world.column('Sync Status')).toEqual([
      'Updated: email changed to new@example.com (Keap account ed456)',
    ]);
  });
});

describe('an API key reaching another account', () => {
  it('is taken as another account: its run compares every row with the account it reaches', () => {
    const world = twoAccountWorld();
    world.connect(OWNER, { tenant: TENANT });
    world.call('syncNow');
    const key = world.sim.createApiKey(SANDBOX, 'PAT');
    world.call('saveApiKey', [key]);
    const since = world.sim.log.length;
    expect(world.call<Summary>('syncNow')).toMatchObject({
      outcome: 'completed',
      emailsUpdated: 2,
    });
    expect(keapWrites(world, since).every((w) => w.tenant === SANDBOX)).toBe(true);
    expect(emailsIn(world, SANDBOX, 2)).toEqual(['bob@example.com']);
    expect(world.column('Sync Status')[1]).toBe(
      'Updated: email changed to bob@example.com (Keap account API key)',
    );
  });
});
