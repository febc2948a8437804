/**
 * Apps Script stops an execution at 6 minutes wherever it is. These tests stop the sync at
 * every point of its run (before a service call, and in the middle of a Keap request whose
 * change Keap already applied), then let the lease expire and run again: Keap must end
 * exactly as the sheet asks, no change may reach Keap twice, and every row must end with a
 * status that is true for that row.
 */
import type { Fault } from '../keap-sim';
import {
  PAST_LEASE_MS,
  idle,
  scenarioProblems,
  scenarioWorld,
  serviceCallsOf,
  standardScenario,
  summaryOf,
  syncNow,
} from './support/reliability';

const SCENARIO = standardScenario();

/** The Keap API routes a sync uses (not the token endpoint). */
const API_ROUTES: Fault['route'] = [
  'contacts.list',
  'emailAddresses.list',
  'contacts.patch',
  'emailAddresses.updateStatus',
];

describe('an execution killed at an arbitrary point', () => {
  const calls = serviceCallsOf((ctx) => syncNow(scenarioWorld(SCENARIO), ctx));

  it('an uninterrupted run of the scenario is right (the reference for the kill points)', () => {
    const w = scenarioWorld(SCENARIO);
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expect(scenarioProblems(w, SCENARIO, { strictStatuses: true })).toEqual([]);
  });

  it('killed before any service call k (every k of the run): after the lease expires the next run finishes the job', () => {
    // The run touches the sheet, the properties, locks, Keap reads and both write waves.
    expect(calls.length).toBeGreaterThan(50);
    expect(calls.filter((c) => c.endsWith('UrlFetchApp.fetchAll')).length).toBeGreaterThanOrEqual(
      4,
    );
    const failures: string[] = [];
    for (let k = 1; k <= calls.length; k += 1) {
      const w = scenarioWorld(SCENARIO);
      const killed = syncNow(w, { killAfterServiceCalls: k });
      expect(killed.killed).toBe(true);
      idle(w, PAST_LEASE_MS);
      const next = syncNow(w);
      if (next.value?.outcome !== 'completed') {
        failures.push(
          `kill at ${calls[k - 1]}: next run ${JSON.stringify(next.value ?? next.error)}`,
        );
        continue;
      }
      failures.push(...scenarioProblems(w, SCENARIO).map((p) => `kill at ${calls[k - 1]}: ${p}`));
    }
    expect(failures).toEqual([]);
  });

  it('a run started while the killed execution still holds its lease says busy and changes nothing', () => {
    const w = scenarioWorld(SCENARIO);
    const firstWrite = calls.findIndex((c) => c.endsWith('UrlFetchApp.fetchAll')) + 3;
    syncNow(w, { killAfterServiceCalls: firstWrite });
    const requestsBefore = w.rt.requests.length;
    const busy = summaryOf(syncNow(w));
    expect(busy.outcome).toBe('busy');
    expect(busy.message).toBe(
      'Another sync of this spreadsheet is already running. Try again in a few minutes.',
    );
    expect(w.rt.requests.length).toBe(requestsBefore);
    idle(w, PAST_LEASE_MS);
    expect(summaryOf(syncNow(w)).outcome).toBe('completed');
    expect(scenarioProblems(w, SCENARIO)).toEqual([]);
  });

  it('killed by the 6-minute limit in the middle of each Keap request (Keap applied it, the script never saw the answer): the next run finishes without sending any change twice', () => {
    const reference = scenarioWorld(SCENARIO);
    syncNow(reference);
    const apiRequests = reference.sim.log.filter((e) => e.route !== 'token').length;
    expect(apiRequests).toBeGreaterThanOrEqual(10);

    const failures: string[] = [];
    for (let j = 1; j <= apiRequests; j += 1) {
      const w = scenarioWorld(SCENARIO);
      let seen = 0;
      // The j-th API request of the run takes longer than the whole execution may last.
      w.sim.inject({
        kind: 'slow',
        delayMs: 7 * 60_000,
        route: API_ROUTES,
        times: 1,
        when: () => (seen += 1) === j,
      });
      const killed = syncNow(w);
      expect(killed.killed).toBe(true);
      expect(killed.error?.message).toBe('Exceeded maximum execution time');
      idle(w, PAST_LEASE_MS);
      const next = syncNow(w);
      if (next.value?.outcome !== 'completed') {
        failures.push(`request ${j}: next run ${JSON.stringify(next.value ?? next.error)}`);
        continue;
      }
      failures.push(...scenarioProblems(w, SCENARIO).map((p) => `request ${j}: ${p}`));
    }
    expect(failures).toEqual([]);
  });
});
