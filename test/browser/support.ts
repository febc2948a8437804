/**
 * Shared pieces of the browser tests: headless Chromium, the playground page, the sidebar
 * frame in it, screenshots to artifacts/screenshots/, and the Connect-through-consent steps.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  chromium,
  type Browser,
  type BrowserContext,
  type Frame,
  type FrameLocator,
  type Page,
} from 'playwright-core';
import { REPO_ROOT, type Playground } from '../../dev/playground/server';

/**
 * The browser the tests drive: $CHROMIUM_PATH, else the first of scripts/browsers.json that
 * exists (the places scripts/install-chromium.sh looks too); null when there is none.
 */
export const CHROMIUM: string | null = findBrowser();
export const SCREENSHOTS = join(REPO_ROOT, 'artifacts', 'screenshots');
/** How long the sidebar may take to notice something by polling (it polls every 4 s). */
export const POLL_WAIT_MS = 15_000;

/** The bundle the playground runs; `npm test` builds it first, a lone jest run may not have. */
export function ensureBundle(): void {
  if (existsSync(join(REPO_ROOT, 'dist', 'Code.js'))) return;
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules', 'rollup', 'dist', 'bin', 'rollup'), '-c', 'rollup.config.mjs'],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
}

function findBrowser(): string | null {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) return chosen;
  const list = JSON.parse(readFileSync(join(REPO_ROOT, 'scripts', 'browsers.json'), 'utf8')) as {
    candidates: string[];
  };
  return list.candidates.find((path) => existsSync(path)) ?? null;
}

const NO_BROWSER =
  'Browser tests skipped: no Chrome or Chromium on this machine. To run them, install one ' +
  '(Debian: apt-get install chromium; npm test does it as root) or set CHROMIUM_PATH to its executable.';

/**
 * `describe` for suites that need a browser (BROWSER_TESTS_RUN says whether they run). Without one they are skipped with a plain
 * message, except in CI (CI=true), where a missing browser is a broken machine, not a choice.
 */
export const BROWSER_TESTS_RUN = CHROMIUM !== null || process.env.CI === 'true';

export function describeWithBrowser(name: string, body: () => void): void {
  if (BROWSER_TESTS_RUN) {
    describe(name, body);
    return;
  }
  describe.skip(name, body);
  warnOnce();
}

let warned = false;
function warnOnce(): void {
  if (warned) return;
  warned = true;
  process.stderr.write(`\n${NO_BROWSER}\n`);
}

export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM) throw new Error(NO_BROWSER);
  if (!existsSync(CHROMIUM)) throw new Error(`CHROMIUM_PATH=${CHROMIUM} does not exist.`);
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

export interface OpenedPlayground {
  context: BrowserContext;
  page: Page;
  /** The sidebar, for locators. */
  sidebar: FrameLocator;
  /** Dialogs (alert, confirm) any page of the context opened: there must be none. */
  dialogs: string[];
  /** Uncaught errors in any page of the context. */
  pageErrors: string[];
}

export async function openPlayground(browser: Browser, pg: Playground): Promise<OpenedPlayground> {
  const context = await browser.newContext({
    viewport: { width: 1400, height: 1500 },
    deviceScaleFactor: 1,
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: pg.url });
  const dialogs: string[] = [];
  const pageErrors: string[] = [];
  const watch = (page: Page): void => {
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
  };
  context.on('page', watch);
  // Fail fast: every wait here is for something the sidebar shows within a few seconds.
  context.setDefaultTimeout(POLL_WAIT_MS);
  const page = await context.newPage();
  await page.goto(pg.url);
  const sidebar = page.frameLocator('#sidebar-frame');
  await sidebar.locator('#status-connection[data-state]').waitFor();
  return { context, page, sidebar, dialogs, pageErrors };
}

/** The sidebar's frame object (for evaluate), by the iframe's name. */
export function sidebarFrame(page: Page): Frame {
  const frame = page.frame({ name: 'sidebar' });
  if (!frame) throw new Error('no sidebar frame');
  return frame;
}

/**
 * The sidebar as a person sees it, 300 px wide, to artifacts/screenshots/<name>.png; only
 * the part `selector` names when given (e.g. one section).
 */
export async function shootSidebar(
  opened: OpenedPlayground,
  name: string,
  selector = '#app',
): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await opened.sidebar.locator(selector).screenshot({
    path: join(SCREENSHOTS, `${name}.png`),
    animations: 'disabled',
  });
}

/** A whole page (or its top `height` px, for short pages in a tall window). */
export async function shootPage(page: Page, name: string, height?: number): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const size = page.viewportSize();
  await page.screenshot({
    path: join(SCREENSHOTS, `${name}.png`),
    animations: 'disabled',
    ...(height && size ? { clip: { x: 0, y: 0, width: size.width, height } } : {}),
  });
}

/** The connection section's state attribute, once it shows `state`. */
export async function waitForConnection(
  sidebar: FrameLocator,
  state: string,
  timeout = POLL_WAIT_MS,
): Promise<void> {
  await sidebar.locator(`#status-connection[data-state="${state}"]`).waitFor({ timeout });
}

/**
 * Clicks the sidebar's Connect (or Reconnect) button, approves on the simulator's consent page
 * in the tab it opens, and returns that tab after Keap sent it back to the callback page.
 */
export async function approveInConsentTab(
  opened: OpenedPlayground,
  buttonId: 'connect' | 'reconnect',
  onConsentPage?: (consent: Page) => Promise<void>,
): Promise<Page> {
  const popup = opened.page.waitForEvent('popup');
  await opened.sidebar.locator(`#${buttonId}`).click();
  const consent = await popup;
  await consent.locator('#allow').waitFor();
  if (onConsentPage) await onConsentPage(consent);
  await Promise.all([consent.waitForURL(/\/usercallback\?/), consent.locator('#allow').click()]);
  await consent.locator('h1').waitFor();
  return consent;
}

export async function postJson(url: string, body: unknown = {}): Promise<unknown> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = (await response.json()) as { ok: boolean; error?: { message: string } };
  if (!response.ok || !answer.ok)
    throw new Error(`${url}: HTTP ${response.status} ${answer.error?.message ?? ''}`);
  return answer;
}

/** Browser expression: the status column of the page's sheet view (header found by its name). */
const STATUS_COLUMN_JS = `(() => {
  const rows = Array.from(document.querySelectorAll('#grid tr')).slice(1).map((tr) =>
    Array.from(tr.querySelectorAll('td')).slice(1).map((td) => td.textContent || ''));
  const column = rows.length ? rows[0].findIndex((h) => /status/i.test(h)) : -1;
  return column < 0 ? [] : rows.slice(1).map((row) => row[column] || '');
})()`;

/** The status column as the page shows it, one entry per data row. */
export async function statusColumn(page: Page): Promise<string[]> {
  return (await page.evaluate(STATUS_COLUMN_JS)) as string[];
}

/** Waits until the page's sheet view shows a status on `count` rows (it refreshes after calls). */
export async function waitForStatuses(page: Page, count: number): Promise<void> {
  await page.waitForFunction(
    `${STATUS_COLUMN_JS}.filter((s) => s.trim() !== '').length === ${Number(count)}`,
  );
}
