/** The Sync card (Sync now, its hint and result) and the Last run card. */
import { clearError, clearNotice, showError, whenAnswered } from './banners';
import { append, byId, clear, el } from './dom';
import { isConnected, isSetUp, type Sidebar, type SidebarState, type SyncSummary } from './sidebar';
import { summaryView } from './summary';

/**
 * While a sync runs (this sidebar's Sync now, the daily trigger, the menu, another person),
 * and while a run waits for its next part: the progress is asked this often. One state call
 * at a time (state.ts), beside at most the Sync now call: never more than two at once.
 */
const RUNNING_POLL_EVERY_MS = 5000;
/** While a run waits for its next part (the part's start shows the running progress). */
const NEXT_PART_POLL_EVERY_MS = 30000;

/** The Sync card for this state. */
export function renderSync(ui: Sidebar, sync: SidebarState['sync']): void {
  byId('sync-section').hidden = !isSetUp(ui);
  // A preview belongs to the connection it was made with.
  if (!isConnected(ui)) byId('preview-result').hidden = true;
  const hint = byId('sync-hint');
  if (!isConnected(ui)) {
    hint.textContent = 'Connect to Keap first to sync or preview.';
    hint.hidden = false;
  } else if (sync.running && !ui.syncBusy) {
    hint.textContent =
      'A sync of this spreadsheet is running now (daily sync, menu or another person). This updates as it goes.';
    hint.hidden = false;
  } else if (sync.notices && sync.notices.length) {
    hint.textContent = sync.notices.join(' ');
    hint.hidden = false;
  } else {
    hint.hidden = true;
  }
  renderProgress(sync);
  updateSyncButtons(ui);
}

/** Rows done out of rows to do, and the time left or when the next part is due. */
function renderProgress(sync: SidebarState['sync']): void {
  const box = byId('sync-progress');
  const progress = sync.progress;
  const text = sync.progressText;
  if (!progress || !text) {
    box.hidden = true;
    delete box.dataset.state;
    return;
  }
  box.dataset.state = progress.state;
  const share = progress.rowsToDo > 0 ? progress.rowsDone / progress.rowsToDo : 0;
  byId('sync-progress-bar').style.width = `${Math.round(Math.min(1, share) * 100)}%`;
  byId('sync-progress-text').textContent =
    progress.state === 'running' ? text : `This sync continues in parts: ${text}.`;
  box.hidden = false;
}

function updateSyncButtons(ui: Sidebar): void {
  const blocked = !isConnected(ui) || ui.syncBusy || (ui.current && ui.current.sync.running);
  byId<HTMLButtonElement>('sync-now').disabled = Boolean(blocked);
  byId<HTMLButtonElement>('preview').disabled = Boolean(blocked);
}

/**
 * Shows what is under way (Sync now, Preview) and blocks both buttons meanwhile.
 * @param text the words beside the spinner; null when done
 */
export function setBusy(ui: Sidebar, text: string | null): void {
  ui.syncBusy = Boolean(text);
  byId('sync-busy-text').textContent = text || '';
  byId('sync-busy').hidden = !text;
  updateSyncButtons(ui);
}

/**
 * Runs one of the Sync card's calls (Sync now, Preview changes): none while another is under
 * way; the earlier banners and results go, the spinner shows `busyText` until it is answered.
 * `settled` runs after either answer has been shown.
 */
export function runSyncCardCall<T>(
  ui: Sidebar,
  busyText: string,
  call: () => Promise<T>,
  answer: { shown: (result: T) => void; failedTitle: string; settled?: () => void },
): void {
  if (ui.syncBusy) return;
  clearError();
  clearNotice();
  byId('preview-result').hidden = true;
  byId('sync-result').hidden = true;
  setBusy(ui, busyText);
  whenAnswered(
    call(),
    (result) => {
      setBusy(ui, null);
      answer.shown(result);
      answer.settled?.();
    },
    (error) => {
      setBusy(ui, null);
      showError(answer.failedTitle, error);
      answer.settled?.();
    },
  );
}

/** Sync now was clicked. */
export function syncNow(ui: Sidebar): void {
  runSyncCardCall(
    ui,
    'Syncing\u2026 this can take a few minutes. You can keep working in the sheet.',
    () => {
      // The progress is asked for while the sync runs (its lease shows it running).
      watchRunningSync(ui, true);
      return ui.server.call('syncNow');
    },
    {
      shown: (summary) => showSyncResult(ui, summary),
      failedTitle: 'The sync did not finish',
      settled: () => ui.refresh({ now: true }),
    },
  );
}

function showSyncResult(ui: Sidebar, summary: SyncSummary): void {
  ui.shownResultStartedAt = summary.startedAt;
  const box = clear(byId('sync-result'));
  append(box, summaryView(ui, summary, false));
  box.hidden = false;
  if (ui.current) renderLastRun(ui, ui.current.sync.lastRun);
}

/** The Last run card; hidden while the same run is shown under Sync now. */
export function renderLastRun(ui: Sidebar, lastRun: SyncSummary | null): void {
  const section = byId('last-run-section');
  const box = clear(byId('last-run'));
  if (!lastRun) {
    append(box, el('p', { className: 'muted', text: 'No sync has run yet.' }));
    section.hidden = !isSetUp(ui);
    return;
  }
  const shownAbove = lastRun.startedAt === ui.shownResultStartedAt && !byId('sync-result').hidden;
  section.hidden = shownAbove;
  if (!shownAbove) append(box, summaryView(ui, lastRun, true));
}

/**
 * Polls while a sync runs (also this sidebar's own Sync now, whose call stays open meanwhile),
 * so the progress advances and the end shows; more slowly while a run waits for its next
 * part. A poll is skipped while a state call is under way (state.ts), so with Sync now open
 * at most two calls run at once.
 */
export function watchRunningSync(ui: Sidebar, running: boolean, waitingForNextPart = false): void {
  const every = running ? RUNNING_POLL_EVERY_MS : waitingForNextPart ? NEXT_PART_POLL_EVERY_MS : 0;
  if (ui.runningTimer !== null && every === ui.runningEvery) return;
  if (ui.runningTimer !== null) {
    window.clearInterval(ui.runningTimer);
    ui.runningTimer = null;
  }
  ui.runningEvery = every;
  if (every === 0) return;
  ui.runningTimer = window.setInterval(() => {
    if (ui.server.idle() || (ui.syncBusy && ui.stateCalls.pending === 0)) ui.refresh();
  }, every);
}
