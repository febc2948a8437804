/**
 * Dates are written in the spreadsheet's locale (#16 "one date format throughout"): the local
 * runtime's spreadsheets carry a locale as Google's do (en_US unless set), and the built bundle
 * reads it for row statuses and hands it to the sidebar. The daily trigger, the virtual clock.
 */
import { worked } from './support/hourly';
import { DAY, World } from './world';

const HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];

/** Contact 404 is unknown to Keap, so its row names the day it is tried again. */
function unknownContactOn(locale: string | undefined): World {
  const world = new World({
    headers: HEADERS,
    rows: [[404, 'new@example.com', '', '']],
    ...(locale === undefined ? {} : { locale }),
  });
  world.connect();
  // Mon 6 Jan 2025, 08:00 UTC; the daily sync at 06:00 UTC runs first on Tue 7 Jan.
  world.call('enableDailySync', [6]);
  expect(worked(world.rt.advanceBy(DAY)).every((e) => e.error === undefined)).toBe(true);
  return world;
}

describe("the spreadsheet's locale", () => {
  it('a German spreadsheet: the row says the day it is tried again in German', () => {
    const world = unknownContactOn('de_DE');
    expect(world.column('Sync Status')[0]).toBe(
      'Error: Contact 404 was not found in Keap. Trying again on Mi., 8. Jan., or when the row is edited',
    );
  });

  it('a spreadsheet with no locale set reads as en_US', () => {
    const world = unknownContactOn(undefined);
    expect(world.column('Sync Status')[0]).toBe(
      'Error: Contact 404 was not found in Keap. Trying again on Wed, Jan 8, or when the row is edited',
    );
  });

  it("the sidebar is handed the spreadsheet's locale for its own times", () => {
    const world = unknownContactOn('fr_FR');
    const state = world.call<{ sync: { locale?: string } }>('getSidebarState');
    expect(state.sync.locale).toBe('fr-FR');
  });

  it('a locale Intl does not know falls back to en-US words, not an error on the row', () => {
    const world = unknownContactOn('xx_YY');
    expect(world.column('Sync Status')[0]).toMatch(/Trying again on Wed, Jan 8,/);
  });
});
