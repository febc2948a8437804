/** Asking the server for the sidebar state and showing it in every card. */
import { showError, whenAnswered } from './banners';
import { renderConnection, renderLoadFailed } from './connection';
import { settleConsentWait } from './consent';
import { renderDaily } from './daily';
import { renderSettings } from './settings';
import type { RefreshRequest, Sidebar, SidebarState } from './sidebar';
import { renderLastRun, renderSync, watchRunningSync } from './syncPanel';

/**
 * Asks for the state and shows it. Polls skip the call while one is under way; `now` asks
 * anyway. Answers older than the newest shown are dropped.
 */
export function refreshState(ui: Sidebar, request: RefreshRequest): void {
  const calls = ui.stateCalls;
  if (!request.now && calls.pending > 0) return;
  calls.pending += 1;
  calls.asked += 1;
  const asked = calls.asked;
  whenAnswered(
    ui.server.call('getSidebarState'),
    (state) => {
      calls.pending -= 1;
      if (asked < calls.applied) return;
      calls.applied = asked;
      applyState(ui, state);
      if (request.onDone) request.onDone(state);
    },
    (error) => {
      calls.pending -= 1;
      showError('Could not load the Keap status', error);
      if (!ui.current) renderLoadFailed(ui);
    },
  );
}

function applyState(ui: Sidebar, state: SidebarState): void {
  ui.current = state;
  ui.stateReceivedAt = Date.now();
  renderConnection(ui, state.connection);
  renderSync(ui, state.sync);
  renderLastRun(ui, state.sync.lastRun);
  renderDaily(ui, state.sync.daily);
  renderSettings(ui, state.sync.settings);
  settleConsentWait(ui, state);
  // A next part after Keap's daily reset may be hours away: no polling for it.
  const progress = state.sync.progress;
  watchRunningSync(
    ui,
    state.sync.running || ui.syncBusy,
    progress?.state === 'next-part' && progress.afterKeapReset !== true,
  );
}
