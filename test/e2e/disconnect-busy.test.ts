/**
 * Disconnect while another change to the sync schedule holds the user's lock: the disconnect
 * does not go on, and says why in the schedule's own sentence (told by its error's type, not
 * by matching its words).
 */
import type { ExecutionResult } from '../gas-runtime';
import { userLockHeld } from './support/connection';
import { syncWorld } from './support/reliability';
import { OWNER } from './world';

const DAILY_HOUR = 6;

test('Disconnect while the sync schedule is being changed says so, once', () => {
  const w = syncWorld([[1, 'x@example.com', '', '']], { runtime: { addOnMode: true } });
  w.addContact(1, 'old@example.com');
  const seen: { disconnect?: ExecutionResult<unknown> } = {};
  w.rt.run('enableDailySync', [DAILY_HOUR], {
    user: OWNER,
    spreadsheetId: w.spreadsheetId,
    authMode: 'FULL',
    onServiceCall: () => {
      if (seen.disconnect === undefined && userLockHeld(w)) {
        seen.disconnect = w.rt.run('disconnect', [], {
          user: OWNER,
          spreadsheetId: w.spreadsheetId,
          authMode: 'FULL',
        });
      }
    },
  });
  expect(seen.disconnect?.error?.message).toBe(
    'Keap was not disconnected: another change to the sync schedule is in progress. Try again in a moment.',
  );
});
