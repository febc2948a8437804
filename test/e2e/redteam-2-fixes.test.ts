/**
 * Follow-ups to the red team 2 fixes (test/e2e/redteam-2.test.ts): what happens after the
 * defects' own checks, through the built bundle on the virtual clock.
 */
import { finishPendingRun, liveClockTriggers, pendingRun } from './support/hourly';
import { repeatedWrites, statusByRow, summaryOf, syncNow, syncWorld } from './support/reliability';
import { OWNER } from './world';

describe('the quota spent between opt-outs and their read-back', () => {
  test('the run waits for the reset, then checks the rows (nothing sent twice) and finishes', () => {
    const rows = Array.from({ length: 5 }, (_, i) => [i + 1, `e${i + 1}@example.com`, 'yes', '']);
    const w = syncWorld(rows, { runtime: { addOnMode: true } });
    for (let id = 1; id <= 5; id += 1) w.addContact(id, `e${id}@example.com`);
    let spend = true;
    let lastWasWrite = false;
    const sim = w.sim as unknown as { dispatch: (req: unknown) => unknown };
    const original = sim.dispatch.bind(sim);
    sim.dispatch = (req: unknown) => {
      const res = original(req) as { status: number; headers: Record<string, string> };
      if (!res || typeof res !== 'object' || !res.headers) return res;
      const headers = { ...res.headers };
      if (
        spend &&
        res.status < 300 &&
        lastWasWrite &&
        'x-keap-product-quota-available' in headers
      ) {
        headers['x-keap-product-quota-available'] = '0';
      }
      return { ...res, headers };
    };
    w.sim.inject({
      kind: 'slow',
      delayMs: 0,
      when: ({ request }) => {
        lastWasWrite = request.method.toUpperCase() === 'PATCH';
        return false;
      },
    });
    const first = summaryOf(syncNow(w));
    expect(first.outcome).toBe('daily-limit');
    expect(pendingRun(w)).toBeDefined();
    expect(liveClockTriggers(w)).toEqual(['continueSync']);
    for (let row = 2; row <= 6; row += 1) {
      expect(statusByRow(w)[row]).toMatch(/daily request limit/);
    }
    spend = false;
    finishPendingRun(w, 40, OWNER);
    expect(pendingRun(w)).toBeUndefined();
    // Keap already shows the opt-out the first execution sent: nothing is sent again.
    for (let row = 2; row <= 6; row += 1) {
      expect(statusByRow(w)[row]).toMatch(/^(Up to date|Opted out)/);
    }
    for (let id = 1; id <= 5; id += 1) {
      expect(w.sim.emailStatus('xy123', `e${id}@example.com`)?.optedIn).toBe(false);
    }
    expect(repeatedWrites(w)).toEqual([]);
    expect(liveClockTriggers(w)).toEqual([]);
  });
});
