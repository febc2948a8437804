import {
  NEXT_PART_GRACE_MS,
  progressKey,
  progressView,
  PropertiesProgress,
  lastRunWithoutNextPart,
  renewNextPart,
  runStartOf,
  withdrawNextPart,
  type ProgressRecord,
} from '../../../src/sync/progress';
import { uniqueId } from '../../../src/sync/ports';
import type { LeaseRecord } from '../../../src/sync/lease';
import { progressText } from '../../../src/ui/progressText';

class MemoryStore {
  readonly values = new Map<string, string>();
  writes = 0;
  getProperty(key: string): string | null {
    return this.values.get(key) ?? null;
  }
  setProperty(key: string, value: string): void {
    this.writes += 1;
    this.values.set(key, value);
  }
  deleteProperty(key: string): void {
    this.values.delete(key);
  }
}

const T0 = Date.UTC(2026, 11, 7, 10, 0, 0);
const where = { timeZone: 'UTC', locale: 'en-US' };

function setup(owner = 'lease-a') {
  const store = new MemoryStore();
  const clock = { t: T0, now: () => clock.t };
  const progress = new PropertiesProgress(store, 'sheet1', clock, () => owner);
  const record = (): ProgressRecord | null => {
    const text = store.getProperty(progressKey('sheet1'));
    return text ? (JSON.parse(text) as ProgressRecord) : null;
  };
  const holder = (who = owner): LeaseRecord => ({ owner: who, expiresAt: clock.t + 60_000 });
  return { store, clock, progress, record, holder };
}

describe('the progress record', () => {
  it('is one write when the work is known and one per chunk, and gone when the run ends', () => {
    const { store, clock, progress, record } = setup();
    progress.begin('run1', 3000);
    clock.t += 80_000;
    progress.advance(1000);
    clock.t += 40_000;
    progress.advance(1000);
    expect(store.writes).toBe(3);
    expect(record()).toMatchObject({ rowsDone: 2000, rowsToDo: 3000 });
    progress.end(null);
    expect(record()).toBeNull();
  });

  it('is shown only while the execution that wrote it holds the lease', () => {
    const { clock, progress, record, holder } = setup();
    progress.begin('run1', 3000);
    expect(progressView(record(), holder(), clock.t)).toMatchObject({
      state: 'running',
      rowsDone: 0,
      rowsToDo: 3000,
    });
    // Another execution holds the lease (this one was killed): not its progress.
    expect(progressView(record(), holder('lease-b'), clock.t)).toBeNull();
    // Nobody holds it and no next part is due: nothing runs.
    expect(progressView(record(), null, clock.t)).toBeNull();
  });

  it('estimates the time left from the chunks after the first, not before', () => {
    const { clock, progress, record, holder } = setup();
    progress.begin('run1', 3000);
    clock.t += 80_000;
    progress.advance(1000);
    const first = progressView(record(), holder(), clock.t);
    expect(first && progressText(first, where)).toBe('1,000 of 3,000 rows');
    clock.t += 40_000;
    progress.advance(1000);
    clock.t += 5_000;
    const second = progressView(record(), holder(), clock.t);
    // 1,000 rows in 40 s: 1,000 left is 40 s, 5 s of them spent.
    expect(second && progressText(second, where)).toBe(
      '2,000 of 3,000 rows · less than a minute left',
    );
  });

  it('between parts says when the next part is due, and the next part counts on', () => {
    const { clock, progress, record } = setup();
    progress.begin('run1', 10_000);
    progress.advance(7000);
    const nextAt = T0 + 5 * 60_000;
    progress.end(nextAt);
    const between = progressView(record(), null, clock.t);
    expect(between && progressText(between, where, clock.t)).toBe(
      '7,000 of 10,000 rows · the next part starts at about 10:05 AM',
    );
    expect(progressView(record(), null, nextAt + NEXT_PART_GRACE_MS)).toBeNull();

    const next = setup('lease-c');
    next.store.values.set(progressKey('sheet1'), JSON.stringify(record()));
    next.clock.t = nextAt;
    next.progress.begin('run1', 10_000, 7000);
    expect(next.record()).toMatchObject({ rowsDone: 7000, rowsToDo: 10_000, lease: 'lease-c' });
    // A new run does not count the rows of another.
    next.progress.begin('run2', 3000);
    expect(next.record()).toMatchObject({ rowsDone: 0, rowsToDo: 3000 });
  });

  it("waiting for Keap's daily limit, says the next part starts after the reset, hours away", () => {
    const { clock, progress, record } = setup();
    progress.begin('run1', 3000);
    progress.advance(1000);
    const reset = Date.UTC(2026, 11, 8, 0, 0, 0);
    progress.end(reset, true, true);
    const between = progressView(record(), null, clock.t);
    expect(between).toMatchObject({ state: 'next-part', afterKeapReset: true });
    expect(between && progressText(between, where, clock.t)).toBe(
      '1,000 of 3,000 rows · the next part starts after 12:00 AM, when Keap resets its daily limit',
    );
    // The same time ahead for an ordinary next part is not believed (an older record).
    progress.end(reset, true);
    expect(progressView(record(), null, clock.t)).toBeNull();
    // Nothing will continue it by itself: no time is promised.
    progress.end(null, true, true);
    expect(progressView(record(), null, clock.t)).toBeNull();
  });

  it("shows no next part once the last run of the record's run, or a later one, completed", () => {
    const { clock, progress, record } = setup();
    const runId = uniqueId(T0 - 60_000);
    expect(runStartOf(runId)).toBe(T0 - 60_000);
    progress.begin(runId, 12_000);
    progress.advance(7000);
    progress.end(T0 + 5 * 60_000);
    const run = (outcome: string, startedAt: number) => ({
      outcome,
      startedAt: new Date(startedAt).toISOString(),
    });
    // Between parts the last run is this run's first part: it continues.
    const continuing = progressView(record(), null, clock.t, run('continuing', T0 - 60_000));
    expect(continuing).toMatchObject({ state: 'next-part' });
    // An earlier run's completion says nothing about this one.
    expect(progressView(record(), null, clock.t, run('completed', T0 - 3_600_000))).not.toBeNull();
    // This run completed (its follow-up could not delete the record), or a later one did.
    expect(progressView(record(), null, clock.t, run('completed', T0 - 60_000))).toBeNull();
    expect(progressView(record(), null, clock.t, run('completed', T0))).toBeNull();
  });

  it("a withdrawn next part is not shown; only the named run's record is changed", () => {
    const { store, clock, progress, record } = setup();
    progress.begin('run1', 3000);
    progress.advance(1000);
    progress.end(Date.UTC(2026, 11, 8), true, true);
    withdrawNextPart(store, 'sheet1', 'run2');
    expect(progressView(record(), null, clock.t)).toMatchObject({ afterKeapReset: true });
    withdrawNextPart(store, 'sheet1', 'run1');
    expect(record()).toMatchObject({ runId: 'run1', rowsDone: 1000, nextAt: null });
    expect(progressView(record(), null, clock.t)).toBeNull();
    // Keap connected again and the run carried: said again, for the named run only.
    renewNextPart(store, 'sheet1', 'run2', Date.UTC(2026, 11, 8));
    expect(progressView(record(), null, clock.t)).toBeNull();
    renewNextPart(store, 'sheet1', 'run1', Date.UTC(2026, 11, 8));
    expect(progressView(record(), null, clock.t)).toMatchObject({ afterKeapReset: true });
  });

  it("a daily-limit stop's message says nothing continues it once its next part is withdrawn", () => {
    const { store, progress, record } = setup();
    const runId = uniqueId(T0);
    progress.begin(runId, 3000);
    progress.advance(1000);
    progress.end(Date.UTC(2026, 11, 8), true, true);
    const stop = {
      outcome: 'daily-limit',
      startedAt: new Date(T0).toISOString(),
      message: '2000 rows continue after Tue, Dec 8, 12:00 AM, when Keap resets the limit.',
    };
    expect(lastRunWithoutNextPart(stop, record())).toBe(stop);
    withdrawNextPart(store, 'sheet1', runId);
    expect(lastRunWithoutNextPart(stop, record())?.message).toMatch(
      /resets the limit\. Nothing continues it by itself now/,
    );
    // Another run's stop, or another outcome, is left as it is.
    const earlier = { ...stop, startedAt: new Date(T0 - 86_400_000).toISOString() };
    expect(lastRunWithoutNextPart(earlier, record())).toBe(earlier);
    expect(lastRunWithoutNextPart({ ...stop, outcome: 'completed' }, record())?.message).toBe(
      stop.message,
    );
  });

  it("another person's wait for Keap's reset is told as conditional, on the locale's clock", () => {
    const view = {
      state: 'next-part' as const,
      rowsDone: 1672,
      rowsToDo: 3000,
      nextAt: '2026-12-08T00:00:00.000Z',
      afterKeapReset: true,
      carrierUnknown: true,
    };
    expect(progressText(view, where, T0)).toBe(
      "1,672 of 3,000 rows · if its starter's schedule is still on, it goes on after 12:00 AM, when Keap resets its daily limit",
    );
    expect(progressText(view, { timeZone: 'UTC', locale: 'de-DE' }, T0)).toMatch(
      /it goes on after 00:00, when Keap resets its daily limit$/,
    );
  });
});
