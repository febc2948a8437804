/**
 * The Keap Email Status column's marks, as its tests and red-team tests set them up: a new
 * spreadsheet whose first run adds the column, a person typing in it, a sync that must complete.
 */
import { connectedWorld, runCountingCalls, type Summary } from './sync';
import { HEADERS, OWNER, type World } from '../world';

export const MARKS_KEY = 'keapSync.keapStatusMarks';
export const NOTE = 'Called them on Monday: keep them on the list';
export const BOUNCED_NOT_TICKED =
  'Bounced. Opt Out is not ticked here; Keap keeps it opted out (this add-on never opts anyone back in)';

/** Sync now as `user` (the owner's calls counted); the run must complete. */
export function sync(w: World, user = OWNER): Summary {
  const result =
    user === OWNER
      ? runCountingCalls<Summary>(w, 'syncNow').result
      : w.rt.run<Summary>('syncNow', [], {
          user,
          spreadsheetId: w.spreadsheetId,
          authMode: 'FULL',
        });
  if (result.error) throw new Error(`syncNow threw: ${result.error.message}`);
  expect(result.value?.outcome).toBe('completed');
  return result.value as Summary;
}

/** Row (1-based, header row 1) of the Keap Email Status column: sets a cell as a person would. */
export function type(w: World, row: number, text: string): void {
  const column = (w.sheet().values()[0] as unknown[]).indexOf('Keap Email Status') + 1;
  w.sheet().setCell(row, column, text);
}

/** A new spreadsheet (no settings record): the first run adds the column. */
export function newWorld(): World {
  const w = connectedWorld(
    [HEADERS, [1, 'a@example.com', '', ''], [2, 'b@example.com', '', ''], [3, '', '', '']],
    { keapEmailStatus: null },
  );
  w.addContact(1, 'a@example.com');
  w.addContact(2, 'b@example.com');
  w.addContact(3, 'c@example.com');
  return w;
}
