/**
 * What a person sees is true: "daily sync on" only with a live trigger (a lost one is put
 * back when the sidebar opens, and said so); "running" only while an execution's lease
 * holds, and a killed execution is reported as interrupted, to its starter in their own
 * words, with one log row; Disconnect stops the daily sync visibly, and reconnecting offers
 * to turn it back on at its hour.
 */
import { worked } from './support/hourly';
import { PAST_LEASE_MS } from './support/reliability';
import { sampleWorld, type Summary } from './support/sync';
import { DAY, EDITOR, HOUR, OWNER, type World } from './world';

interface Sidebar {
  sync: {
    daily: { enabled: boolean; hour: number | null; paused?: boolean; nextRunAfter: string | null };
    running: boolean;
    notices: string[];
    paused: { text: string; resumeLabel: string; hour: number } | null;
  };
}

function sidebar(w: World, user = OWNER): Sidebar {
  return w.call<Sidebar>('getSidebarState', [], user);
}

function clockTriggers(w: World, user = OWNER) {
  return w.rt.triggers(user).filter((t) => t.eventType === 'CLOCK' && t.nextRunAt !== null);
}

function outcomes(w: World): string[] {
  const [, ...rows] = w.sheet('Keap Sync Log').values();
  return rows.map((row) => String(row[9]));
}

describe('the daily sync trigger repairs itself', () => {
  it('deleted by hand: opening the sidebar puts it back and says so, and the daily run comes', () => {
    const w = sampleWorld({ runtime: { addOnMode: true } });
    w.call('enableDailySync', [6]);
    const [lost] = clockTriggers(w);
    expect(w.rt.deleteTrigger(lost.uid)).toBe(true);

    const state = sidebar(w);
    expect(state.sync.notices).toContain('The daily sync had lost its trigger; it was put back.');
    expect(state.sync.daily).toMatchObject({ enabled: true, hour: 6 });
    expect(clockTriggers(w).map((t) => [t.handler, t.schedule?.kind])).toEqual([
      ['dailySync', 'hourly'],
    ]);
    // Said once: the next look finds it in place.
    expect(sidebar(w).sync.notices).toEqual([]);
    const ran = worked(w.rt.advanceBy(DAY));
    expect(ran.map((e) => (e.value as Summary).outcome)).toEqual(['completed']);
  });

  it('"on" is never shown without a live trigger', () => {
    const w = sampleWorld({ runtime: { addOnMode: true } });
    w.call('enableDailySync', [6]);
    w.rt.deleteTrigger(clockTriggers(w)[0].uid);
    // The status call itself repairs; the menu's status reads the same.
    const status = w.call<{ daily: { enabled: boolean } }>('getSyncStatus');
    expect(status.daily.enabled).toBe(true);
    expect(clockTriggers(w)).toHaveLength(1);
  });
});

describe('an execution killed mid-run', () => {
  function killedWorld(user = OWNER): World {
    const w = sampleWorld({ runtime: { addOnMode: true } });
    w.call('enableDailySync', [6]);
    const killed = w.rt.run('syncNow', [], {
      user,
      spreadsheetId: w.spreadsheetId,
      authMode: 'FULL',
      killAfterServiceCalls: 40,
    });
    expect(killed.killed).toBe(true);
    return w;
  }

  it('shows "running" only while its lease holds, then tells its starter it was interrupted', () => {
    const w = killedWorld();
    expect(sidebar(w).sync.running).toBe(true);
    w.clock.set(w.clock.now() + PAST_LEASE_MS);
    const state = sidebar(w);
    expect(state.sync.running).toBe(false);
    expect(state.sync.notices.join(' ')).toMatch(
      /^Your last sync was interrupted; it continues at the next run \(about \d\d:\d\d [AP]M\)\.$/,
    );
  });

  it('another person is told without the starter\'s address, never "a sync by another person is running"', () => {
    const w = killedWorld();
    w.connect(EDITOR);
    w.clock.set(w.clock.now() + PAST_LEASE_MS);
    const state = sidebar(w, EDITOR);
    expect(state.sync.running).toBe(false);
    expect(state.sync.notices.join(' ')).toMatch(/^A sync of this spreadsheet was interrupted/);
    // Nowhere in the state the editor's sidebar is given.
    expect(JSON.stringify(state)).not.toContain(OWNER);
  });

  it('leaves exactly one "interrupted" log row, however often the sidebar opens and runs come', () => {
    const w = killedWorld();
    w.clock.set(w.clock.now() + PAST_LEASE_MS);
    sidebar(w);
    sidebar(w);
    w.call('syncNow');
    w.rt.advanceBy(DAY);
    expect(outcomes(w).filter((o) => o === 'interrupted')).toHaveLength(1);
    expect(outcomes(w)).toContain('completed');
  });

  it('the next run logs it when nobody opened the sidebar', () => {
    const w = killedWorld();
    w.clock.set(w.clock.now() + PAST_LEASE_MS);
    w.call('syncNow');
    expect(outcomes(w)).toEqual(['interrupted', 'completed']);
  });
});

describe('Disconnect means stop', () => {
  it('removes the triggers, shows the daily sync paused, sends no daily e-mail, and offers it back', () => {
    const w = sampleWorld({ runtime: { addOnMode: true } });
    w.call('enableDailySync', [7]);
    w.call('disconnect');
    expect(clockTriggers(w)).toEqual([]);

    const state = sidebar(w);
    expect(state.sync.daily).toMatchObject({ enabled: false, paused: true, hour: 7 });
    expect(state.sync.paused?.text).toBe('Daily sync paused: Keap is disconnected.');

    const mails = w.rt.mail.length;
    expect(w.rt.advanceBy(3 * DAY)).toEqual([]);
    expect(w.rt.mail.length).toBe(mails);

    w.connect();
    const back = sidebar(w);
    expect(back.sync.paused?.resumeLabel).toBe('Turn the daily sync back on (at 07:00)');
    expect(w.call('enableDailySync', [back.sync.paused?.hour])).toMatchObject({
      enabled: true,
      hour: 7,
    });
    expect(clockTriggers(w)).toHaveLength(1);
    expect(sidebar(w).sync.paused).toBeNull();
    const ran = worked(w.rt.advanceBy(DAY + HOUR));
    expect(ran.map((e) => (e.value as Summary).trigger)).toEqual(['daily']);
  });
});
