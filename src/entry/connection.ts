/**
 * Entry points of the Keap connection: the OAuth callback page, disconnect and the API key
 * form. Thin: the work is in src/connection. (The consent URL reaches the sidebar inside
 * getSidebarState.) Each checks its arguments first: the browser can call any of them.
 *
 * The sidebar's functions declare the call the sidebar makes (an overload: its types are what
 * src/ui/client/bridge.ts offers the client); the body behind it trusts no argument.
 */
import {
  completeAuthorization,
  disconnectKeap,
  saveKeapApiKey,
  type ConnectionStatus,
} from '../connection/index';
import { ApiKeyError } from '../connection/apiKey';
import { pauseDailySyncs } from '../sync/index';
import { apiKeyProblemWords } from '../ui/apiKeyWords';
import { consentPage } from '../ui/consentPage';
import { connectionView } from '../ui/connectionView';
import { checkApiKeyArgument, checkCallbackRequest, checkNoArguments } from './callArguments';

/** Apps Script calls this when Keap sends the person back from its consent page. */
export function authCallback(...args: unknown[]): GoogleAppsScript.HTML.HtmlOutput {
  const request = checkCallbackRequest('authCallback', args);
  const page = completeAuthorization(request, consentPage);
  const template = HtmlService.createTemplateFromFile('AuthCallback');
  template.outcome = page.outcome;
  template.title = page.title;
  template.message = page.message;
  template.account = page.account ?? '';
  template.closeHint = page.closeHint;
  return template.evaluate().setTitle(page.title);
}

/** Forgets the Keap connection (token, API key and everything stored with them). */
export function disconnect(): ConnectionStatus;
export function disconnect(...args: unknown[]): ConnectionStatus {
  checkNoArguments('disconnect', args);
  pauseDailySyncs();
  return connectionView(disconnectKeap());
}

/**
 * Connects with a Keap Personal Access Token or Service Account Key after checking it with Keap.
 * @param key the key as pasted in the sidebar
 */
export function saveApiKey(key: string): ConnectionStatus;
export function saveApiKey(...args: unknown[]): ConnectionStatus {
  const key = checkApiKeyArgument('saveApiKey', args);
  let refused: ApiKeyError;
  try {
    return connectionView(saveKeapApiKey(key));
  } catch (error) {
    if (!(error instanceof ApiKeyError)) throw error;
    refused = error;
  }
  // The sidebar shows the error's message: the key's problem in words (never the key).
  throw new Error(apiKeyProblemWords(refused.problem));
}
