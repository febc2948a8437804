/**
 * How a sync is started: the daily sync's one recurring trigger (installed once, kept when
 * the hour changes, removed; running with no active document), the menu (shows the
 * summary), and a second start while one runs.
 */
import { worked } from './support/hourly';
import { DAY, EDITOR, OWNER } from './world';
import {
  columnOf,
  keapState,
  SAMPLE_IDS,
  SAMPLE_KEAP_AFTER_SYNC,
  SAMPLE_STATUSES,
  sampleWorld,
  type Summary,
} from './support/sync';
import type { World } from './world';

interface DailyStatus {
  enabled: boolean;
  hour: number | null;
  timeZone: string;
}

function dailyTriggers(world: World) {
  return world.rt.triggers().filter((t) => t.handler === 'dailySync');
}

function logRows(world: World): Record<string, unknown>[] {
  const [header, ...rows] = world.sheet('Keap Sync Log').values();
  return rows.map((row) => Object.fromEntries(header.map((h, i) => [String(h), row[i]])));
}

describe('the daily sync trigger', () => {
  it('is installed exactly once however often it is enabled, kept when the hour changes, removed when disabled', () => {
    const world = sampleWorld();
    for (let i = 0; i < 3; i++) {
      expect(world.call<DailyStatus>('enableDailySync', [6])).toMatchObject({
        enabled: true,
        hour: 6,
      });
    }
    expect(dailyTriggers(world).map((t) => t.schedule)).toEqual([
      expect.objectContaining({ kind: 'hourly', everyHours: 1 }),
    ]);
    expect(world.rt.triggers()).toHaveLength(1);
    const uid = dailyTriggers(world)[0].uid;

    expect(world.call<DailyStatus>('enableDailySync', [21])).toMatchObject({ hour: 21 });
    expect(dailyTriggers(world).map((t) => t.uid)).toEqual([uid]);

    expect(world.call<DailyStatus>('disableDailySync')).toMatchObject({ enabled: false });
    expect(world.rt.triggers()).toEqual([]);
  });

  it('runs as an add-on with no active document, finds the spreadsheet and syncs it', () => {
    const world = sampleWorld({ runtime: { addOnMode: true } });
    world.call('enableDailySync', [6]);
    const all = world.rt.advanceBy(DAY);
    // The hourly trigger fires 24 times; only the firing after 06:00 runs the sync.
    expect(all.length).toBe(24);
    expect(all.every((e) => e.error === undefined)).toBe(true);
    const fired = worked(all);
    expect(fired.map((e) => [e.fn, e.user, e.error])).toEqual([['dailySync', OWNER, undefined]]);
    expect(fired[0].value).toMatchObject({ trigger: 'daily', outcome: 'completed' });
    expect(new Date(fired[0].startedAt).getUTCHours()).toBe(6);

    expect(keapState(world, SAMPLE_IDS)).toEqual(SAMPLE_KEAP_AFTER_SYNC);
    expect(columnOf(world, 'Sync Status')).toEqual(SAMPLE_STATUSES);
    expect(logRows(world)).toEqual([
      expect.objectContaining({ How: 'daily', 'Rows seen': 20, Outcome: 'completed' }),
    ]);
    // The trigger stays, and the next day's run has nothing to send: it only asks Keap again
    // about the two contacts Keap refused yesterday (one read), as their statuses said.
    expect(dailyTriggers(world)).toHaveLength(1);
    const logged = world.sim.log.length;
    const next = worked(world.rt.advanceBy(DAY));
    expect(next.map((e) => e.fn)).toEqual(['dailySync']);
    expect(
      world.sim.log
        .slice(logged)
        .filter((e) => e.route !== 'token' && e.route !== 'userinfo')
        .map((e) => e.route),
      // and the row without a Contact ID whose address no contact had: searched once again.
    ).toEqual(['contacts.list', 'contacts.list']);
    expect(columnOf(world, 'Sync Status')).toEqual(SAMPLE_STATUSES);
  });
});

describe('one sync at a time per spreadsheet', () => {
  it('a second Sync now started while the first one talks to Keap says "busy" and changes nothing', () => {
    const world = sampleWorld();
    const inners: {
      value?: Summary;
      requests: number;
      sheetBefore: unknown[][];
      sheetAfter: unknown[][];
    }[] = [];
    const outer = world.rt.run<Summary>('syncNow', [], {
      user: OWNER,
      spreadsheetId: world.spreadsheetId,
      onServiceCall: ({ service }) => {
        if (inners.length > 0 || service !== 'UrlFetchApp') return;
        const sheetBefore = world.sheet().values();
        const logged = world.sim.log.length;
        const second = world.rt.run<Summary>('syncNow', [], {
          user: EDITOR,
          spreadsheetId: world.spreadsheetId,
        });
        inners.push({
          value: second.value,
          requests: world.sim.log.length - logged,
          sheetBefore,
          sheetAfter: world.sheet().values(),
        });
      },
    });
    expect(inners).toHaveLength(1);
    const [second] = inners;
    expect(second.value).toMatchObject({ outcome: 'busy', rowsSeen: 0, keapRequests: 0 });
    expect(second.value?.message).toBe(
      'Another sync of this spreadsheet is already running. Try again in a few minutes.',
    );
    expect(second.requests).toBe(0);
    expect(second.sheetAfter).toEqual(second.sheetBefore);

    expect(outer.value?.outcome).toBe('completed');
    expect(keapState(world, SAMPLE_IDS)).toEqual(SAMPLE_KEAP_AFTER_SYNC);
    expect(logRows(world)).toHaveLength(1);
  });

  it('the lease of a killed sync expires: a later start finishes without sending anything twice', () => {
    const world = sampleWorld();
    const killed = world.rt.run('syncNow', [], {
      user: OWNER,
      spreadsheetId: world.spreadsheetId,
      killAfterServiceCalls: 40,
    });
    expect(killed.killed).toBe(true);
    expect(world.call<Summary>('syncNow').outcome).toBe('busy');
    world.clock.advance(8 * 60_000);
    expect(world.call<Summary>('syncNow').outcome).toBe('completed');
    expect(keapState(world, SAMPLE_IDS)).toEqual(SAMPLE_KEAP_AFTER_SYNC);
    const patched = world.sim.log.filter((e) => e.route === 'contacts.patch').map((e) => e.path);
    expect(patched).toHaveLength(new Set(patched).size);
    // Changes the killed run had already made are found in Keap: those rows are up to date,
    // or say only what was left to do (the email was changed, the opt-out was not yet sent).
    const statuses = columnOf(world, 'Sync Status');
    SAMPLE_STATUSES.forEach((expected, i) => {
      const allowed = expected.startsWith('Updated: ') ? [expected, 'Up to date'] : [expected];
      if (/^Updated: email changed to .*; opted out$/.test(expected)) {
        allowed.push('Updated: opted out');
      }
      expect(allowed).toContain(statuses[i]);
    });
  });
});

describe('Sync now from the menu', () => {
  it('shows the run summary to the person', () => {
    const world = sampleWorld();
    const result = world.rt.run('menuSyncNow', [], {
      user: OWNER,
      spreadsheetId: world.spreadsheetId,
    });
    expect(result.error).toBeUndefined();
    const alerts = result.ui.filter((e) => e.type === 'alert');
    expect(alerts).toHaveLength(1);
    const text = JSON.stringify(alerts[0]);
    for (const part of ['20 rows', '5 emails updated', '3 opted out', '4 unchanged', '8 errors']) {
      expect(text).toContain(part);
    }
    expect(logRows(world)).toEqual([expect.objectContaining({ How: 'menu' })]);
  });
});
