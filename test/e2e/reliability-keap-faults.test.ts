/**
 * Keap failing under the sync: 5xx bursts, 429 storms and requests that get no answer at
 * all. Short faults are ridden out with backoff; longer ones leave their rows "Will retry"
 * with Keap unchanged for them, and the next run finishes the job. No row ever claims a
 * change Keap does not have.
 */
import type { Fault } from '../keap-sim';
import {
  requestsTo,
  repeatedWrites,
  scenarioProblems,
  scenarioWorld,
  isOptOutOf,
  sentOptOuts,
  sentPatches,
  sheetRows,
  standardScenario,
  summaryOf,
  syncNow,
  type Scenario,
} from './support/reliability';
import { triedAgain } from './support/nextTry';
import type { World } from './world';

const SCENARIO = standardScenario();
const KEAP_BUSY = 'Will retry: Keap was busy';
const KEAP_UNREACHABLE = 'Will retry: Keap could not be reached';
const WRITES: Fault['route'] = ['contacts.patch', 'emailAddresses.updateStatus'];

function patchOf(contactId: number) {
  return (target: { request: { url: string } }) =>
    new RegExp(`/contacts/${contactId}\\?`).test(target.request.url);
}

/** Virtual ms between consecutive requests for one URL pattern and method. */
function gapsBetween(w: World, method: string, url: RegExp): number[] {
  const times = requestsTo(w, method, url).map((r) => r.at);
  return times.slice(1).map((t, i) => t - times[i]);
}

/** The scenario with Keap's answers to some rows not yet given: those rows untouched. */
function expectRowsUntouched(
  w: World,
  scenario: Scenario,
  contactIds: number[],
  status = KEAP_BUSY,
): void {
  for (const row of sheetRows(w)) {
    const id = Number(row.cells['Contact ID']);
    if (!contactIds.includes(id)) continue;
    expect(row.status).toBe(status);
    expect(row.lastSynced).toBe('');
    const before = scenario.contacts[id];
    expect(w.sim.contact('xy123', id)?.emails.map((e) => e.email)).toEqual(before);
  }
}

describe('Keap 5xx bursts', () => {
  it('three 503s in a row on one PATCH: retried with growing waits, the row ends Updated, Keap right', () => {
    const w = scenarioWorld(SCENARIO);
    w.sim.inject({
      kind: 'status',
      status: 503,
      route: 'contacts.patch',
      times: 3,
      when: patchOf(2),
    });
    const summary = summaryOf(syncNow(w));
    expect(summary.outcome).toBe('completed');
    expect(
      sentPatches(w)
        .filter((p) => p.contactId === 2)
        .map((p) => p.status),
    ).toEqual([503, 503, 503, 200]);
    const gaps = gapsBetween(w, 'PATCH', /\/contacts\/2\?/);
    expect(gaps[0]).toBeGreaterThanOrEqual(1000);
    expect(gaps[1]).toBeGreaterThan(gaps[0]);
    expect(gaps[2]).toBeGreaterThan(gaps[1]);
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });

  it('503s on one contact for longer than the retry budget: that row says Will retry and changed nothing; the next run fixes it', () => {
    const w = scenarioWorld(SCENARIO);
    w.sim.inject({ kind: 'status', status: 503, route: 'contacts.patch', when: patchOf(7) });
    const first = summaryOf(syncNow(w));
    expect(first.outcome).toBe('completed');
    expect(first.message).toMatch(/ 1 row will be retried \(Keap was busy\)\.$/);
    // Bounded: the first try and a few retries, then the row is left for the next run.
    const tries = sentPatches(w).filter((p) => p.contactId === 7);
    expect(tries.length).toBeGreaterThan(1);
    expect(tries.length).toBeLessThanOrEqual(6);
    expectRowsUntouched(w, SCENARIO, [7]);
    // The opt-out of gus.new@ is not sent while its email change failed.
    expect(sentOptOuts(w).map((o) => o.email)).not.toContain('gus.new@example.com');

    w.sim.clearFaults();
    const patchesBefore = sentPatches(w).length;
    const second = summaryOf(syncNow(w));
    expect(second.outcome).toBe('completed');
    // Only contact 7 is sent again; rows already synced are not.
    expect(
      sentPatches(w)
        .slice(patchesBefore)
        .map((p) => p.contactId),
    ).toEqual([7]);
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });

  it('three 503s on the contact read: retried, the run completes', () => {
    const w = scenarioWorld(SCENARIO);
    w.sim.inject({ kind: 'status', status: 503, route: 'contacts.list', times: 3 });
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });

  it('the contact read keeps failing: the run fails in plain words, the rows say why, Keap unchanged; the next run completes', () => {
    const w = scenarioWorld(SCENARIO);
    w.sim.inject({ kind: 'status', status: 502, route: 'contacts.list' });
    const failed = summaryOf(syncNow(w));
    expect(failed.outcome).toBe('failed');
    expect(failed.message).toBe(
      'Keap kept answering with a server error (HTTP 502) after every retry. Rows not yet synced are tried again on the next run.',
    );
    // Rows whose problem is in the sheet itself are reported; every row that needed Keap says
    // why it was not synced (no empty status), and is sent by the next run.
    const statuses = new Set(sheetRows(w).map((r) => r.status));
    expect([...statuses].sort()).toEqual([
      "Error: 'not-an-email' is not a valid email address",
      'Will retry: Keap kept answering with a server error (HTTP 502) after every retry.',
    ]);
    expect(sentPatches(w)).toEqual([]);
    expect(sentOptOuts(w)).toEqual([]);

    w.sim.clearFaults();
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });
});

describe('Keap 429 storms', () => {
  it('a storm of 15 throttled answers across both write waves: backoff rides it out, every row right', () => {
    const w = scenarioWorld(SCENARIO);
    w.sim.inject({ kind: 'throttle', route: WRITES, times: 15 });
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    const throttled = w.sim.log.filter((e) => e.fault === 'fault:throttle');
    expect(throttled).toHaveLength(15);
    // Keap recommends exponential backoff: a throttled PATCH waits at least 2 s, then longer.
    const gaps = gapsBetween(w, 'PATCH', /\/contacts\/1\?/);
    expect(gaps.length).toBeGreaterThanOrEqual(1);
    expect(gaps[0]).toBeGreaterThanOrEqual(2000);
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });

  it('Keap throttles every write until further notice: every row Will retry, none marked synced, Keap unchanged; the next run fixes all', () => {
    const w = scenarioWorld(SCENARIO);
    w.sim.inject({ kind: 'throttle', route: WRITES });
    const first = summaryOf(syncNow(w));
    expect(first.outcome).toBe('completed');
    expect(first.emailsUpdated).toBe(0);
    expect(first.optedOut).toBe(0);
    const changing = [1, 2, 3, 4, 5, 7, 8, 10];
    expectRowsUntouched(w, SCENARIO, changing);
    for (const id of changing) {
      // Bounded retries: the first try and at most five more.
      expect(sentPatches(w).filter((p) => p.contactId === id).length).toBeLessThanOrEqual(6);
    }
    // Rows that need no write are still answered.
    const byId = Object.fromEntries(
      sheetRows(w).map((r) => [String(r.cells['Contact ID']), r.status]),
    );
    expect(byId['6']).toBe('Up to date');
    expect(byId['404']).toBe(triedAgain('Error: Contact 404 was not found in Keap'));

    w.sim.clearFaults();
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });

  it('a storm on the opt-outs only: emails change, opt-outs wait for the next run, which sends only them', () => {
    const w = scenarioWorld(SCENARIO);
    w.sim.inject({ kind: 'throttle', route: 'emailAddresses.updateStatus' });
    summaryOf(syncNow(w));
    for (const row of sheetRows(w)) {
      if (row.cells['Opt Out'] !== 'yes') continue;
      expect(row.status).toBe(KEAP_BUSY);
      expect(row.lastSynced).toBe('');
    }
    w.sim.clearFaults();
    const patchesBefore = sentPatches(w).length;
    summaryOf(syncNow(w));
    expect(sentPatches(w).length).toBe(patchesBefore);
    expect(scenarioProblems(w, SCENARIO)).toEqual([]);
    const optOutRows = sheetRows(w).filter((r) => r.cells['Opt Out'] === 'yes');
    expect(optOutRows.map((r) => r.status)).toEqual(optOutRows.map(() => 'Updated: opted out'));
  });
});

describe('a request that gets no answer inside a fetchAll batch', () => {
  it('one PATCH of the batch fails at the network level: every row and Keap end right', () => {
    const w = scenarioWorld(SCENARIO);
    w.sim.inject({ kind: 'network', route: 'contacts.patch', times: 1, when: patchOf(4) });
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });

  it('the network keeps failing for one contact: its row Will retry, the others are right', () => {
    const w = scenarioWorld(SCENARIO);
    w.sim.inject({ kind: 'network', route: 'contacts.patch', when: patchOf(8) });
    summaryOf(syncNow(w));
    expectRowsUntouched(w, SCENARIO, [8], KEAP_UNREACHABLE);
    w.sim.clearFaults();
    summaryOf(syncNow(w));
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });

  it('one PATCH or opt-out of a batch fails at the network level: no other contact gets its change twice, no email two opt-outs', () => {
    const w = scenarioWorld(SCENARIO);
    w.sim.inject({ kind: 'network', route: 'contacts.patch', times: 1, when: patchOf(4) });
    w.sim.inject({
      kind: 'network',
      route: 'emailAddresses.updateStatus',
      times: 1,
      when: isOptOutOf('gus.new@example.com'),
    });
    summaryOf(syncNow(w));
    expect(repeatedWrites(w)).toEqual([]);
    // The two lost writes were checked against Keap and sent once more; nothing else was.
    expect(
      sentPatches(w)
        .filter((p) => p.contactId === 4)
        .map((p) => p.status),
    ).toEqual([0, 200]);
    expect(
      sentOptOuts(w)
        .filter((o) => o.email === 'gus.new@example.com')
        .map((o) => o.status),
    ).toEqual([0, 200]);
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });
});
