/**
 * A 10,000-row sheet at realistic latency (300 ms per Keap request, 50 ms per spreadsheet
 * call): the 6-minute limit forces follow-up executions. Installed as an add-on, the one-off
 * follow-up is refused (one time-driven trigger per user per document), so the daily sync's
 * hourly trigger continues the run, with the add-on hourly rule on and off: it completes the
 * same day, nothing is lost or sent twice, one trigger throughout, the log shows one run.
 */
import type { ExecutionResult } from '../gas-runtime';
import { HOUR } from './world';
import { fireNext, liveClockTriggers, worked } from './support/hourly';
import { connectedWorld, pendingFollowUps, type Summary } from './support/sync';
import type { World } from './world';

const ROWS = 10_000;
const FIRST_ID = 20_001;

/** Row i: a new EMAIL1 for every contact; every third row also opts the new address out. */
function sheetRow(i: number): unknown[] {
  const optOut = i % 3 === 0;
  return [
    FIRST_ID + i,
    `Person${i}@Example.com `,
    optOut ? 'yes' : '',
    optOut ? `reason ${i}` : '',
  ];
}

function expectedStatus(i: number): string {
  const email = `person${i}@example.com`;
  return i % 3 === 0
    ? `Updated: email changed to ${email}; opted out`
    : `Updated: email changed to ${email}`;
}

describe.each([
  ['on', true],
  ['off', false],
])('a 10,000-row sheet across follow-up executions (add-on hourly rule %s)', (_, rule) => {
  let world: World;
  let executions: ExecutionResult<Summary>[];
  let realMs: number;
  let triggersSeen: string[][];

  beforeAll(() => {
    const rows = Array.from({ length: ROWS }, (_, i) => sheetRow(i));
    // Installed as an add-on: one time-driven trigger per document, no active document in it.
    world = connectedWorld([['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'], ...rows], {
      runtime: { addOnMode: true, addOnHourlyRule: rule },
    });
    for (let i = 0; i < ROWS; i++) {
      world.addContact(FIRST_ID + i, `old${i}@example.com`, `work${i}@example.com`);
    }
    world.call('enableDailySync', [3]);
    const started = Date.now();
    const first = world.run<Summary>('syncNow');
    triggersSeen = [liveClockTriggers(world)];
    executions = [first];
    for (
      let i = 0;
      i < 30 && executions[executions.length - 1].value?.outcome === 'continuing';
      i++
    ) {
      executions.push(...fireNext<Summary>(world));
      triggersSeen.push(liveClockTriggers(world));
    }
    realMs = Date.now() - started;
  });

  it('takes several executions, each inside the 6-minute limit, and finishes', () => {
    expect(executions.length).toBeGreaterThanOrEqual(2);
    expect(executions.map((e) => e.fn)).toEqual([
      'syncNow',
      ...Array(executions.length - 1).fill('dailySync'),
    ]);
    // The same day (it started at 08:00 UTC), with one time-driven trigger throughout.
    const last = executions[executions.length - 1];
    expect(new Date(last.endedAt).getUTCDate()).toBe(
      new Date(executions[0].startedAt).getUTCDate(),
    );
    expect(triggersSeen.every((live) => live.join() === 'dailySync')).toBe(true);
    for (const e of executions) {
      expect({ killed: e.killed, error: e.error }).toEqual({ killed: false, error: undefined });
      expect(e.endedAt - e.startedAt).toBeLessThan(6 * 60_000);
    }
    const outcomes = executions.map((e) => e.value?.outcome);
    expect(outcomes).toEqual([...Array(executions.length - 1).fill('continuing'), 'completed']);
    expect(executions[executions.length - 1].value).toMatchObject({
      trigger: 'sidebar',
      rowsSeen: ROWS,
      emailsUpdated: ROWS,
      optedOut: Math.ceil(ROWS / 3),
      errors: 0,
    });
    expect(realMs).toBeLessThan(60_000);
  });

  it('writes the final status on every row', () => {
    const statuses = world.column('Sync Status');
    expect(statuses).toHaveLength(ROWS);
    const wrong = statuses
      .map((status, i) => ({ row: i + 2, status, expected: expectedStatus(i) }))
      .filter((r) => r.status !== r.expected);
    expect(wrong).toEqual([]);
    expect(world.column('Last Synced').every((cell) => cell instanceof Date)).toBe(true);
  });

  it('sends each contact exactly one update and each opt-out exactly once, keeping EMAIL2', () => {
    const patches = new Map<string, number>();
    for (const e of world.sim.log.filter((entry) => entry.route === 'contacts.patch')) {
      patches.set(e.path, (patches.get(e.path) ?? 0) + 1);
    }
    expect(patches.size).toBe(ROWS);
    expect([...patches.values()].filter((n) => n !== 1)).toEqual([]);
    expect(world.sim.log.filter((e) => e.route === 'emailAddresses.updateStatus')).toHaveLength(
      Math.ceil(ROWS / 3),
    );
    for (let i = 0; i < ROWS; i++) {
      const email = `person${i}@example.com`;
      expect(world.emailsOf(FIRST_ID + i)).toEqual({
        EMAIL1: email,
        EMAIL2: `work${i}@example.com`,
      });
      const status = world.sim.emailStatus('xy123', email);
      expect(status?.status).toBe(i % 3 === 0 ? 'MANUAL' : 'NON_MARKETABLE');
    }
    expect(world.sim.specViolations).toEqual([]);
  });

  it('reads in batches within the 2 KB URL limit, writes in parallel batches, paced under the spike limit', () => {
    const urls = world.rt.requests.map((r) => r.request.url);
    expect(Math.max(...urls.map((url) => url.length))).toBeLessThanOrEqual(2048);
    const reads = world.sim.log.filter((e) => e.route === 'contacts.list');
    // Hundreds of ids per request, not one request per contact.
    expect(reads.length).toBeLessThan(ROWS / 100);
    const writes = world.sim.log.filter((e) => e.method !== 'GET' && e.route !== 'token').length;
    const batches = executions.reduce((n, e) => n + e.ledger.fetchAllBatches, 0);
    // Several writes per fetchAll batch (the pacer keeps them under 24 per second).
    expect(batches).toBeLessThan(writes / 4);
    expect(world.sim.stats()).toMatchObject({ throttled: 0 });
    expect(world.sim.stats().maxPerSecond).toBeLessThanOrEqual(25);
  });

  it('leaves no follow-up behind and the one recurring trigger in place', () => {
    expect(pendingFollowUps(world)).toEqual([]);
    expect(world.rt.triggers().map((t) => [t.handler, t.schedule?.kind])).toEqual([
      ['dailySync', 'hourly'],
    ]);
    const fired = worked(world.rt.advanceBy(24 * HOUR));
    expect(fired.map((e) => e.fn)).toEqual(['dailySync']);
    expect(fired[0].value).toMatchObject({ outcome: 'completed', keapRequests: 0 });
  });

  it('logs the whole run as one row', () => {
    const [header, ...rows] = world.sheet('Keap Sync Log').values();
    const logged = rows.map((row) => Object.fromEntries(header.map((h, i) => [String(h), row[i]])));
    const total = executions.reduce((n, e) => n + e.ledger.requestCount, 0);
    expect(logged[0]).toMatchObject({
      How: 'sidebar',
      'Rows seen': ROWS,
      'Emails updated': ROWS,
      'Opted out': Math.ceil(ROWS / 3),
      Errors: 0,
      'Keap requests': total,
      Outcome: 'completed',
    });
    // The next line is the daily run of the previous test.
    expect(logged.map((row) => row.How)).toEqual(['sidebar', 'daily']);
  });

  it('reports its figures', () => {
    const figures = executions.map((e) => ({
      fn: e.fn,
      requests: e.ledger.requestCount,
      spreadsheetCalls: e.ledger.spreadsheetCalls,
      seconds: Math.round((e.endedAt - e.startedAt) / 1000),
    }));
    // Visible in the test output; the assertions above are what must hold.
    console.log(`10,000 rows: ${JSON.stringify(figures)} real ${realMs} ms`);
    // Statuses reach the rows chunk by chunk: each 1,000-row chunk but the last adds a status
    // write (a re-read, the write, the read that checks it); an execution does at most 7.
    const chunkWrites = 3 * 6;
    expect(figures.every((f) => f.spreadsheetCalls <= 10 + ROWS / 500 + chunkWrites)).toBe(true);
  });
});
