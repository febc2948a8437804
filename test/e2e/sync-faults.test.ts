/**
 * Keap misbehaving during a sync (faults injected by the simulator): server errors, a
 * throttling storm, dropped connections, slow answers. Whatever happens, once the run(s)
 * are over Keap holds exactly what the sheet asks for and every row says so.
 */
import type { ExecutionResult } from '../gas-runtime';
import { DAY, HOUR } from './world';
import {
  columnOf,
  connectedWorld,
  keapState,
  pendingFollowUps,
  runFollowUps,
  SAMPLE_IDS,
  SAMPLE_KEAP_AFTER_SYNC,
  SAMPLE_STATUSES,
  sampleWorld,
  type Summary,
} from './support/sync';
import type { World } from './world';

/** The add-on's bound on retries of one request after a 5xx or a network failure (4 + the first try). */
const MAX_SERVER_ATTEMPTS = 5;

function expectSampleSynced(world: World): void {
  expect(keapState(world, SAMPLE_IDS)).toEqual(SAMPLE_KEAP_AFTER_SYNC);
  expect(columnOf(world, 'Sync Status')).toEqual(SAMPLE_STATUSES);
  expect(world.sim.specViolations).toEqual([]);
}

function faultLabels(world: World): string[] {
  return world.sim.log.filter((e) => e.fault).map((e) => `${e.fault} ${e.route}`);
}

describe('faults that the retries absorb within one run', () => {
  it('a burst of 503 answers to the contact updates', () => {
    const world = sampleWorld();
    world.sim.inject({ kind: 'status', status: 503, route: 'contacts.patch', times: 3 });
    const summary = world.call<Summary>('syncNow');
    expect(summary.outcome).toBe('completed');
    expect(faultLabels(world)).toEqual(Array(3).fill('fault:status contacts.patch'));
    // Five contacts to update: every failed PATCH was sent again, none more than once after success.
    expect(world.sim.log.filter((e) => e.route === 'contacts.patch')).toHaveLength(5 + 3);
    expectSampleSynced(world);
  });

  it('a storm of 429 answers on reads and writes: the sync backs off and finishes', () => {
    const world = sampleWorld();
    world.sim.inject({ kind: 'throttle', route: 'contacts.list', times: 3 });
    world.sim.inject({ kind: 'throttle', route: 'emailAddresses.list', times: 2 });
    world.sim.inject({ kind: 'throttle', route: 'contacts.patch', times: 4 });
    world.sim.inject({ kind: 'throttle', route: 'emailAddresses.updateStatus', times: 3 });
    const result = world.run<Summary>('syncNow');
    expect(result.value?.outcome).toBe('completed');
    expect(faultLabels(world)).toHaveLength(12);
    expect(result.ledger.sleepMs).toBeGreaterThanOrEqual(2_000);
    expectSampleSynced(world);
  });

  it('dropped connections on the reads and on the opt-outs', () => {
    const world = sampleWorld();
    world.sim.inject({
      kind: 'network',
      route: ['contacts.list', 'emailAddresses.updateStatus'],
      times: 3,
    });
    expect(world.call<Summary>('syncNow').outcome).toBe('completed');
    expect(faultLabels(world)).toHaveLength(3);
    expectSampleSynced(world);
  });
});

describe('faults that outlast the retries', () => {
  it('one contact whose updates keep failing is marked "Will retry" and synced by the next run', () => {
    const world = sampleWorld();
    world.sim.inject({
      kind: 'status',
      status: 502,
      route: 'contacts.patch',
      when: ({ request }) => request.url.includes('/contacts/113?'),
    });
    const first = world.call<Summary>('syncNow');
    expect(first.outcome).toBe('completed');
    expect(world.sim.log.filter((e) => e.path.endsWith('/contacts/113'))).toHaveLength(
      MAX_SERVER_ATTEMPTS,
    );
    const statuses = columnOf(world, 'Sync Status');
    expect(statuses[17]).toBe('Will retry: Keap was busy');
    expect(statuses[18]).toBe('Will retry: Keap was busy');
    expect(world.emailsOf(113)).toEqual({ EMAIL1: 'noah.old@example.com' });
    // Every other row already has its final status.
    const others = (list: unknown[]) => list.filter((_, i) => i !== 17 && i !== 18);
    expect(others(statuses)).toEqual(others(SAMPLE_STATUSES));

    world.sim.clearFaults();
    world.clock.advance(DAY);
    const logged = world.sim.log.length;
    const second = world.call<Summary>('syncNow');
    expect(second).toMatchObject({ outcome: 'completed', emailsUpdated: 1 });
    expect(
      world.sim.log.slice(logged).filter((e) => e.method !== 'GET' && e.route !== 'token'),
    ).toEqual([expect.objectContaining({ path: '/crm/rest/v2/contacts/113' })]);
    expectSampleSynced(world);
  });

  it('Keap down for reads: the run fails in plain words, the rows say why, Keap unchanged, and the next run completes', () => {
    const world = sampleWorld();
    world.sim.inject({ kind: 'status', status: 503, route: 'contacts.list' });
    const failed = world.call<Summary>('syncNow');
    expect(failed.outcome).toBe('failed');
    expect(failed.message).toMatch(
      /^Keap kept answering with a server error \(HTTP 5\d\d\) after every retry\. Rows not yet synced are tried again on the next run\.$/,
    );
    expect(world.sim.log.filter((e) => e.route === 'contacts.list')).toHaveLength(
      MAX_SERVER_ATTEMPTS,
    );
    expect(world.sim.log.filter((e) => e.method !== 'GET' && e.route !== 'token')).toEqual([]);
    // Rows with errors of their own already say so; the rows waiting for Keap say why they
    // were not synced, in the run's words (no empty status), and keep no record (row 16 too:
    // without a Contact ID, its address is searched in Keap). Blank rows stay blank.
    const sheetOnlyErrors = [12, 13, 14, 15, 21];
    const statuses = columnOf(world, 'Sync Status');
    const waiting = `Will retry: ${failed.message.replace(/ Rows not yet synced .*$/, '')}`;
    SAMPLE_STATUSES.forEach((expected, i) => {
      const row = i + 2;
      const status = sheetOnlyErrors.includes(row) || expected === '' ? expected : waiting;
      expect({ row, status: statuses[i] }).toEqual({ row, status });
    });

    world.sim.clearFaults();
    world.clock.advance(HOUR);
    expect(world.call<Summary>('syncNow').outcome).toBe('completed');
    expectSampleSynced(world);
  });
});

describe('slow answers', () => {
  const ROWS = 600;
  const SLOW_MS = 30_000;

  it('every update takes 30 s: each execution stops in time and follow-ups finish the sheet exactly once', () => {
    const rows = Array.from({ length: ROWS }, (_, i) => [1000 + i, `new${i}@example.com`]);
    const world = connectedWorld([['Contact ID', 'Email'], ...rows]);
    rows.forEach(([id], i) =>
      world.addContact(id as number, `old${i}@example.com`, `keep${i}@example.com`),
    );
    world.sim.inject({ kind: 'slow', delayMs: SLOW_MS, route: 'contacts.patch' });

    const first = world.run<Summary>('syncNow');
    expect(first.value?.outcome).toBe('continuing');
    const followUps = runFollowUps(world);
    const executions: ExecutionResult<Summary>[] = [first, ...followUps];

    expect(followUps.length).toBeGreaterThanOrEqual(1);
    for (const execution of executions) {
      expect(execution.killed).toBe(false);
      expect(execution.endedAt - execution.startedAt).toBeLessThan(6 * 60_000);
    }
    expect(followUps[followUps.length - 1].value?.outcome).toBe('completed');
    expect(pendingFollowUps(world)).toEqual([]);
    // No daily sync was enabled: finishing the run leaves no trigger at all.
    expect(world.rt.triggers()).toEqual([]);

    const patches = new Map<string, number>();
    for (const e of world.sim.log.filter((entry) => entry.route === 'contacts.patch')) {
      patches.set(e.path, (patches.get(e.path) ?? 0) + 1);
    }
    expect(patches.size).toBe(ROWS);
    expect([...patches.values()].every((n) => n === 1)).toBe(true);
    rows.forEach(([id], i) => {
      expect(world.emailsOf(id as number)).toEqual({
        EMAIL1: `new${i}@example.com`,
        EMAIL2: `keep${i}@example.com`,
      });
    });
    expect(columnOf(world, 'Sync Status')).toEqual(
      rows.map((_, i) => `Updated: email changed to new${i}@example.com`),
    );
    expect(world.sheet('Keap Sync Log').values()).toHaveLength(2);
  });
});
