import {
  pauseAllTriggers,
  recordedSpreadsheets,
  spreadsheetIdForTrigger,
  SyncTriggers,
  type TriggerHandle,
  type TriggerService,
} from '../../../src/sync/triggers';
import { FakeLock, ManualClock, MemoryStore } from './support/fakes';

interface FakeTrigger extends TriggerHandle {
  kind: 'daily' | 'hourly' | 'minutes' | 'once';
  hour?: number;
  timeZone?: string;
  afterMs?: number;
}

/** ScriptApp's project triggers of one user. */
class FakeScriptApp implements TriggerService {
  readonly triggers: FakeTrigger[] = [];
  private next = 1;
  private make(
    handler: string,
    extra: Omit<FakeTrigger, 'getUniqueId' | 'getHandlerFunction'>,
  ): FakeTrigger {
    const uid = `t${this.next++}`;
    const trigger = { ...extra, getUniqueId: () => uid, getHandlerFunction: () => handler };
    this.triggers.push(trigger);
    return trigger;
  }
  list(): TriggerHandle[] {
    return [...this.triggers];
  }
  remove(trigger: TriggerHandle): void {
    const index = this.triggers.findIndex((t) => t.getUniqueId() === trigger.getUniqueId());
    if (index >= 0) this.triggers.splice(index, 1);
  }
  createDaily(handler: string, hour: number, timeZone: string): TriggerHandle {
    return this.make(handler, { kind: 'daily', hour, timeZone });
  }
  createHourly(handler: string): TriggerHandle {
    if (this.addOn && this.triggers.length > 0) {
      throw new Error(
        'This add-on has created too many time-based triggers in this document for this Google Account user.',
      );
    }
    return this.make(handler, { kind: 'hourly' });
  }
  /** Set to act as an editor add-on: no period under an hour, one time-driven trigger. */
  addOn = false;
  createEveryMinutes(handler: string): TriggerHandle {
    if (this.addOn) {
      throw new Error(
        'Add-ons cannot create time-based triggers that run more often than once an hour.',
      );
    }
    return this.make(handler, { kind: 'minutes' });
  }
  /** Set to refuse one-offs, as an editor add-on does while another time-driven trigger exists. */
  refuseOnce = false;
  createOnce(handler: string, afterMs: number): TriggerHandle {
    if (this.refuseOnce || (this.addOn && this.triggers.length > 0)) {
      throw new Error(
        'This add-on has created too many time-based triggers in this document for this Google Account user.',
      );
    }
    return this.make(handler, { kind: 'once', afterMs });
  }
  timeDriven(): string[] {
    return this.triggers.map(
      (t) => `${t.getHandlerFunction()}${t.hour === undefined ? '' : `@${t.hour}`}:${t.kind}`,
    );
  }
}

function setup() {
  const app = new FakeScriptApp();
  const store = new MemoryStore();
  const clock = new ManualClock(Date.parse('2025-03-01T04:00:00Z'));
  const lock = new FakeLock();
  const triggers = (id = 'sheet-1') => new SyncTriggers(app, store, lock, id, clock);
  return { app, store, triggers, lock, clock };
}

const HOUR = 3_600_000;

describe('the daily sync trigger', () => {
  it('installs exactly one hourly trigger however often it is enabled', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', 'ann@x.com');
    triggers().enableDaily(6, 'UTC', 'ann@x.com');
    triggers().enableDaily(6, 'UTC', 'ann@x.com');
    expect(app.timeDriven()).toEqual(['dailySync:hourly']);
    expect(triggers().status('UTC')).toEqual({
      enabled: true,
      hour: 6,
      timeZone: 'UTC',
      nextRunAfter: '2025-03-01T06:00:00.000Z',
      owner: 'ann@x.com',
    });
  });

  it('keeps the same trigger for a new hour (the hour lives in the record)', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    const uid = app.triggers[0].getUniqueId();
    triggers().enableDaily(22, 'UTC', null);
    expect(app.triggers.map((t) => t.getUniqueId())).toEqual([uid]);
    expect(triggers().status('UTC').hour).toBe(22);
  });

  it('refuses hours outside 0-23 and fractions, changing nothing', () => {
    const { app, triggers } = setup();
    for (const hour of [-1, 24, 6.5, Number.NaN]) {
      expect(() => triggers().enableDaily(hour, 'UTC', null)).toThrow(/0 to 23/);
    }
    expect(app.triggers).toHaveLength(0);
  });

  it('is removed by disable', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    triggers().disableDaily();
    expect(app.triggers).toHaveLength(0);
    expect(triggers().status('UTC')).toMatchObject({
      enabled: false,
      hour: null,
      nextRunAfter: null,
    });
  });

  it('lets the trigger find its spreadsheet without an active document', () => {
    const { app, store, triggers } = setup();
    triggers('sheet-9').enableDaily(3, 'UTC', null);
    expect(spreadsheetIdForTrigger(store, app.triggers[0].getUniqueId())).toBe('sheet-9');
  });

  it("keeps each spreadsheet's trigger separate", () => {
    const { app, triggers } = setup();
    triggers('a').enableDaily(1, 'UTC', null);
    triggers('b').enableDaily(2, 'UTC', null);
    triggers('a').disableDaily();
    expect(app.triggers).toHaveLength(1);
    expect(triggers('b').status('UTC')).toMatchObject({ enabled: true, hour: 2 });
  });

  it('removes leftover triggers of ours that no record knows', () => {
    const { app, triggers } = setup();
    app.createDaily('dailySync', 5, 'UTC');
    app.createDaily('somethingElse', 5, 'UTC');
    triggers().enableDaily(6, 'UTC', null);
    expect(app.timeDriven()).toEqual(['somethingElse@5:daily', 'dailySync:hourly']);
  });

  it('reports off when the trigger was deleted behind its back', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    app.triggers.splice(0, 1);
    expect(triggers().status('UTC').enabled).toBe(false);
  });

  it('says so when the schedule is being changed by another execution', () => {
    const { triggers, lock } = setup();
    lock.busy = true;
    expect(() => triggers().enableDaily(6, 'UTC', null)).toThrow(/in progress/);
  });
});

describe('self-repair', () => {
  it('puts a lost trigger back and says so; a live one is left alone', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    expect(triggers().ensure(false)).toBe('ok');
    app.triggers.splice(0, 1);
    expect(triggers().ensure(false)).toBe('repaired');
    expect(app.timeDriven()).toEqual(['dailySync:hourly']);
    expect(triggers().status('UTC').enabled).toBe(true);
  });

  it('migrates an everyDays trigger of an earlier version only when a person is present', () => {
    const { app, store, triggers } = setup();
    const old = app.createDaily('dailySync', 6, 'UTC');
    store.setProperty(`keapSync.trigger.${old.getUniqueId()}`, 'sheet-1');
    store.setProperty(
      'keapSync.triggers.sheet-1',
      JSON.stringify({
        daily: { hour: 6, timeZone: 'UTC', owner: null, uid: old.getUniqueId() },
        continuationUid: null,
      }),
    );
    expect(triggers().ensure(false)).toBe('ok');
    expect(app.timeDriven()).toEqual(['dailySync@6:daily']);
    expect(triggers().ensure(true)).toBe('ok');
    expect(app.timeDriven()).toEqual(['dailySync:hourly']);
    expect(triggers().record().daily?.kind).toBe('hourly');
  });

  it('does nothing when the daily sync is off', () => {
    const { app, triggers } = setup();
    expect(triggers().ensure(true)).toBe('off');
    expect(app.triggers).toHaveLength(0);
  });
});

describe('the daily slot', () => {
  it('is not due on the day it was turned on after its hour; due once the next day', () => {
    const { triggers, clock } = setup();
    triggers().enableDaily(3, 'UTC', null); // 04:00: today's 03:00 has passed
    expect(triggers().claimDailySlot()).toBe(false);
    clock.advance(23 * HOUR); // 03:00 the next day
    expect(triggers().claimDailySlot()).toBe(true);
    triggers().markSlotDone();
    clock.advance(HOUR);
    expect(triggers().claimDailySlot()).toBe(false);
  });

  it('gives a slot whose run never got going three starts, then waits for the next day', () => {
    const { triggers, clock } = setup();
    triggers().enableDaily(5, 'UTC', null);
    clock.advance(HOUR); // 05:00
    const starts = [0, 1, 2, 3].map(() => {
      const claimed = triggers().claimDailySlot();
      clock.advance(HOUR);
      return claimed;
    });
    expect(starts).toEqual([true, true, true, false]);
  });
});

describe('the quick follow-up', () => {
  it('is made where Apps Script accepts it, and the recurring trigger stays', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    expect(triggers().tryFollowUp(60_000)).toMatchObject({ kind: 'soon' });
    expect(app.timeDriven()).toEqual(['dailySync:hourly', 'continueSync:once']);
    // Asked again while it is pending: still one.
    expect(triggers().tryFollowUp(60_000)).toMatchObject({ kind: 'soon' });
    expect(app.triggers).toHaveLength(2);
  });

  it('refused (editor add-on): nothing changes, the recurring trigger continues the run', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    app.refuseOnce = true;
    // The daily trigger was made at 04:00: it fires at 05:00.
    expect(triggers().tryFollowUp(60_000)).toEqual({
      kind: 'hourly',
      at: Date.parse('2025-03-01T05:00:00Z'),
    });
    expect(app.timeDriven()).toEqual(['dailySync:hourly']);
  });

  it('a fired one-off is removed at the end of its execution; the next is a new one', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    triggers().tryFollowUp(60_000);
    const fired = app.triggers[1].getUniqueId();
    triggers().tryFollowUp(60_000, fired);
    expect(app.triggers.map((t) => t.getUniqueId())).not.toContain(fired);
    expect(app.timeDriven()).toEqual(['dailySync:hourly', 'continueSync:once']);
    const next = app.triggers[1].getUniqueId();
    triggers().cleanUpFollowUps(next);
    expect(app.timeDriven()).toEqual(['dailySync:hourly']);
  });
});

describe('Disconnect', () => {
  it("removes the user's sync triggers on every spreadsheet and pauses each daily sync", () => {
    const { app, store, triggers } = setup();
    triggers('a').enableDaily(1, 'UTC', null);
    triggers('b').enableDaily(2, 'UTC', null);
    app.createDaily('somethingElse', 5, 'UTC');
    expect(pauseAllTriggers(app, store, recordedSpreadsheets([...store.map.keys()]))).toBe(2);
    expect(app.timeDriven()).toEqual(['somethingElse@5:daily']);
    expect(triggers('a').status('UTC')).toMatchObject({ enabled: false, paused: true, hour: 1 });
    expect(triggers('a').ensure(true)).toBe('off');
    triggers('a').enableDaily(1, 'UTC', null);
    expect(triggers('a').status('UTC')).toMatchObject({ enabled: true, hour: 1 });
  });
});

describe('a run with work left while the daily sync is off (the carrier)', () => {
  it('bound script: one recurring continueSync every few minutes, no one-off; it outlives its firings', () => {
    const { app, clock, triggers } = setup();
    expect(triggers().tryFollowUp(60_000)).toEqual({ kind: 'soon', at: clock.now() + 5 * 60_000 });
    expect(app.timeDriven()).toEqual(['continueSync:minutes']);
    const carrier = app.triggers[0].getUniqueId();
    expect(triggers().isCarrier(carrier)).toBe(true);
    // Its own firing asks again: the same carrier, nothing more.
    clock.advance(5 * 60_000);
    triggers().tryFollowUp(60_000);
    expect(app.triggers.map((t) => t.getUniqueId())).toEqual([carrier]);
    triggers().cleanUpFollowUps(carrier);
    expect(app.triggers.map((t) => t.getUniqueId())).toEqual([carrier]);
    triggers().removeFollowUps();
    expect(app.triggers).toHaveLength(0);
    expect(triggers().record().carrierUid ?? null).toBeNull();
  });

  it('editor add-on: an hourly carrier, the one time-driven trigger of the document', () => {
    const { app, clock, triggers } = setup();
    app.addOn = true;
    expect(triggers().tryFollowUp(60_000)).toEqual({ kind: 'hourly', at: clock.now() + HOUR });
    expect(app.timeDriven()).toEqual(['continueSync:hourly']);
    expect(triggers().continuesAfter(clock.now() + 7 * 60_000, true)).toBe(clock.now() + HOUR);
  });

  it('stays when the daily sync is turned off, and goes when it is turned on (the daily one carries)', () => {
    const { app, triggers } = setup();
    triggers().tryFollowUp(60_000);
    triggers().disableDaily();
    expect(app.timeDriven()).toEqual(['continueSync:minutes']);
    triggers().enableDaily(6, 'UTC', null);
    expect(app.timeDriven()).toEqual(['dailySync:hourly']);
  });

  it('is not made once Keap is disconnected', () => {
    const { app, triggers } = setup();
    expect(triggers().tryFollowUp(60_000, null, false)).toEqual({ kind: 'stopped' });
    expect(app.triggers).toHaveLength(0);
  });

  it('says so when no trigger could be made', () => {
    const { app, triggers } = setup();
    app.addOn = true;
    app.refuseOnce = true;
    app.createHourly = () => {
      throw new Error('Service unavailable');
    };
    expect(triggers().tryFollowUp(60_000)).toEqual({ kind: 'none' });
  });
});

describe('Disconnect by record, and triggers that outlive it', () => {
  it('pauses a daily sync whose trigger was already lost; self-repair leaves it paused', () => {
    const { app, store, triggers } = setup();
    triggers('a').enableDaily(1, 'UTC', null);
    app.triggers.splice(0, 1);
    expect(pauseAllTriggers(app, store, recordedSpreadsheets([...store.map.keys()]))).toBe(1);
    expect(triggers('a').ensure(true)).toBe('off');
    expect(app.triggers).toHaveLength(0);
    expect(triggers('a').status('UTC')).toMatchObject({ enabled: false, paused: true });
  });

  it('pauses the records when the triggers cannot be listed; the sidebar removes the leftover', () => {
    const { app, store, triggers } = setup();
    triggers('a').enableDaily(1, 'UTC', null);
    const ids = recordedSpreadsheets([...store.map.keys()]);
    expect(pauseAllTriggers(app, store, ids, { error: new Error('Service error') })).toBe(1);
    expect(app.timeDriven()).toEqual(['dailySync:hourly']);
    expect(triggers('a').ensure(true)).toBe('off');
    expect(app.triggers).toHaveLength(0);
  });

  it('does not put a lost trigger back for a user without a connection', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    app.triggers.splice(0, 1);
    expect(triggers().ensure(true, false)).toBe('off');
    expect(app.triggers).toHaveLength(0);
  });

  it('a firing without a connection stands down: no trigger, the daily sync paused', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    triggers().tryFollowUp(60_000);
    triggers().standDown();
    expect(app.triggers).toHaveLength(0);
    expect(triggers().status('UTC')).toMatchObject({ enabled: false, paused: true, hour: 6 });
  });
});

describe('when interrupted work continues', () => {
  it('a daily slot with starts left: the next hourly firing; none left: the next daily run', () => {
    const { clock, triggers } = setup();
    triggers().enableDaily(5, 'UTC', null); // made 04:00
    clock.advance(HOUR); // 05:00
    expect(triggers().claimDailySlot()).toBe(true);
    const after = clock.now() + 7 * 60_000;
    expect(triggers().continuesAfter(after, false)).toBe(Date.parse('2025-03-01T06:00:00Z'));
    clock.advance(HOUR);
    triggers().claimDailySlot();
    clock.advance(HOUR);
    triggers().claimDailySlot(); // the third start, 07:00
    expect(triggers().continuesAfter(clock.now() + 7 * 60_000, false)).toBe(
      Date.parse('2025-03-02T05:00:00Z'),
    );
    // A pending run continues at the next firing whatever the slot.
    expect(triggers().continuesAfter(clock.now() + 7 * 60_000, true)).toBe(
      Date.parse('2025-03-01T08:00:00Z'),
    );
  });

  it('nothing continues work of a user with the daily sync off and no carrier', () => {
    const { clock, triggers } = setup();
    expect(triggers().continuesAfter(clock.now(), true)).toBeNull();
    expect(triggers().continuesAfter(clock.now(), false)).toBeNull();
  });
});

describe('when a run waiting for Keap continues', () => {
  it('is the first firing at or after the reset it waits for, not the next firing', () => {
    const { clock, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    const now = clock.now();
    const reset = now + 10 * HOUR + 30 * 60_000;
    expect(triggers().continuesAfter(now, true)).toBe(now + HOUR);
    expect(triggers().continuesAfter(now, true, reset)).toBe(now + 11 * HOUR);
    expect(triggers().continuesAfter(now, true, now + 3 * HOUR)).toBe(now + 3 * HOUR);
    expect(triggers().continuesAfter(now, true, now - HOUR)).toBe(now + HOUR);
  });
});

describe('turning the daily sync off while it carries a pending run', () => {
  it("keeps the hourly daily trigger as the run's carrier: never a moment with no trigger", () => {
    const { app, clock, triggers } = setup();
    app.addOn = true;
    triggers().enableDaily(6, 'UTC', null);
    const daily = app.triggers[0].getUniqueId();
    let listed = 0;
    const list = app.list.bind(app);
    app.list = () => {
      listed += 1;
      expect(app.triggers.length).toBeGreaterThan(0);
      return list();
    };
    triggers().disableDaily(true);
    expect(listed).toBeGreaterThan(0);
    expect(app.triggers.map((t) => t.getUniqueId())).toEqual([daily]);
    expect(triggers().isCarrier(daily)).toBe(true);
    expect(triggers().status('UTC').enabled).toBe(false);
    expect(triggers().continuesAfter(clock.now(), true)).toBe(clock.now() + HOUR);
    expect(triggers().carryPendingRun()).toBe(false);
    // The run ends: the kept trigger goes too.
    triggers().removeFollowUps();
    expect(app.triggers).toHaveLength(0);
  });

  it('with no pending run, removes it as before', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    triggers().disableDaily(false);
    expect(app.triggers).toHaveLength(0);
  });

  it('makes a carrier when the daily trigger was already gone', () => {
    const { app, triggers } = setup();
    app.addOn = true;
    triggers().enableDaily(6, 'UTC', null);
    app.triggers.length = 0;
    triggers().disableDaily(true);
    expect(app.timeDriven()).toEqual(['continueSync:hourly']);
    expect(triggers().isCarrier(app.triggers[0].getUniqueId())).toBe(true);
  });
});

describe('a leftover continueSync trigger firing for a pending run nothing carries', () => {
  it('editor add-on: is kept as the carrier (no new one can be made beside it)', () => {
    const { app, triggers } = setup();
    app.addOn = true;
    const left = app.createHourly('continueSync').getUniqueId();
    expect(triggers().carryPendingRun()).toBe(false);
    expect(triggers().adoptAsCarrier(left)).toBe(true);
    expect(triggers().isCarrier(left)).toBe(true);
    expect(app.triggers.map((t) => t.getUniqueId())).toEqual([left]);
    triggers().cleanUpFollowUps(left);
    expect(app.triggers.map((t) => t.getUniqueId())).toEqual([left]);
  });

  it('bound script: a carrier is made and the leftover is not adopted', () => {
    const { app, triggers } = setup();
    const left = app.createOnce('continueSync', 60_000).getUniqueId();
    expect(triggers().adoptAsCarrier(left)).toBe(false);
    expect(app.timeDriven()).toEqual(['continueSync:once', 'continueSync:minutes']);
    triggers().cleanUpFollowUps(left);
    expect(app.timeDriven()).toEqual(['continueSync:minutes']);
  });

  it('is not adopted while the daily trigger carries the run', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    const left = app.createOnce('continueSync', 60_000).getUniqueId();
    expect(triggers().adoptAsCarrier(left)).toBe(false);
    expect(app.timeDriven()).toEqual(['dailySync:hourly', 'continueSync:once']);
  });
});

describe('a pending run left without a trigger', () => {
  it('gets its carrier back; nothing is made when a recurring trigger carries it', () => {
    const { app, triggers } = setup();
    expect(triggers().carryPendingRun()).toBe(true);
    expect(app.timeDriven()).toEqual(['continueSync:minutes']);
    expect(triggers().carryPendingRun()).toBe(false);
    triggers().removeFollowUps();
    triggers().enableDaily(6, 'UTC', null);
    expect(triggers().carryPendingRun()).toBe(false);
    expect(app.timeDriven()).toEqual(['dailySync:hourly']);
  });
});
