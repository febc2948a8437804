/** Keap's authorize page, reduced to what a person does there: pick the account, Allow or Deny. */

export const DECISION_FIELD = 'keap_sim_decision';
export const TENANT_FIELD = 'keap_sim_tenant';
export const AUTHORIZE_PATH = '/app/oauth/authorize';

export function consentHtml(
  query: Record<string, string>,
  tenants: string[],
  appName: string,
): string {
  const hidden = Object.entries(query)
    .filter(([k]) => k !== DECISION_FIELD && k !== TENANT_FIELD)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('\n      ');
  const options = tenants
    .map((t) => `<option value="${esc(t)}">${esc(t)}.infusionsoft.com</option>`)
    .join('');
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Keap - Allow access</title></head>
  <body>
    <h1>Allow ${esc(appName)} to access your Keap account?</h1>
    <form method="post" action="${AUTHORIZE_PATH}">
      ${hidden}
      <label>Account <select name="${TENANT_FIELD}" id="tenant">${options}</select></label>
      <button type="submit" name="${DECISION_FIELD}" value="allow" id="allow">Allow</button>
      <button type="submit" name="${DECISION_FIELD}" value="deny" id="deny">Deny</button>
    </form>
  </body>
</html>`;
}

export function authorizeErrorHtml(message: string): string {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Keap - Authorization error</title></head>
  <body><h1>Authorization error</h1><p id="error">${esc(message)}</p></body>
</html>`;
}

function esc(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
