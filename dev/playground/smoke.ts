/**
 * The smoke run: what a person does in the playground, done over HTTP without a browser.
 * Open the page and the sidebar, follow the sidebar's Connect link to the simulator's consent
 * page, approve, land on the callback page, see the sidebar state turn connected, Sync now,
 * and read the sheet's status column.
 */
import type { Playground } from './server';

export interface SmokeResult {
  ok: boolean;
  /** The callback page's heading after consent. */
  callbackTitle: string;
  account: string | null;
  outcome: string;
  summary: Record<string, unknown>;
  /** Header row and data rows of the Contacts tab after the sync. */
  sheet: string[][];
  /** Data rows whose status column (the header naming "status") is filled in. */
  rowsWithStatus: number;
  problems: string[];
}

interface RunAnswer<T> {
  ok: boolean;
  value?: T;
  error?: { name: string; message: string };
}

interface StateLike {
  connection: { state: string; account?: string | null };
  authorizationUrl: string | null;
}

async function expectOk(response: Response, what: string): Promise<string> {
  const text = await response.text();
  if (!response.ok) throw new Error(`${what}: HTTP ${response.status}: ${text.slice(0, 300)}`);
  return text;
}

async function run<T>(base: string, fn: string, args: unknown[] = []): Promise<T> {
  const response = await fetch(`${base}/run/${fn}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ args }),
  });
  const answer = JSON.parse(await expectOk(response, fn)) as RunAnswer<T>;
  if (!answer.ok) throw new Error(`${fn} failed: ${answer.error?.name}: ${answer.error?.message}`);
  return answer.value as T;
}

/** The hidden inputs and the one select of the simulator's consent form. */
function consentForm(html: string): { action: string; fields: Record<string, string> } {
  const fields: Record<string, string> = {};
  const decode = (s: string): string =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  for (const m of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g))
    fields[decode(m[1])] = decode(m[2]);
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const select = /<select name="([^"]+)"[^>]*><option value="([^"]+)"/.exec(html);
  const allow = /<button type="submit" name="([^"]+)" value="allow"/.exec(html);
  if (!action || !select || !allow) throw new Error('the consent page has no Allow form');
  fields[decode(select[1])] = decode(select[2]);
  fields[decode(allow[1])] = 'allow';
  return { action: decode(action), fields };
}

export async function smokeRun(pg: Playground): Promise<SmokeResult> {
  const problems: string[] = [];
  const page = await expectOk(await fetch(pg.url), 'the page');
  if (!page.includes('sidebar-frame')) problems.push('the page has no sidebar frame');
  const sidebar = await expectOk(await fetch(`${pg.url}/sidebar`), 'the sidebar');
  if (!sidebar.includes('google.script') || !sidebar.includes('id="status-connection"'))
    problems.push('the sidebar HTML lacks the bridge or the status section');

  const before = await run<StateLike>(pg.url, 'getSidebarState');
  if (before.connection.state !== 'not-connected')
    throw new Error(`expected not-connected at first, got ${before.connection.state}`);
  if (!before.authorizationUrl?.startsWith(pg.simUrl))
    throw new Error(`the Connect link does not lead to the simulator: ${before.authorizationUrl}`);

  const consent = await expectOk(await fetch(before.authorizationUrl), 'the consent page');
  const form = consentForm(consent);
  const decision = await fetch(new URL(form.action, before.authorizationUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form.fields).toString(),
    redirect: 'manual',
  });
  const location = decision.headers.get('location');
  if (decision.status !== 302 || !location)
    throw new Error(`approving did not redirect (HTTP ${decision.status})`);
  if (!location.startsWith(pg.callbackUrl))
    throw new Error(`Keap sent the browser to ${location}, not to ${pg.callbackUrl}`);
  const callback = await expectOk(await fetch(location), 'the callback page');
  const callbackTitle = /<h1>([^<]*)<\/h1>/.exec(callback)?.[1]?.trim() ?? '';

  const after = await run<StateLike>(pg.url, 'getSidebarState');
  if (after.connection.state !== 'connected')
    throw new Error(`not connected after consent: ${JSON.stringify(after.connection)}`);

  const summary = await run<Record<string, unknown>>(pg.url, 'syncNow');
  const sheetAnswer = (await (await fetch(`${pg.url}/api/sheet`)).json()) as {
    tabs: { name: string; rows: string[][] }[];
  };
  const contacts = sheetAnswer.tabs.find((t) => t.name === 'Contacts');
  if (!contacts) problems.push('no Contacts tab');
  if (summary.outcome !== 'completed') problems.push(`the sync ended ${String(summary.outcome)}`);
  const stats = (await (await fetch(`${pg.url}/dev/stats`)).json()) as {
    sim: { specViolations: string[] };
  };
  for (const violation of stats.sim.specViolations)
    problems.push(`request outside Keap's OpenAPI spec: ${violation}`);
  const rows = contacts?.rows ?? [];
  const statusColumn = (rows[0] ?? []).findIndex((h) => /status/i.test(h));
  if (statusColumn < 0) problems.push('the sheet has no status column after the sync');
  const rowsWithStatus = rows.slice(1).filter((r) => (r[statusColumn] ?? '').trim() !== '').length;
  if (rowsWithStatus !== summary.rowsSeen)
    problems.push(`${rowsWithStatus} rows have a status, ${String(summary.rowsSeen)} were checked`);
  return {
    ok: problems.length === 0,
    callbackTitle,
    account: after.connection.account ?? null,
    outcome: String(summary.outcome),
    summary,
    sheet: rows,
    rowsWithStatus,
    problems,
  };
}

/** A few lines for the console. */
export function describeSmoke(result: SmokeResult): string {
  const s = result.summary;
  const lines = [
    `Callback page: ${result.callbackTitle}`,
    `Connected to: ${result.account ?? '(account not given)'}`,
    `Sync: ${result.outcome}: ${s.rowsSeen} rows checked, ${s.emailsUpdated} emails updated, ` +
      `${s.optedOut} opted out, ${s.unchanged} unchanged, ${s.errors} errors, ${s.keapRequests} requests to Keap`,
    `Rows with a status: ${result.rowsWithStatus}`,
    'Sheet after the sync:',
    ...result.sheet.map((row) => `  ${row.join(' | ')}`),
  ];
  if (result.problems.length) lines.push(`Problems: ${result.problems.join('; ')}`);
  return lines.join('\n');
}
