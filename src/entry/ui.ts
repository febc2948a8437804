/**
 * The add-on's face as Apps Script calls it: the menu (onOpen, onInstall and the menu items)
 * and the sidebar (showSidebar, getSidebarState). Thin: the words live in src/ui/messages.ts,
 * the sidebar's data in src/ui/sidebarState.ts. Each checks its arguments first: the browser
 * can call any of them. getSidebarState declares the call the sidebar makes (an overload, as
 * src/ui/client/bridge.ts types it); the body behind it trusts no argument.
 */
import {
  authorizationUrlIfSetUp,
  disconnectKeap,
  getConnectionStatus,
  lastConsentAnswer,
} from '../connection/index';
import {
  disableDailySync,
  enableDailySync,
  getSyncStatus,
  pauseDailySyncs,
  previewSync,
  runSync,
} from '../sync/index';
import { connectionView } from '../ui/connectionView';
import { formatMoment } from '../ui/dates';
import { buildAddonMenu } from '../ui/menu';
import {
  type AlertText,
  DISCONNECT_CONFIRM,
  dailyDisabledAlert,
  dailyEnabledAlert,
  disconnectedAlert,
  failureAlert,
  hourPrompt,
  parseHour,
  previewAlert,
  syncSummaryAlert,
} from '../ui/messages';
import { composeSidebarState, type SidebarState } from '../ui/sidebarState';
import { checkNoArguments, checkOptionalEvent } from './callArguments';

const SIDEBAR_TITLE = 'Keap Sync';

/** Menu only: may run in AuthMode.NONE, where PropertiesService and UrlFetchApp are off limits. */
export function onOpen(...args: unknown[]): void {
  checkOptionalEvent('onOpen', args);
  buildAddonMenu(SpreadsheetApp.getUi());
}

export function onInstall(...args: unknown[]): void {
  checkOptionalEvent('onInstall', args);
  buildAddonMenu(SpreadsheetApp.getUi());
}

export function showSidebar(...args: unknown[]): void {
  checkNoArguments('showSidebar', args);
  const template = HtmlService.createTemplateFromFile('Sidebar');
  // Printed with <?!= ?> in Sidebar.html: our own files, not data.
  template.styles = HtmlService.createHtmlOutputFromFile('SidebarStyles').getContent();
  template.script = HtmlService.createHtmlOutputFromFile('SidebarScript').getContent();
  SpreadsheetApp.getUi().showSidebar(template.evaluate().setTitle(SIDEBAR_TITLE));
}

/** Everything the sidebar shows, as plain JSON with no token or secret. */
export function getSidebarState(): SidebarState;
export function getSidebarState(...args: unknown[]): SidebarState {
  checkNoArguments('getSidebarState', args);
  return composeSidebarState({
    connection: connectionView(getConnectionStatus()),
    sync: getSyncStatus(),
    buildAuthorizationUrl: authorizationUrlIfSetUp,
    consent: lastConsentAnswer(),
  });
}

export function menuSyncNow(...args: unknown[]): void {
  checkNoArguments('menuSyncNow', args);
  showOutcome('sync', () => syncSummaryAlert(runSync('menu')));
}

export function menuPreviewSync(...args: unknown[]): void {
  checkNoArguments('menuPreviewSync', args);
  showOutcome('preview the sync', () => previewAlert(previewSync()));
}

export function menuEnableDailySync(...args: unknown[]): void {
  checkNoArguments('menuEnableDailySync', args);
  const ui = SpreadsheetApp.getUi();
  const timeZone = SpreadsheetApp.getActiveSpreadsheet().getSpreadsheetTimeZone();
  const question = hourPrompt(timeZone);
  const response = ui.prompt(question.title, question.body, ui.ButtonSet.OK_CANCEL);
  if (response.getSelectedButton() !== ui.Button.OK) return;
  const input = parseHour(response.getResponseText());
  if (!input.ok) {
    show(ui, { title: question.title, body: input.error });
    return;
  }
  showOutcome('turn on the daily sync', () => {
    const status = enableDailySync(input.hour);
    return dailyEnabledAlert(status, timeFormatter(status.timeZone || timeZone));
  });
}

export function menuDisableDailySync(...args: unknown[]): void {
  checkNoArguments('menuDisableDailySync', args);
  showOutcome('turn off the daily sync', () => dailyDisabledAlert(disableDailySync()));
}

export function menuDisconnect(...args: unknown[]): void {
  checkNoArguments('menuDisconnect', args);
  const ui = SpreadsheetApp.getUi();
  const answer = ui.alert(DISCONNECT_CONFIRM.title, DISCONNECT_CONFIRM.body, ui.ButtonSet.YES_NO);
  if (answer !== ui.Button.YES) return;
  showOutcome('disconnect', () => {
    pauseDailySyncs();
    return disconnectedAlert(connectionView(disconnectKeap()));
  });
}

/** A menu item's result as an alert; an exception too, in words, not Apps Script's error box. */
function showOutcome(action: string, work: () => AlertText): void {
  const ui = SpreadsheetApp.getUi();
  let text: AlertText;
  try {
    text = work();
  } catch (error) {
    text = failureAlert(action, error);
  }
  show(ui, text);
}

function show(ui: GoogleAppsScript.Base.Ui, text: AlertText): void {
  ui.alert(text.title, text.body, ui.ButtonSet.OK);
}

/** The add-on's one way to show a time (src/ui/dates.ts), as the sidebar shows it too. */
function timeFormatter(timeZone: string): (iso: string) => string {
  const locale = SpreadsheetApp.getActiveSpreadsheet().getSpreadsheetLocale();
  return (iso) => formatMoment(iso, { timeZone, locale });
}
