/**
 * Red team on issue #16's live progress (src/sync/progress.ts, src/ui/progressText.ts): a
 * killed execution, a follow-up that never fires, odd records in the property, a failing
 * property store, rows sorted between two chunks, and what the sidebar exposes. Defects are
 * `test.failing` with what happens and what should.
 */
import type { ExecutionContext, ExecutionResult } from '../gas-runtime';
import { emailNamedIn, idle, PAST_LEASE_MS } from './support/reliability';
import { connectedWorld, longWorld, progressRecord, rowsOf, type Summary } from './support/sync';
import { CLIENT_ID, EDITOR, OWNER, type World } from './world';
import { fireNext } from './support/hourly';

/**
 * A time of day as an en-US sheet says it ("08:09 AM"): its locale's own clock, like every
 * moment it shows (src/sync/dateText.ts formatTimeOfDay), no longer a fixed 24-hour "08:09".
 */
function clockOf(epochMs: number, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat('en-US', { hour: '2-digit', minute: '2-digit', timeZone }).format(
    epochMs,
  );
}

const HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
const MINUTE = 60_000;

interface SidebarView {
  sync: {
    running: boolean;
    progress?: Record<string, unknown> | null;
    progressText?: string | null;
    notices?: string[];
  };
}

function progressKeyOf(w: World): string {
  return `keapSync.progress.${w.spreadsheetId}`;
}

function sidebar(w: World, user = EDITOR): SidebarView {
  return w.call<SidebarView>('getSidebarState', [], user);
}

interface Look {
  n: number;
  text: string | null | undefined;
  progress: Record<string, unknown> | null | undefined;
}

/** Each time the progress record changes, the editor looks (a second execution). */
function looking(w: World, looks: Look[], extra?: (look: Look) => void) {
  let seen = progressRecord(w);
  let busy = false;
  const hook: ExecutionContext['onServiceCall'] = ({ n }) => {
    const now = progressRecord(w);
    if (busy || now === seen) return;
    seen = now;
    busy = true;
    try {
      const state = sidebar(w);
      const look = { n, text: state.sync.progressText, progress: state.sync.progress };
      looks.push(look);
      extra?.(look);
    } finally {
      busy = false;
    }
  };
  return hook;
}

function syncNow(w: World, ctx: ExecutionContext = {}): ExecutionResult<Summary> {
  return w.rt.run<Summary>('syncNow', [], {
    user: OWNER,
    spreadsheetId: w.spreadsheetId,
    authMode: 'FULL',
    ...ctx,
  });
}

describe('an execution killed at the 6-minute limit in the middle of a chunk', () => {
  // The service call at which the 3,000-row sync has shown 1,000 rows done: killed a little after.
  let killAt = 0;
  let w: World;
  let killed: ExecutionResult<Summary>;

  beforeAll(() => {
    const probe = longWorld(3000, 10_001);
    const looks: Look[] = [];
    syncNow(probe, { onServiceCall: looking(probe, looks) });
    const at1000 = looks.find((look) => rowsOf(look.text)?.done === 1000);
    killAt = (at1000?.n ?? 0) + 3;
    w = longWorld(3000, 10_001);
    killed = syncNow(w, { killAfterServiceCalls: killAt });
  });

  it('is killed with 1,000 rows shown done', () => {
    expect(killAt).toBeGreaterThan(3);
    expect(killed.killed).toBe(true);
    expect(JSON.parse(String(progressRecord(w))).rowsDone).toBe(1000);
  });

  it('shows it running at most until the 6-minute limit of the killed execution, then not', () => {
    w.clock.set(killed.startedAt + 6 * MINUTE + 30_000);
    const state = sidebar(w);
    expect(state.sync.running).toBe(false);
    expect(state.sync.progress).toBeUndefined();
  });

  it('once its lease has expired, the dead run is not shown as running', () => {
    idle(w, PAST_LEASE_MS);
    const state = sidebar(w);
    expect(state.sync.running).toBe(false);
    expect(state.sync.progress).toBeUndefined();
    expect(state.sync.progressText).toBeUndefined();
  });

  // DEFECT (moderate): the next execution of the same run (its checkpoint kept the first
  // 1,000 rows) starts its progress at "0 of 2,000 rows": a killed execution's record has no
  // nextAt, so PropertiesProgress.begin (src/sync/progress.ts, `earlier.nextAt ? … : 0`)
  // forgets the rows the run already did and the count shrinks from 3,000 to 2,000. It should
  // go on from "1,000 of 3,000 rows", as it does after a planned follow-up.
  test('the next execution of the run counts on from the rows already done', () => {
    const looks: Look[] = [];
    const next = syncNow(w, { onServiceCall: looking(w, looks) });
    expect(next.value?.outcome).toBe('completed');
    expect(rowsOf(looks[0]?.text)).toEqual({ done: 1000, toDo: 3000 });
  });
});

describe('a run with work left whose follow-up never fires', () => {
  let w: World;
  let nextAt = 0;

  beforeAll(() => {
    w = longWorld(12_000, 20_001);
    const first = syncNow(w);
    expect(first.value?.outcome).toBe('continuing');
    nextAt = Math.min(...w.rt.triggers(OWNER).map((t) => t.nextRunAt ?? Infinity));
  });

  it('says when the next part starts, a time that is the follow-up trigger’s real firing', () => {
    const state = sidebar(w);
    const due = clockOf(nextAt);
    expect(state.sync.progressText).toMatch(
      new RegExp(`^[\\d,]+ of 12,000 rows · the next part starts at about ${due}$`),
    );
  });

  it('just after it was due, says "any moment now", never a time in the past', () => {
    w.clock.set(nextAt + 2 * MINUTE);
    const state = sidebar(w);
    expect(state.sync.progressText).toMatch(
      /^[\d,]+ of 12,000 rows · the next part starts any moment now$/,
    );
  });

  it('10 minutes after it was due, the promise is gone (not shown forever)', () => {
    w.clock.set(nextAt + 11 * MINUTE);
    const state = sidebar(w);
    expect(state.sync.progress).toBeUndefined();
    expect(String(state.sync.progressText ?? '')).not.toMatch(/next part/);
  });
});

describe('odd records in the progress property', () => {
  it('garbage JSON: the sidebar shows no progress and the sync completes', () => {
    const w = longWorld(50, 30_001);
    w.rt.setScriptProperty(progressKeyOf(w), '{"rowsDone": 12, oops');
    const state = sidebar(w);
    expect(state.sync.progress).toBeUndefined();
    const run = syncNow(w);
    expect(run.value?.outcome).toBe('completed');
    expect(run.value?.emailsUpdated).toBe(50);
    expect(progressRecord(w)).toBeUndefined();
  });

  it('negative and huge numbers never show a negative count or crash the sidebar', () => {
    const w = longWorld(5, 31_001);
    w.rt.setScriptProperty(
      progressKeyOf(w),
      JSON.stringify({
        runId: 'old',
        lease: 'x',
        rowsDone: -500,
        rowsToDo: 2000,
        nextAt: w.clock.now() + 5 * MINUTE,
      }),
    );
    const state = sidebar(w);
    expect(state.sync.progressText ?? '').not.toMatch(/-/);
    w.rt.setScriptProperty(
      progressKeyOf(w),
      JSON.stringify({ runId: 'old', lease: 'x', rowsDone: 1e300, rowsToDo: 1e308, nextAt: 1e300 }),
    );
    expect(() => sidebar(w)).not.toThrow();
    expect(sidebar(w).sync.progress).toBeUndefined();
  });

  it('a record of a lease nobody holds, with no next part, is not shown as running', () => {
    const w = longWorld(5, 32_001);
    w.rt.setScriptProperty(
      progressKeyOf(w),
      JSON.stringify({ runId: 'r', lease: 'someone', rowsDone: 10, rowsToDo: 20, updatedAt: 0 }),
    );
    const state = sidebar(w);
    expect(state.sync.running).toBe(false);
    expect(state.sync.progress).toBeUndefined();
  });

  // DEFECT (minor): a record whose next part is a year away (an older version's record, a
  // hand-edited property) is shown for a whole year as "5 of 10 rows · the next part starts at
  // about HH:MM", a clock time with no date (progressView in src/sync/progress.ts bounds
  // nextAt only from below). A follow-up is never more than about an hour away: such a record
  // should not be shown (or at least should carry its date).
  test('a next part a year away is not promised as a clock time', () => {
    const w = longWorld(5, 33_001);
    w.rt.setScriptProperty(
      progressKeyOf(w),
      JSON.stringify({
        runId: 'r',
        lease: 'gone',
        rowsDone: 5,
        rowsToDo: 10,
        updatedAt: w.clock.now(),
        nextAt: w.clock.now() + 365 * 24 * 60 * MINUTE,
      }),
    );
    const state = sidebar(w);
    expect(state.sync.progressText ?? '').not.toMatch(/the next part starts at about \d\d:\d\d$/);
  });
});

describe('PropertiesService failing on the progress write', () => {
  it('the sync goes on and completes, statuses on every row, no progress shown', () => {
    const w = longWorld(2000, 40_001);
    w.rt.faults.failPropertyWrites = (key) => key.startsWith('keapSync.progress.');
    const looks: Look[] = [];
    const run = syncNow(w, { onServiceCall: looking(w, looks) });
    w.rt.faults.failPropertyWrites = undefined;
    expect(run.error).toBeUndefined();
    expect(run.value?.outcome).toBe('completed');
    expect(run.value?.emailsUpdated).toBe(2000);
    expect(w.column('Sync Status').every((s) => String(s).startsWith('Updated'))).toBe(true);
    expect(progressRecord(w)).toBeUndefined();
    expect(sidebar(w).sync.progress).toBeUndefined();
  });
});

describe('while a sync runs', () => {
  let w: World;
  let looks: Look[];
  let run: ExecutionResult<Summary>;
  const added = 700;

  beforeAll(() => {
    w = longWorld(3000, 50_001);
    for (let i = 0; i < added; i++) w.addContact(60_001 + i, `oldx${i}@example.com`);
    looks = [];
    let grown = false;
    run = syncNow(w, {
      onServiceCall: looking(w, looks, (look) => {
        // Rows added at the end of the sheet after the first chunk is done.
        if (grown || rowsOf(look.text)?.done !== 1000) return;
        grown = true;
        const rows = Array.from({ length: added }, (_, i) => [
          60_001 + i,
          `new${i}@example.com`,
          '',
          '',
        ]);
        w.sheet().setValues(3002, 1, rows);
      }),
    });
  });

  it('completes', () => {
    expect(run.error).toBeUndefined();
    expect(run.value?.outcome).toBe('completed');
  });

  it('never shows more rows done than rows to do, and the count only grows', () => {
    // The last look comes after the record is cleared (the run is over): no text.
    const counts = looks.filter((look) => look.progress).map((look) => rowsOf(look.text));
    expect(counts.length).toBeGreaterThanOrEqual(4);
    expect(counts.every((c) => c !== null && c.done <= c.toDo)).toBe(true);
    const done = counts.map((c) => c?.done ?? 0);
    expect(done).toEqual([...done].sort((a, b) => a - b));
  });

  it('tells the sidebar counts only: no emails, no ids, no lease owner', () => {
    const allowed = [
      'state',
      'rowsDone',
      'rowsToDo',
      'rowsThisPart',
      'msThisPart',
      'msSinceUpdate',
      'msLeftInPart',
    ];
    for (const look of looks.filter((l) => l.progress)) {
      expect(Object.keys(look.progress ?? {}).every((key) => allowed.includes(key))).toBe(true);
      const json = JSON.stringify(look.progress);
      expect(json).not.toMatch(/@|example|owner|lease|runId/i);
    }
  });

  it('writes the progress property a handful of times, not per row (property write quota)', () => {
    // Every change of the record was seen: one begin, one per chunk, one end.
    expect(looks.length).toBeLessThanOrEqual(Math.ceil((3000 + added) / 1000) + 3);
  });

  it('the time left is never negative nor absurd', () => {
    for (const look of looks) {
      expect(look.text ?? '').not.toMatch(/-\d|about \d{3,} min| h left/);
    }
  });
});

describe('the user sorts the sheet between two chunks of the same execution', () => {
  it('every status lands on the row it is about', () => {
    const w = longWorld(2500, 70_001);
    const looks: Look[] = [];
    let sorted = false;
    const run = syncNow(w, {
      onServiceCall: looking(w, looks, (look) => {
        if (sorted || rowsOf(look.text)?.done !== 1000) return;
        sorted = true;
        // Sort Z→A by email: whole rows move, statuses written so far with them.
        const [, ...rows] = w.sheet().values();
        const emailAt = 1;
        const reordered = [...rows].sort((a, b) =>
          String(b[emailAt]).localeCompare(String(a[emailAt])),
        );
        w.sheet().setValues(2, 1, reordered);
      }),
    });
    expect(sorted).toBe(true);
    expect(run.error).toBeUndefined();
    const [headers, ...rows] = w.sheet().values();
    const status = headers.indexOf('Sync Status');
    const email = headers.indexOf('Email');
    const wrong = rows.filter((row) => {
      const named = emailNamedIn(String(row[status] ?? ''));
      return named !== null && named !== row[email];
    });
    expect(wrong).toEqual([]);
    expect(rows.every((row) => String(row[status] ?? '') !== '')).toBe(true);
  });
});

describe("a run that stops for Keap's daily limit", () => {
  let w: World;
  let stopped: ExecutionResult<Summary>;
  const APP = { clientId: CLIENT_ID };

  beforeAll(() => {
    w = longWorld(3000, 80_001, { sim: { limits: { clientPerDay: 100_000 } } });
    w.sim.spendDailyQuota(APP, w.sim.dailyQuotaLeft(APP) - 1800);
    stopped = syncNow(w);
  });

  it('stops for the limit with rows done', () => {
    expect(stopped.value?.outcome).toBe('daily-limit');
    expect(stopped.value?.emailsUpdated).toBeGreaterThan(0);
  });

  it('the sidebar says it waits for the limit and shows no running progress, only when the next part is due', () => {
    // The next part's time, for everyone (issue #16): the follow-up continues it after the reset.
    const nextPart = {
      state: 'next-part',
      afterKeapReset: true,
      nextAt: (stopped.value as { continuesAt?: string }).continuesAt,
    };
    const state = sidebar(w, OWNER);
    expect(state.sync.running).toBe(false);
    expect(state.sync.progress).toMatchObject(nextPart);
    expect(state.sync.notices?.join(' ')).toMatch(/daily request limit/);
    // Another person's sidebar: the same; the last run says why it stopped. Since #16c's
    // defect 2 it is conditional, as they cannot list the starter's triggers (redteam-16c), and
    // an en-US sheet's reset reads 12:00 AM (its locale's clock, as its messages).
    const theirs = sidebar(w) as SidebarView & { sync: { lastRun?: { outcome?: string } } };
    expect(theirs.sync.progress).toMatchObject(nextPart);
    expect(theirs.sync.progressText).toMatch(
      /^[\d,]+ of 3,000 rows · if its starter's schedule is still on, it goes on after 12:00 AM, when Keap resets its daily limit$/,
    );
    expect(theirs.sync.lastRun?.outcome).toBe('daily-limit');
  });

  // DEFECT (moderate): when the run goes on after Keap's reset, its progress starts again at
  // "0 of <rows left>" instead of counting on from the rows done before the stop: the record
  // is deleted at the stop (runSync.ts: `progress.end(outcome === 'continuing' ? nextPartAt :
  // null)`, a daily-limit stop passes null), so PropertiesProgress.begin (progress.ts) finds
  // no earlier rows. It should read "<done> of 3,000 rows".
  test('after the reset, the rest of the run counts on from the rows already done', () => {
    const done = stopped.value?.emailsUpdated ?? 0;
    const looks: Look[] = [];
    const reset = Date.parse(String((stopped.value as { continuesAt?: string }).continuesAt));
    w.clock.set(reset + 1);
    w.rt.nextFiringContext = { onServiceCall: looking(w, looks) };
    let fired: ExecutionResult<unknown>[] = [];
    for (let i = 0; i < 5 && fired.length === 0; i++) fired = fireNext(w);
    expect(fired.length).toBeGreaterThan(0);
    expect(rowsOf(looks[0]?.text)).toEqual({ done, toDo: 3000 });
  });
});

describe('two spreadsheets syncing at once', () => {
  it("each sidebar shows its own sheet's progress, never the other's", () => {
    const w = longWorld(2500, 90_001);
    const other = w.rt.createSpreadsheet({
      name: 'Other',
      sheets: {
        Contacts: [
          HEADERS,
          ...Array.from({ length: 1200 }, (_, i) => [95_001 + i, `o${i}@example.com`, '', '']),
        ],
      },
    });
    for (let i = 0; i < 1200; i++) w.addContact(95_001 + i, `oold${i}@example.com`);
    const otherLooks: (string | null | undefined)[] = [];
    let otherRun: ExecutionResult<Summary> | null = null;
    const looks: Look[] = [];
    const run = syncNow(w, {
      onServiceCall: looking(w, looks, (look) => {
        const seen = w.rt.run<SidebarView>('getSidebarState', [], {
          user: EDITOR,
          spreadsheetId: other,
          authMode: 'FULL',
        });
        otherLooks.push(seen.value?.sync.progressText);
        // While this sheet syncs, the other sheet's sync runs too (at 1,000 rows done here).
        if (otherRun === null && rowsOf(look.text)?.done === 1000) {
          const otherSeen: (string | null | undefined)[] = [];
          otherRun = w.rt.run<Summary>('syncNow', [], {
            user: OWNER,
            spreadsheetId: other,
            authMode: 'FULL',
            onServiceCall: () => {
              if (otherSeen.length > 0) return;
              otherSeen.push(sidebar(w).sync.progressText);
            },
          });
          // From inside the other sync, this sheet's sidebar still shows this sheet's count.
          expect(otherSeen.every((t) => t === undefined || /of 2,500 rows/.test(String(t)))).toBe(
            true,
          );
        }
      }),
    });
    expect(run.value?.outcome).toBe('completed');
    expect((otherRun as ExecutionResult<Summary> | null)?.value?.outcome).toBe('completed');
    expect(looks.filter((l) => l.progress).every((l) => /of 2,500 rows/.test(String(l.text)))).toBe(
      true,
    );
    // The other sheet, idle while this one ran (before and after its own sync), shows nothing.
    expect(otherLooks.every((t) => t === undefined)).toBe(true);
  });
});

describe('a second Sync now while a sync runs', () => {
  it("is refused and leaves the running sync's progress in place", () => {
    const w = longWorld(3000, 110_001);
    const looks: Look[] = [];
    let second: ExecutionResult<Summary> | null = null;
    let after: SidebarView | null = null;
    const run = syncNow(w, {
      onServiceCall: looking(w, looks, (look) => {
        if (second !== null || rowsOf(look.text)?.done !== 1000) return;
        second = w.rt.run<Summary>('syncNow', [], {
          user: EDITOR,
          spreadsheetId: w.spreadsheetId,
          authMode: 'FULL',
        });
        after = sidebar(w, OWNER);
      }),
    });
    expect(run.value?.outcome).toBe('completed');
    expect((second as ExecutionResult<Summary> | null)?.value?.outcome).toBe('busy');
    const view = after as SidebarView | null;
    expect(view?.sync.running).toBe(true);
    expect(view?.sync.progressText).toMatch(/^1,000 of 3,000 rows/);
  });
});

describe('Disconnect while a sync runs', () => {
  it('the run ends without leaving a progress that says it still runs or goes on', () => {
    const w = longWorld(3000, 120_001);
    const looks: Look[] = [];
    let disconnected = false;
    const run = syncNow(w, {
      onServiceCall: looking(w, looks, (look) => {
        if (disconnected || rowsOf(look.text)?.done !== 1000) return;
        disconnected = true;
        w.run('disconnect');
      }),
    });
    expect(disconnected).toBe(true);
    expect(run.error).toBeUndefined();
    idle(w, 20 * MINUTE);
    const state = sidebar(w, OWNER);
    expect(state.sync.running).toBe(false);
    expect(state.sync.progress).toBeUndefined();
    expect(state.sync.progressText ?? '').not.toMatch(/next part/);
  });
});

describe('the time left after a long pause (Keap throttling, a slow Google call)', () => {
  // DEFECT (minor): the estimate subtracts all the time since the last record from the
  // time the rows left take (timeLeftText in src/ui/progressText.ts, `- msSinceUpdate`), so a
  // chunk held up for a few minutes turns "2,000 of 5,000 rows · about 2 min left" into "less
  // than a minute left" while 3,000 rows are still to do. The time since the last record
  // should only count against the chunk in flight, never bring the rest below its own time.
  test('3,000 rows left at the measured rate are never "less than a minute left"', () => {
    const w = longWorld(5000, 130_001);
    const texts: string[] = [];
    let paused = false;
    syncNow(w, {
      onServiceCall: looking(w, [], (look) => {
        if (paused || rowsOf(look.text)?.done !== 2000) return;
        paused = true;
        texts.push(String(look.text));
        // The execution is held up in a call for 3 minutes; another sidebar looks meanwhile.
        w.clock.set(w.clock.now() + 3 * MINUTE);
        texts.push(String(sidebar(w).sync.progressText));
      }),
    });
    expect(texts[0]).toMatch(/about [2-9] min left$/);
    expect(texts[1]).not.toMatch(/less than a minute left$/);
  });
});

describe('rows without a Contact ID', () => {
  it('are counted so that the progress ends at all the rows it answered', () => {
    const w = longWorld(1500, 140_001);
    const noId = Array.from({ length: 600 }, (_, i) => ['', `noid${i}@example.com`, '', '']);
    w.sheet().setValues(1502, 1, noId);
    const looks: Look[] = [];
    const run = syncNow(w, { onServiceCall: looking(w, looks) });
    expect(run.value?.outcome).toBe('completed');
    const counts = looks.filter((l) => l.progress).map((l) => rowsOf(l.text));
    expect(counts.every((c) => c !== null && c.done <= c.toDo)).toBe(true);
  });

  // DEFECT (minor): 600 rows with an email but no Contact ID are left out of the progress, so
  // the sidebar counts "0 of 1,500 rows" … "1,500 of 1,500 rows" and then says "Synced 2100
  // rows: 1500 emails updated, … 600 errors": the two counts of the same run disagree, and the
  // 600 rows' statuses come with no progress at all (Execution.beginProgress in
  // src/sync/execution.ts counts only the units sent to Keap). The rows to do should be the
  // rows the run answers (2,100), as its summary counts them.
  test('the progress counts the same rows as the summary of the run', () => {
    const w = longWorld(1500, 150_001);
    const noId = Array.from({ length: 600 }, (_, i) => ['', `noid${i}@example.com`, '', '']);
    w.sheet().setValues(1502, 1, noId);
    const looks: Look[] = [];
    const run = syncNow(w, { onServiceCall: looking(w, looks) });
    expect(run.value?.rowsSeen).toBe(2100);
    const last = looks.filter((l) => l.progress).at(-1);
    expect(rowsOf(last?.text)).toEqual({ done: 2100, toDo: 2100 });
  });
});

describe('the time left of a run too long for one execution, installed as an add-on', () => {
  // DEFECT (moderate): an add-on's follow-up is the hourly trigger (one time-driven trigger per
  // document), yet the first part's estimate counts only this part's rate over all the rows
  // left (timeLeftText in src/ui/progressText.ts): "2,000 of 12,000 rows · about 7 min left"
  // for a run that ends about an hour later (66 min). With more rows left than one execution can do, the time
  // left should count the waits between parts (or not promise minutes at all).
  test('the first part does not promise minutes for a run that takes an hour', () => {
    const w = longWorld(12_000, 160_001, { runtime: { addOnMode: true } });
    const looks: Look[] = [];
    const first = syncNow(w, { onServiceCall: looking(w, looks) });
    expect(first.value?.outcome).toBe('continuing');
    const at2000 = looks.find((l) => rowsOf(l.text)?.done === 2000);
    const promised = /about (\d+) min left/.exec(String(at2000?.text));
    let last = first as ExecutionResult<unknown>;
    for (let i = 0; i < 10 && (last.value as Summary | null)?.outcome !== 'completed'; i++) {
      last = fireNext(w).at(-1) ?? last;
    }
    expect((last.value as Summary | null)?.outcome).toBe('completed');
    // From the start (the look was about 2 min in): an upper bound of the time really left.
    const realLeft = (last.endedAt - first.startedAt) / MINUTE;
    expect(realLeft).toBeGreaterThan(30);
    if (promised) expect(Number(promised[1]) * 3).toBeGreaterThanOrEqual(realLeft);
  });
});

describe("the next part's time in the spreadsheet's time zone", () => {
  function nextPartText(options: Parameters<typeof connectedWorld>[1]) {
    const w = longWorld(12_000, 170_001, options);
    const first = syncNow(w);
    expect(first.value?.outcome).toBe('continuing');
    const next = Math.min(...w.rt.triggers(OWNER).map((t) => t.nextRunAt ?? Infinity));
    return { text: sidebar(w).sync.progressText, next };
  }

  it("New York: the time of the real firing, on New York's clock", () => {
    const { text, next } = nextPartText({ runtime: { timeZone: 'America/New_York' } });
    const due = clockOf(next, 'America/New_York');
    expect(text).toMatch(new RegExp(`the next part starts at about ${due}$`));
  });

  it('an add-on (hourly follow-up): the hourly firing, not "in a minute"', () => {
    const { text, next } = nextPartText({ runtime: { addOnMode: true } });
    const due = clockOf(next);
    expect(text).toMatch(new RegExp(`the next part starts at about ${due}$`));
  });
});

describe('the follow-up trigger lost (deleted by hand) between two parts', () => {
  let w: World;
  let next = 0;

  beforeAll(() => {
    w = longWorld(12_000, 180_001);
    const first = syncNow(w);
    expect(first.value?.outcome).toBe('continuing');
    next = Math.min(...w.rt.triggers(OWNER).map((t) => t.nextRunAt ?? Infinity));
    for (const t of w.rt.triggers(OWNER)) w.rt.deleteTrigger(t.uid);
    w.clock.set(next + 11 * MINUTE);
  });

  it('after the grace, the promise of a next part is gone', () => {
    const theirs = sidebar(w);
    expect(theirs.sync.progress).toBeUndefined();
    expect(String(theirs.sync.progressText ?? '')).not.toMatch(/next part/);
  });

  // DEFECT (minor): once the 10 minutes past the lost follow-up have gone, the owner's sidebar
  // says nothing at all of a run with thousands of rows left: no progress, no last run (a
  // continuing run is not a last run), no notice; the owner's sidebar makes a new carrier for
  // the run (carryPendingRun) but does not say when it continues (progressView in
  // src/sync/progress.ts only knows the lost nextAt). It should say the rows done out of the
  // rows to do and when the rest continues.
  test('the owner is told the run has rows left and when they continue', () => {
    const mine = sidebar(w, OWNER) as SidebarView & { sync: { lastRun?: unknown } };
    const said = [mine.sync.progressText ?? '', ...(mine.sync.notices ?? [])].join(' ');
    expect(said).toMatch(/of 12,000 rows|continue/);
    // The time said is the repaired trigger's next firing.
    const repaired = Math.min(...w.rt.triggers(OWNER).map((t) => t.nextRunAt ?? Infinity));
    const due = clockOf(repaired);
    expect(mine.sync.progressText).toMatch(
      new RegExp(`^[\\d,]+ of 12,000 rows · the next part starts at about ${due}$`),
    );
  });
});

describe('Keap access lost in the middle of a run', () => {
  it('the sidebar shows no running progress and no next part once the run has stopped', () => {
    const w = longWorld(3000, 190_001);
    let revoked = false;
    const run = syncNow(w, {
      onServiceCall: looking(w, [], (look) => {
        if (revoked || rowsOf(look.text)?.done !== 1000) return;
        revoked = true;
        w.sim.revokeAccessTokens();
        w.sim.revokeRefreshTokens();
      }),
    });
    expect(revoked).toBe(true);
    expect(run.value?.outcome).toBe('needs-reconnect');
    const state = sidebar(w, OWNER) as SidebarView & { sync: { lastRun?: { message?: string } } };
    expect(state.sync.lastRun?.message).toMatch(/Reconnect/);
    expect(state.sync.running).toBe(false);
    expect(state.sync.progress).toBeUndefined();
    expect(progressRecord(w)).toBeUndefined();
  });
});
