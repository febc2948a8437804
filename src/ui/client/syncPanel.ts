/** The Sync card (Sync now, its hint and result) and the Last run card. */
import { clearError, clearNotice, showError, whenAnswered } from './banners';
import { append, byId, clear, el } from './dom';
import { isConnected, isSetUp, type Sidebar, type SidebarState, type SyncSummary } from './sidebar';
import { summaryView } from './summary';

/** While a sync started elsewhere (daily trigger, menu, another person) is running. */
const RUNNING_POLL_EVERY_MS = 15000;

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
      'A sync of this spreadsheet is running now (daily sync or another person). This updates when it ends.';
    hint.hidden = false;
  } else if (sync.notices && sync.notices.length) {
    hint.textContent = sync.notices.join(' ');
    hint.hidden = false;
  } else {
    hint.hidden = true;
  }
  updateSyncButtons(ui);
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

/** Sync now was clicked. */
export function syncNow(ui: Sidebar): void {
  if (ui.syncBusy) return;
  clearError();
  clearNotice();
  byId('preview-result').hidden = true;
  byId('sync-result').hidden = true;
  setBusy(ui, 'Syncing\u2026 this can take a few minutes. You can keep working in the sheet.');
  whenAnswered(
    ui.server.call('syncNow'),
    (summary) => {
      setBusy(ui, null);
      showSyncResult(ui, summary);
      ui.refresh({ now: true });
    },
    (error) => {
      setBusy(ui, null);
      showError('The sync did not finish', error);
      ui.refresh({ now: true });
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

/** Polls while a sync started elsewhere runs, so the sidebar shows when it ends. */
export function watchRunningSync(ui: Sidebar, running: boolean): void {
  if (running && ui.runningTimer === null) {
    ui.runningTimer = window.setInterval(() => {
      if (ui.server.idle()) ui.refresh();
    }, RUNNING_POLL_EVERY_MS);
  } else if (!running && ui.runningTimer !== null) {
    window.clearInterval(ui.runningTimer);
    ui.runningTimer = null;
  }
}
