/**
 * Rotation safety: two executions that find the token expired at the same moment (the daily
 * trigger and a person clicking Sync now) refresh once between them and both go on. Keap
 * rotates the refresh token on every refresh, so a second refresh with the same one would end
 * in invalid_grant and a lost connection. B is started at EVERY service-call point of A (see
 * the overlap notes in support/connection.ts).
 */
import {
  addTally,
  overlapAtExpiry,
  serviceCallsOfDailyRun,
  type Tally,
} from './support/connection';

describe('two executions that find the token expired at the same moment', () => {
  const points = serviceCallsOfDailyRun();

  it.each([
    { b: 'Sync now in another spreadsheet', sameSheet: false },
    { b: 'Sync now in the same spreadsheet', sameSheet: true },
  ])(
    'daily trigger + $b, B started at every service call of the trigger: one refresh, no invalid_grant, both go on',
    ({ sameSheet }) => {
      expect(points).toBeGreaterThan(40);
      const total: Tally = { completed: 0, busy: 0, waited: 0 };
      let refreshedByB = 0;
      for (let k = 1; k <= points; k += 1) {
        const { tally, refresher } = overlapAtExpiry(2, [k], sameSheet);
        addTally(total, tally);
        if (refresher === 1) refreshedByB += 1;
      }
      // Both orders happened: B refreshed for both when it came early, and used the trigger's
      // fresh token when it came later.
      expect(refreshedByB).toBeGreaterThan(0);
      expect(refreshedByB).toBeLessThan(points);
      expect(total.completed).toBeGreaterThan(sameSheet ? 10 : points / 2);
      expect(total.completed + total.busy + total.waited).toBe(points);
    },
  );
});

describe('two executions that get a 401 on a token that looks valid', () => {
  const points = serviceCallsOfDailyRun('revoked-access-token');

  it('daily trigger + Sync now in another spreadsheet, B started at every service call: one safe refresh, one retry each, both go on', () => {
    expect(points).toBeGreaterThan(40);
    const total: Tally = { completed: 0, busy: 0, waited: 0 };
    let refreshedByB = 0;
    for (let k = 1; k <= points; k += 1) {
      const { tally, refresher } = overlapAtExpiry(2, [k], false, 'revoked-access-token');
      addTally(total, tally);
      if (refresher === 1) refreshedByB += 1;
    }
    expect(refreshedByB).toBeGreaterThan(0);
    expect(refreshedByB).toBeLessThan(points);
    expect(total.completed).toBeGreaterThan(points / 2);
  });
});
