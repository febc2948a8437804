/**
 * The words of a sync's progress, as the sidebar shows them: "1,200 of 3,000 rows · about
 * 2 min left" while it runs, "1,000 of 3,000 rows · the next part starts at about 10:42"
 * between two parts of a long run ("· the next part starts after 12:00 AM, when Keap resets
 * its daily limit" when it waits for that; in another person's run "· if its starter's
 * schedule is still on, it goes on after 12:00 AM, …", as only they can read their triggers).
 * Times of day on the spreadsheet locale's clock (src/sync/dateText.ts). The time left is estimated from this part's rate so far,
 * and only once it means something (measured over chunks after the first one).
 */
import type { SyncProgressView } from '../sync/progress';
import { clockTimeOf } from '../sync/statusText';
import { SYNC_LIMITS } from '../sync/budget';

/**
 * No estimate before the rate is known: rows answered after the part's first chunk, over at
 * least this long (the first chunk's time also holds the start of the part).
 */
export const MIN_MS_FOR_ESTIMATE = 10_000;

function rowsText(done: number, toDo: number, locale: string): string {
  let format: Intl.NumberFormat;
  try {
    format = new Intl.NumberFormat(locale);
  } catch {
    format = new Intl.NumberFormat('en-US');
  }
  return `${format.format(done)} of ${format.format(toDo)} ${toDo === 1 ? 'row' : 'rows'}`;
}

/**
 * "about 2 min left"; "the rest continues in a later part" when the rows left take longer
 * than this execution may still send rows to Keap (the next part may be an hour away); null
 * while no estimate is meaningful.
 */
export function timeLeftText(
  progress: Extract<SyncProgressView, { state: 'running' }>,
): string | null {
  const { rowsDone, rowsToDo, rowsThisPart, msThisPart, msSinceUpdate } = progress;
  if (rowsThisPart <= 0 || msThisPart < MIN_MS_FOR_ESTIMATE || rowsDone >= rowsToDo) return null;
  const rowsLeft = rowsToDo - rowsDone;
  const msPerRow = msThisPart / rowsThisPart;
  // The time since the last record counts only against the chunk in flight: the rows after
  // it still take their time at the rate measured.
  const afterChunk = Math.max(0, rowsLeft - SYNC_LIMITS.chunkSize) * msPerRow;
  const leftMs = Math.max(rowsLeft * msPerRow - msSinceUpdate, afterChunk);
  const inPart = progress.msLeftInPart;
  if (typeof inPart === 'number' && leftMs > inPart) return 'the rest continues in a later part';
  // A chunk held up far beyond its time: the rate says nothing sure now.
  if (msSinceUpdate > 3 * Math.min(rowsLeft, SYNC_LIMITS.chunkSize) * msPerRow + 60_000) {
    return null;
  }
  if (leftMs < 60_000) return 'less than a minute left';
  const minutes = Math.round(leftMs / 60_000);
  if (minutes < 90) return `about ${minutes} min left`;
  return `about ${Math.round(minutes / 60)} h left`;
}

export function progressText(
  progress: SyncProgressView,
  where: { timeZone: string; locale: string },
  nowMs: number = Date.now(),
): string {
  const rows = rowsText(progress.rowsDone, progress.rowsToDo, where.locale);
  if (progress.state === 'running') {
    const left = timeLeftText(progress);
    return left === null ? rows : `${rows} · ${left}`;
  }
  const at = Date.parse(progress.nextAt);
  if (!Number.isFinite(at) || at <= nowMs) return `${rows} · the next part starts any moment now`;
  const time = clockTimeOf(at, { timeZone: where.timeZone || 'UTC', locale: where.locale });
  if (progress.afterKeapReset && progress.carrierUnknown) {
    // Another person's run: only they can read whether a trigger of theirs still continues
    // it (a deleted trigger, a schedule turned off), so it is not promised.
    return `${rows} · if its starter's schedule is still on, it goes on after ${time}, when Keap resets its daily limit`;
  }
  if (progress.afterKeapReset) {
    return `${rows} · the next part starts after ${time}, when Keap resets its daily limit`;
  }
  return `${rows} · the next part starts at about ${time}`;
}

/** A fresh copy by name (sidebarState.ts passes nothing it did not name). */
export function copyProgress(view: SyncProgressView | null | undefined): SyncProgressView | null {
  if (!view) return null;
  const n = (value: unknown): number => {
    const number = Number(value);
    return Number.isFinite(number) && number >= 0 ? number : 0;
  };
  if (view.state === 'running') {
    return {
      state: 'running',
      rowsDone: n(view.rowsDone),
      rowsToDo: n(view.rowsToDo),
      rowsThisPart: n(view.rowsThisPart),
      msThisPart: n(view.msThisPart),
      msSinceUpdate: n(view.msSinceUpdate),
      msLeftInPart:
        view.msLeftInPart === null || view.msLeftInPart === undefined ? null : n(view.msLeftInPart),
    };
  }
  if (view.state === 'next-part') {
    return {
      state: 'next-part',
      rowsDone: n(view.rowsDone),
      rowsToDo: n(view.rowsToDo),
      nextAt: String(view.nextAt),
      ...(view.afterKeapReset === true ? { afterKeapReset: true } : {}),
      ...(view.carrierUnknown === true ? { carrierUnknown: true } : {}),
    };
  }
  return null;
}
