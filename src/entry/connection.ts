/**
 * Entry points of the Keap connection: the OAuth callback page, disconnect and the API key
 * form. Thin: the work is in src/connection. (The consent URL reaches the sidebar inside
 * getSidebarState.)
 */
import {
  completeAuthorization,
  disconnectKeap,
  saveKeapApiKey,
  type AuthCallbackRequest,
  type ConnectionStatus,
} from '../connection/index';

/** Apps Script calls this when Keap sends the person back from its consent page. */
export function authCallback(request: AuthCallbackRequest): GoogleAppsScript.HTML.HtmlOutput {
  const page = completeAuthorization(request);
  const template = HtmlService.createTemplateFromFile('AuthCallback');
  template.outcome = page.outcome;
  template.title = page.title;
  template.message = page.message;
  template.account = page.account ?? '';
  template.closeHint = page.closeHint;
  return template.evaluate().setTitle(page.title);
}

/** Forgets the Keap connection (token, API key and everything stored with them). */
export function disconnect(): ConnectionStatus {
  return disconnectKeap();
}

/** Connects with a Keap Personal Access Token or Service Account Key after checking it with Keap. */
export function saveApiKey(key: string): ConnectionStatus {
  return saveKeapApiKey(key);
}
