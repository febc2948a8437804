/**
 * Everything the sidebar shows, composed in one server call. google.script.run passes only
 * plain JSON (no Dates), and nothing secret may reach the browser, so every field is copied
 * by name into a fresh object: a token or secret that some day rides along on an input
 * object is dropped here, not forwarded.
 */
import type { ConsentAnswer } from '../connection/consentNote';
import type { ConnectionStatus } from '../connection/status';
import type { SyncSettings } from '../sync/settings';
import type { SyncStatusView } from '../sync/statusView';
import type { SyncSummary } from '../sync/summary';
import type { DailySyncStatus } from '../sync/triggers';
import { perField, SYNCED_FIELDS, type SyncedFieldKey } from '../sheet/fields';
import { intlLocale } from './dates';
import { copyProgress, progressText } from './progressText';
import { redactSecrets } from './redactSecrets';
import {
  dailyLimitStalledText,
  dailyLimitText,
  dailyPausedText,
  interruptedText,
  resumeDailyLabel,
  TRIGGER_REPAIRED_TEXT,
} from './messages';

export interface SidebarState {
  connection: ConnectionStatus;
  /** Keap's consent URL with a fresh state token; null unless the person may click Connect. */
  authorizationUrl: string | null;
  sync: SyncStatusView & {
    /** Sentences the sidebar shows above the sync buttons (repairs, interruptions). */
    notices: string[];
    /** "1,200 of 3,000 rows · about 2 min left" (progressText.ts); null when unknown. */
    progressText?: string | null;
    /** The paused daily sync's words and its resume button; null unless paused. */
    paused: { text: string; resumeLabel: string; hour: number } | null;
  };
  /**
   * The last answer on Keap's consent page that was not "Allow" (kept 10 minutes), or null:
   * a sidebar waiting for the consent stops and says it.
   */
  consent: ConsentAnswer | null;
  /**
   * The settings form's column lists, one per synced field in the table's order
   * (src/sheet/fields.ts): the page builds its form from them, as it cannot bundle the table.
   */
  settingsFields: SettingsField[];
}

/** One list of the settings form: the field's key in `settings.headers`, and its label. */
export interface SettingsField {
  field: SyncedFieldKey;
  label: string;
}

export interface SidebarStateSources {
  connection: ConnectionStatus;
  sync: SyncStatusView;
  /**
   * Called only when the person may connect: each call mints a state token. Null when
   * Keap sign-in is not set up (an API key can still be pasted).
   */
  buildAuthorizationUrl: () => string | null;
  /** The caller's last consent that was not "Allow"; absent or null when there is none. */
  consent?: ConsentAnswer | null;
}

export function composeSidebarState(sources: SidebarStateSources): SidebarState {
  const connection = copyConnection(sources.connection);
  return {
    connection,
    authorizationUrl: mayConnect(connection) ? sources.buildAuthorizationUrl() : null,
    sync: copySyncStatus(sources.sync),
    consent: sources.consent ? copyConsent(sources.consent) : null,
    settingsFields: SYNCED_FIELDS.map((field) => ({ field: field.key, label: field.formLabel })),
  };
}

function copyConsent(answer: ConsentAnswer): ConsentAnswer {
  return {
    outcome: answer.outcome === 'denied' ? 'denied' : 'failed',
    message: redactSecrets(String(answer.message)),
    at: String(answer.at),
  };
}

/** True when the sidebar offers a Connect or Reconnect button. */
export function mayConnect(connection: ConnectionStatus): boolean {
  return connection.state === 'not-connected' || connection.state === 'needs-reconnect';
}

function copyConnection(status: ConnectionStatus): ConnectionStatus {
  switch (status.state) {
    case 'setup-needed':
      return {
        state: 'setup-needed',
        missing: status.missing.map(String),
        redirectUri: String(status.redirectUri),
      };
    case 'not-connected':
      return { state: 'not-connected', redirectUri: String(status.redirectUri) };
    case 'connected':
      return {
        state: 'connected',
        method: status.method === 'api-key' ? 'api-key' : 'oauth',
        account: textOrNull(status.account),
        connectedSince: isoOrNull(status.connectedSince),
      };
    case 'needs-reconnect':
      return {
        state: 'needs-reconnect',
        reason: redactSecrets(String(status.reason)),
        account: textOrNull(status.account),
        since: isoOrNull(status.since) ?? '',
      };
    default:
      throw new Error(`Unknown connection state: ${(status as { state: unknown }).state}`);
  }
}

function copySyncStatus(view: SyncStatusView): SidebarState['sync'] {
  const daily = copyDaily(view.daily);
  const interrupted = view.interrupted
    ? {
        byYou: view.interrupted.byYou === true,
        startedBy: textOrNull(view.interrupted.startedBy),
        continuesAt: isoOrNull(view.interrupted.continuesAt),
      }
    : null;
  const locale = intlLocale(view.locale);
  const where = { timeZone: daily.timeZone, locale };
  const notices: string[] = [];
  if (view.daily.repaired === true) notices.push(TRIGGER_REPAIRED_TEXT);
  if (interrupted && view.running !== true) {
    notices.push(interruptedText(interrupted, where));
  }
  const waitingUntil = isoOrNull(view.waitingForKeapUntil);
  if (waitingUntil !== null) notices.push(dailyLimitText(waitingUntil, where));
  const stalled = view.waitingForKeapStalled;
  const stalledUntil = stalled ? isoOrNull(stalled.until) : null;
  if (waitingUntil === null && stalled && stalledUntil !== null) {
    notices.push(dailyLimitStalledText(stalledUntil, where, stalled.disconnected === true));
  }
  const progress = copyProgress(view.progress);
  return {
    daily,
    lastRun: view.lastRun ? copySummary(view.lastRun) : null,
    running: view.running === true,
    ...(progress === null ? {} : { progress, progressText: progressText(progress, where) }),
    settings: copySettings(view.settings),
    locale,
    interrupted,
    ...(waitingUntil === null ? {} : { waitingForKeapUntil: waitingUntil }),
    notices,
    paused:
      daily.paused && daily.hour !== null
        ? { text: dailyPausedText(), resumeLabel: resumeDailyLabel(daily.hour), hour: daily.hour }
        : null,
  };
}

function copyDaily(daily: DailySyncStatus): DailySyncStatus {
  return {
    enabled: daily.enabled === true,
    hour: typeof daily.hour === 'number' ? daily.hour : null,
    timeZone: String(daily.timeZone),
    nextRunAfter: isoOrNull(daily.nextRunAfter),
    owner: textOrNull(daily.owner),
    ...(daily.paused === true ? { paused: true } : {}),
    ...(daily.repaired === true ? { repaired: true } : {}),
  };
}

function copySummary(summary: SyncSummary): SyncSummary {
  return {
    startedAt: isoOrNull(summary.startedAt) ?? '',
    trigger: summary.trigger,
    outcome: summary.outcome,
    message: redactSecrets(String(summary.message)),
    rowsSeen: count(summary.rowsSeen),
    emailsUpdated: count(summary.emailsUpdated),
    optedOut: count(summary.optedOut),
    unchanged: count(summary.unchanged),
    errors: count(summary.errors),
    errorRows: (summary.errorRows ?? []).map(count),
    keapRequests: count(summary.keapRequests),
    durationMs: count(summary.durationMs),
    ...(summary.startedBy ? { startedBy: String(summary.startedBy) } : {}),
    ...(summary.continuesAt ? { continuesAt: isoOrNull(summary.continuesAt) ?? '' } : {}),
  };
}

function copySettings(settings: SyncSettings): SyncSettings {
  return {
    sheetName: String(settings.sheetName),
    headers: perField((field) => String(settings.headers[field.key])),
    // Absent (never chosen): on for a new sheet, so the box shows ticked.
    keapEmailStatus: settings.keapEmailStatus !== false,
  };
}

function textOrNull(value: unknown): string | null {
  return value === null || value === undefined || value === '' ? null : String(value);
}

/** ISO 8601 text whatever came in (a Date cannot cross google.script.run). */
function isoOrNull(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  return String(value);
}

function count(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}
