/**
 * The sidebar's one mutable state, passed to every module that needs it: what the server
 * said last, what is on the page, what the person is doing. Nothing else is kept at module
 * level.
 */
import type { Bridge, ServerArgs, ServerResult } from './bridge';

/** Everything getSidebarState answers. */
export type SidebarState = ServerResult<'getSidebarState'>;
export type SyncSummary = ServerResult<'syncNow'>;
export type SyncPreview = ServerResult<'previewSync'>;
export type DailySyncStatus = ServerResult<'enableDailySync'>;
export type SettingsChoices = ServerResult<'getSettingsChoices'>;
/** The settings form's values, as saveSettings takes them ('' means the default). */
export type SettingsForm = ServerArgs<'saveSettings'>[0];

/** While waiting for the Keap consent in another tab. */
export interface ConsentWait {
  until: number;
  timer: number;
  /** The consent answer known when the wait began: only a newer one stops the wait. */
  answerSeen: string | null;
}

export interface RefreshRequest {
  /** Ask even when a poll is under way: the caller needs a fresh answer. */
  now?: boolean;
  /** Called with the state once it is shown. */
  onDone?: (state: SidebarState) => void;
}

export interface Sidebar {
  server: Bridge;
  /** The last state shown; null until the first answer. */
  current: SidebarState | null;
  /** When `current` arrived (Date.now()). */
  stateReceivedAt: number;
  /** getSidebarState calls: under way, asked, and the newest shown (older answers are dropped). */
  stateCalls: { pending: number; asked: number; applied: number };
  /** What the connection card shows, so an unchanged state does not redraw it. */
  renderedConnectionKey: string | null;
  /** The run shown under Sync now (the last run card does not repeat it). */
  shownResultStartedAt: string | null;
  /** Sync now or Preview is under way. */
  syncBusy: boolean;
  /** Polls while a sync started elsewhere runs. */
  runningTimer: number | null;
  /** Its interval in ms (0: none). */
  runningEvery: number;
  consentWait: ConsentWait | null;
  /** The person chose an hour that is not yet saved. */
  hourTouched: boolean;
  settings: {
    /** As saved (from the state). */
    saved: SettingsForm | null;
    /** The tabs and headers to choose from. */
    choices: SettingsChoices | null;
    /** The person's changes not yet saved. */
    edits: SettingsForm | null;
    /** getSettingsChoices calls asked; only the newest answer is used. */
    choicesAsked: number;
    renderedKey: string | null;
    /** The header lists built (settings.ts), so unchanged fields are not built again. */
    builtListsKey: string | null;
  };
  /** Asks the server for the state and shows it (see state.ts). */
  refresh(request?: RefreshRequest): void;
}

/**
 * The sidebar's state before the first answer.
 * @param server the bridge to the server
 * @param refresh how the state is asked for and shown
 */
export function createSidebar(
  server: Bridge,
  refresh: (ui: Sidebar, request: RefreshRequest) => void,
): Sidebar {
  const ui: Sidebar = {
    server,
    current: null,
    stateReceivedAt: 0,
    stateCalls: { pending: 0, asked: 0, applied: 0 },
    renderedConnectionKey: null,
    shownResultStartedAt: null,
    syncBusy: false,
    runningTimer: null,
    runningEvery: 0,
    consentWait: null,
    hourTouched: false,
    settings: {
      saved: null,
      choices: null,
      edits: null,
      choicesAsked: 0,
      renderedKey: null,
      builtListsKey: null,
    },
    refresh: (request = {}) => refresh(ui, request),
  };
  return ui;
}

/** Connected to Keap now. */
export function isConnected(ui: Sidebar): boolean {
  return ui.current !== null && ui.current.connection.state === 'connected';
}

/** Before Keap is set up, only the setup steps and the sheet settings matter. */
export function isSetUp(ui: Sidebar): boolean {
  return ui.current !== null && ui.current.connection.state !== 'setup-needed';
}
