import {
  spreadsheetIdForTrigger,
  SyncTriggers,
  type TriggerHandle,
  type TriggerService,
} from '../../../src/sync/triggers';
import { FakeLock, ManualClock, MemoryStore } from './support/fakes';

interface FakeTrigger extends TriggerHandle {
  kind: 'daily' | 'once';
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
  createOnce(handler: string, afterMs: number): TriggerHandle {
    return this.make(handler, { kind: 'once', afterMs });
  }
  timeDriven(): string[] {
    return this.triggers.map(
      (t) => `${t.getHandlerFunction()}${t.hour === undefined ? '' : `@${t.hour}`}`,
    );
  }
}

function setup() {
  const app = new FakeScriptApp();
  const store = new MemoryStore();
  const clock = new ManualClock(Date.parse('2025-03-01T04:00:00Z'));
  const lock = new FakeLock();
  const triggers = (id = 'sheet-1') => new SyncTriggers(app, store, lock, id, clock);
  return { app, store, triggers, lock };
}

describe('the daily sync trigger', () => {
  it('installs exactly one daily trigger however often it is enabled', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', 'ann@x.com');
    triggers().enableDaily(6, 'UTC', 'ann@x.com');
    triggers().enableDaily(6, 'UTC', 'ann@x.com');
    expect(app.timeDriven()).toEqual(['dailySync@6']);
    expect(triggers().status('UTC')).toEqual({
      enabled: true,
      hour: 6,
      timeZone: 'UTC',
      nextRunAfter: '2025-03-01T06:00:00.000Z',
      owner: 'ann@x.com',
    });
  });

  it('replaces the trigger for a new hour', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    triggers().enableDaily(22, 'UTC', null);
    expect(app.timeDriven()).toEqual(['dailySync@22']);
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
    expect(app.timeDriven()).toEqual(['dailySync@2']);
  });

  it('removes leftover triggers of ours that no record knows', () => {
    const { app, triggers } = setup();
    app.createDaily('dailySync', 5, 'UTC');
    app.createDaily('somethingElse', 5, 'UTC');
    triggers().enableDaily(6, 'UTC', null);
    expect(app.timeDriven()).toEqual(['somethingElse@5', 'dailySync@6']);
  });

  it('reports off when the trigger was deleted behind its back', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    app.triggers.splice(0, 1);
    expect(triggers().status('UTC').enabled).toBe(false);
  });
});

describe('a long sync continuing in a follow-up trigger', () => {
  it('keeps one time-driven trigger at a time and restores the daily one when done', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    triggers().scheduleContinuation(60_000, 'run-1');
    expect(app.timeDriven()).toEqual(['continueSync']);
    expect(app.triggers[0].afterMs).toBe(60_000);
    expect(triggers().status('UTC')).toMatchObject({ enabled: true, hour: 6 });
    expect(triggers().pendingRunId()).toBe('run-1');

    triggers().finishContinuation();
    expect(app.timeDriven()).toEqual(['dailySync@6']);
    expect(triggers().pendingRunId()).toBeNull();
  });

  it('a follow-up that fires replaces itself by the next one before it works', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    triggers().scheduleContinuation(60_000, 'run-1');
    const fired = app.triggers[0].getUniqueId();

    const armed = triggers().armFollowUp(fired, 480_000, 5);
    expect(armed).toEqual({ kind: 'armed', runId: 'run-1' });
    // Killed from here on, the run still has a trigger: never none, never two.
    expect(app.timeDriven()).toEqual(['continueSync']);
    expect(app.triggers[0].getUniqueId()).not.toBe(fired);
    expect(app.triggers[0].afterMs).toBe(480_000);
    expect(triggers().pendingRunId()).toBe('run-1');
  });

  it('the run keeps the armed follow-up when it continues, and creates none when the fired one could not be replaced', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    triggers().scheduleContinuation(60_000, 'run-1');
    const fired = app.triggers[0].getUniqueId();
    triggers().armFollowUp(fired, 480_000, 5);
    const armed = app.triggers[0].getUniqueId();

    triggers().scheduleContinuation(60_000, 'run-1', fired);
    expect(app.triggers.map((t) => t.getUniqueId())).toEqual([armed]);

    // The fired one-off is still listed (spent) when arming failed: it is replaced.
    const { app: app2, triggers: triggers2 } = setup();
    triggers2().scheduleContinuation(60_000, 'run-2');
    const spent = app2.triggers[0].getUniqueId();
    triggers2().scheduleContinuation(60_000, 'run-2', spent);
    expect(app2.triggers).toHaveLength(1);
    expect(app2.triggers[0].getUniqueId()).not.toBe(spent);
  });

  it('a new run replaces the follow-up of an older one', () => {
    const { app, triggers } = setup();
    triggers().scheduleContinuation(60_000, 'run-1');
    const first = app.triggers[0].getUniqueId();
    triggers().scheduleContinuation(60_000, 'run-2');
    expect(app.triggers).toHaveLength(1);
    expect(app.triggers[0].getUniqueId()).not.toBe(first);
    expect(triggers().pendingRunId()).toBe('run-2');
  });

  it('after too many follow-ups of one run (killed ones too), the daily trigger comes back', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    triggers().scheduleContinuation(60_000, 'run-1');
    const results: string[] = [];
    for (let i = 0; i < 3; i++) {
      results.push(triggers().armFollowUp(app.triggers[0].getUniqueId(), 480_000, 2).kind);
    }
    expect(results).toEqual(['armed', 'armed', 'exhausted']);
    expect(app.timeDriven()).toEqual(['dailySync@6']);
    expect(triggers().pendingRunId()).toBeNull();
  });

  it('a leftover follow-up the record does not know is removed and changes nothing else', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    const stray = app.createOnce('continueSync', 1000);
    expect(triggers().armFollowUp(stray.getUniqueId(), 480_000, 5)).toEqual({ kind: 'stray' });
    expect(app.timeDriven()).toEqual(['dailySync@6']);
  });

  it('leaves no trigger behind when no daily sync was enabled', () => {
    const { app, triggers } = setup();
    triggers().scheduleContinuation(60_000, 'run-1');
    triggers().finishContinuation();
    expect(app.triggers).toHaveLength(0);
  });

  it('enabling the daily sync during a follow-up waits for the follow-up to finish', () => {
    const { app, triggers } = setup();
    triggers().scheduleContinuation(60_000, 'run-1');
    triggers().enableDaily(8, 'UTC', null);
    expect(app.timeDriven()).toEqual(['continueSync']);
    triggers().finishContinuation();
    expect(app.timeDriven()).toEqual(['dailySync@8']);
  });

  it('disabling the daily sync during a follow-up keeps it off afterwards', () => {
    const { app, triggers } = setup();
    triggers().enableDaily(6, 'UTC', null);
    triggers().scheduleContinuation(60_000, 'run-1');
    triggers().disableDaily();
    expect(app.timeDriven()).toEqual(['continueSync']);
    triggers().finishContinuation();
    expect(app.triggers).toHaveLength(0);
  });

  it('says so when the schedule is being changed by another execution', () => {
    const { triggers, lock } = setup();
    lock.busy = true;
    expect(() => triggers().enableDaily(6, 'UTC', null)).toThrow(/in progress/);
  });
});
