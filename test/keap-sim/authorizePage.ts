import type { WireRequest, WireResponse } from '../support/wire';
import { authorizeErrorHtml, consentHtml, DECISION_FIELD, TENANT_FIELD } from './consentPage';
import type { OAuthServer } from './oauth';
import { redirectResponse, textResponse } from './responses';

/**
 * GET /app/oauth/authorize shows the consent page; its form POSTs back here and gets a 302 to
 * the app's redirect URI. Bad client_id or redirect_uri never redirect: they show an error.
 */
export function answerAuthorizePage(
  req: WireRequest,
  url: URL,
  oauth: OAuthServer,
  tenants: string[],
  now: number,
): WireResponse {
  if (req.method === 'GET') {
    const query = Object.fromEntries(url.searchParams);
    const check = oauth.checkAuthorizeQuery(query);
    if (check.ok) return html(200, consentHtml(query, tenants, check.client.clientId));
    if (!check.redirectError) return html(400, authorizeErrorHtml(check.message));
    return redirectResponse(oauth.authorize(query, { approve: false, tenant: '' }, now));
  }
  const form = Object.fromEntries(new URLSearchParams(req.body));
  const decision = { approve: form[DECISION_FIELD] === 'allow', tenant: form[TENANT_FIELD] ?? '' };
  delete form[DECISION_FIELD];
  delete form[TENANT_FIELD];
  try {
    return redirectResponse(oauth.authorize(form, decision, now));
  } catch (err) {
    return html(400, authorizeErrorHtml(err instanceof Error ? err.message : String(err)));
  }
}

function html(status: number, body: string): WireResponse {
  return textResponse(status, body, 'text/html;charset=UTF-8');
}
