/**
 * Preview harness (not a jest test): renders the sidebar in each state with a fake
 * google.script.run into artifacts/sidebar/*.html and, when Chromium is installed,
 * screenshots them at the sidebar's 300 px width and checks a few behaviours.
 *
 *   npm run build && npx tsx test/unit/ui/renderSidebarPreview.ts
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import {
  AUTHORIZATION_URL,
  CONNECTIONS,
  dailyOn,
  preview,
  sidebarState,
  summary,
  syncStatus,
} from './fixtures';
import type { SyncStatusView } from '../../../src/sync/index';
import { dailyLimitText } from '../../../src/ui/messages';
import { sidebarPreviewPage } from './sidebarPage';

const OUT_DIR = join(__dirname, '..', '..', '..', 'artifacts', 'sidebar');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

interface Scenario {
  name: string;
  /** Browser code run before the sidebar's own script; fills window.fakeServer. */
  setup: string;
  /** What a person does before the screenshot. */
  act?: (page: Page) => Promise<void>;
  /** Throws when the page does not behave. */
  check?: (page: Page) => Promise<void>;
}

/** JSON that can sit inside an inline <script> (a "</script>" in the data would end it). */
function js(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c');
}

function serve(state: unknown, extra = ''): string {
  return `window.fakeServer.getSidebarState = function () { return ${js(state)}; };\n${extra}`;
}

const connectedState = sidebarState(
  CONNECTIONS.connected,
  syncStatus({ daily: dailyOn(6), lastRun: summary() }),
);

const scenarios: Scenario[] = [
  {
    name: 'setup-needed',
    setup: serve(sidebarState(CONNECTIONS.setupNeeded)),
    check: async (page) => {
      await expectText(page, '#status-connection', 'KEAP_CLIENT_SECRET');
      const uri = await page.inputValue('#redirect-uri');
      if (!uri.endsWith('/usercallback')) throw new Error(`redirect uri shown: ${uri}`);
    },
  },
  {
    name: 'not-connected',
    setup: serve(sidebarState(CONNECTIONS.notConnected)),
    act: async (page) => {
      await page.click('#api-key-toggle');
    },
    check: async (page) => {
      if (!(await page.isVisible('#api-key-input'))) throw new Error('api key input hidden');
      if (!(await page.isDisabled('#sync-now')))
        throw new Error('sync enabled while not connected');
    },
  },
  {
    name: 'connect-waiting',
    // Consent finishes on the third state request: the sidebar must notice by itself.
    setup: `
      window.fakeDelayMs.getSidebarState = 40;
      var asked = 0;
      window.open = function (url) { window.openedUrl = url; return {}; };
      window.fakeServer.getSidebarState = function () {
        asked += 1;
        return asked < 3 ? ${js(sidebarState(CONNECTIONS.notConnected))}
                         : ${js(connectedState)};
      };`,
    act: async (page) => {
      await page.click('#connect');
      await page.waitForSelector('#connect-waiting:not([hidden])');
      await page.screenshot({ path: join(OUT_DIR, 'connect-waiting-1.png'), fullPage: true });
      await page.waitForSelector('#disconnect', { timeout: 15000 });
    },
    check: async (page) => {
      const opened = await page.evaluate<string>('window.openedUrl');
      if (opened !== AUTHORIZATION_URL) throw new Error(`opened ${opened}`);
      await expectText(page, '#notice', 'Connected to Keap');
    },
  },
  {
    name: 'connected-last-run',
    setup: serve(connectedState),
    check: async (page) => {
      await expectText(page, '#last-run', '7, 12, 30, 41, 58');
      await expectText(page, '#daily-status', 'Runs as ops@example.com');
      if (await page.isVisible('#connect')) throw new Error('connect shown while connected');
    },
  },
  {
    name: 'needs-reconnect',
    setup: serve(
      sidebarState(
        CONNECTIONS.needsReconnect,
        syncStatus({
          daily: dailyOn(22),
          lastRun: summary({
            outcome: 'needs-reconnect',
            message: 'Keap refused the saved sign-in.',
            rowsSeen: 0,
            emailsUpdated: 0,
            optedOut: 0,
            unchanged: 0,
            errors: 0,
            errorRows: [],
          }),
        }),
      ),
    ),
    check: async (page) => {
      await expectText(page, '#reconnect-reason', 'revoked or expired');
    },
  },
  {
    name: 'preview-shown',
    setup: serve(
      connectedState,
      `window.fakeServer.previewSync = function () { return ${js(preview())}; };`,
    ),
    act: async (page) => {
      await page.click('#preview');
      await page.waitForSelector('#preview-result:not([hidden])');
    },
    check: async (page) => {
      const rows = await page.locator('[data-testid=preview-row]').count();
      if (rows !== 6) throw new Error(`preview rows: ${rows}`);
      await expectText(page, '#preview-result', 'Keap has no contact 999.');
    },
  },
  {
    name: 'busy',
    setup: serve(connectedState, 'window.fakeHold.syncNow = true;'),
    act: async (page) => {
      await page.click('#sync-now');
    },
    check: async (page) => {
      if (!(await page.isDisabled('#sync-now'))) throw new Error('sync button not disabled');
      await expectText(page, '#sync-busy', 'Syncing');
    },
  },
  {
    name: 'sync-result',
    setup: serve(
      connectedState,
      `window.fakeServer.syncNow = function () { return ${js(
        summary({
          trigger: 'sidebar',
          errors: 1,
          errorRows: [9],
          message: 'Synced 120 rows; 1 row has an error.',
        }),
      )}; };`,
    ),
    act: async (page) => {
      await page.click('#sync-now');
      await page.waitForSelector('#sync-result:not([hidden])');
    },
    check: async (page) => {
      await expectText(page, '#sync-result', 'Row with an error: 9');
    },
  },
  {
    name: 'sync-failure',
    setup: serve(
      connectedState,
      `window.fakeServer.syncNow = function () { throw new Error('Exception: Keap did not answer after 3 tries.'); };`,
    ),
    act: async (page) => {
      await page.click('#sync-now');
      await page.waitForSelector('#error:not([hidden])');
    },
    check: async (page) => {
      await expectText(
        page,
        '#error',
        'The sync did not finish: Keap did not answer after 3 tries.',
      );
      if (await page.isDisabled('#sync-now')) throw new Error('sync button stays disabled');
    },
  },
  {
    name: 'settings-errors',
    setup: serve(
      connectedState,
      `window.fakeServer.getSettingsChoices = function () {
         return { ok: true, errors: [], tabs: ['Contacts'], tab: 'Contacts',
           headers: ['Contact ID', 'E-mail', 'Opt Out'],
           defaults: { sheetName: 'Contacts', headers: ${js(connectedState.sync.settings.headers)} } };
       };
       window.fakeServer.saveSettings = function (settings) {
         window.savedSettings = settings;
         return { ok: false, errors: ["Row 1 of the 'Contacts' tab has no 'E-mail' column (chosen for 'Email')."] };
       };`,
    ),
    act: async (page) => {
      await page.click('#settings-toggle');
      await page.waitForSelector('#settings-email option[value="E-mail"]', { state: 'attached' });
      await page.selectOption('#settings-email', 'E-mail');
      await page.click('#settings-save');
      await page.waitForSelector('#settings-result:not([hidden])');
    },
    check: async (page) => {
      await expectText(page, '#settings-result', "no 'E-mail' column");
      const sent = await page.evaluate<unknown>('window.savedSettings');
      const expected = {
        sheetName: connectedState.sync.settings.sheetName,
        headers: { contactId: '', email: 'E-mail', optOut: '', optOutReason: '' },
      };
      if (JSON.stringify(sent) !== JSON.stringify(expected))
        throw new Error(`sent ${JSON.stringify(sent)}`);
      if ((await page.inputValue('#settings-email')) !== 'E-mail')
        throw new Error('chosen header lost');
    },
  },
  {
    name: 'running-elsewhere',
    setup: serve(
      sidebarState(
        CONNECTIONS.connected,
        syncStatus({
          running: true,
          daily: dailyOn(6),
          lastRun: summary({
            outcome: 'continuing',
            message: 'Did 400 of 1,200 rows; continuing.',
            errors: 0,
            errorRows: [],
          }),
        }),
      ),
    ),
    check: async (page) => {
      if (!(await page.isDisabled('#sync-now'))) throw new Error('sync enabled while running');
      await expectText(page, '#sync-hint', 'running now');
    },
  },
  {
    name: 'daily-limit',
    setup: serve(
      sidebarState(CONNECTIONS.connected, {
        notices: [
          dailyLimitText('2026-05-06T00:00:00.000Z', {
            timeZone: 'Europe/Berlin',
            locale: 'de_DE',
          }),
        ],
        ...syncStatus({
          daily: dailyOn(6),
          lastRun: summary({
            outcome: 'daily-limit',
            message:
              "Keap's daily request limit for this add-on was reached, so the sync stopped before using it up. So far: 400 emails updated, 0 opted out, 0 unchanged, 0 errors. 800 rows continue after 02:00 on Wed 6 May 2026, when Keap resets the limit.",
            errors: 0,
            errorRows: [],
            continuesAt: '2026-05-06T00:00:00.000Z',
          }),
          waitingForKeapUntil: '2026-05-06T00:00:00.000Z',
        }),
      } as SyncStatusView),
    ),
    check: async (page) => {
      await expectText(page, '[data-testid="outcome"]', 'daily request limit');
      await expectText(page, '#sync-hint', 'continues after 02:00');
    },
  },
  {
    name: 'injection',
    setup: serve(
      sidebarState(
        { ...CONNECTIONS.connected, account: '<img src=x onerror="window.pwned=1">tenant' },
        syncStatus({
          lastRun: summary({
            outcome: 'failed',
            message: '<b>bold</b><script>window.pwned=2</script>',
          }),
        }),
      ),
    ),
    check: async (page) => {
      await expectText(page, '#connected-account', '<img src=x');
      await expectText(page, '[data-testid=run-message]', '<script>window.pwned=2</script>');
      const injected = await page.evaluate<{ pwned: unknown; images: number; inMessage: number }>(
        `({ pwned: window.pwned === undefined ? null : window.pwned,
            images: document.querySelectorAll('img').length,
            inMessage: document.querySelectorAll('[data-testid=run-message] *').length })`,
      );
      if (injected.pwned !== null || injected.images > 0 || injected.inMessage > 0) {
        throw new Error(JSON.stringify(injected));
      }
    },
  },
];

async function expectText(page: Page, selector: string, text: string): Promise<void> {
  const content = (await page.textContent(selector)) ?? '';
  if (!content.includes(text)) throw new Error(`${selector} lacks "${text}": ${content}`);
}

async function main(): Promise<void> {
  mkdirSync(OUT_DIR, { recursive: true });
  for (const scenario of scenarios) {
    writeFileSync(join(OUT_DIR, `${scenario.name}.html`), sidebarPreviewPage(scenario.setup));
  }
  if (!existsSync(CHROMIUM)) {
    console.log(`Wrote ${scenarios.length} pages to ${OUT_DIR}; no Chromium at ${CHROMIUM}.`);
    return;
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'],
  });
  let failures = 0;
  try {
    for (const scenario of scenarios) {
      const page = await browser.newPage({ viewport: { width: 300, height: 700 } });
      const pageErrors: string[] = [];
      page.on('pageerror', (error) => pageErrors.push(error.message));
      await page.goto(`file://${join(OUT_DIR, `${scenario.name}.html`)}`);
      await page.waitForSelector('#status-connection[data-state]');
      try {
        if (scenario.act) await scenario.act(page);
        await page.waitForTimeout(150);
        if (scenario.check) await scenario.check(page);
        if (pageErrors.length) throw new Error(`page errors: ${pageErrors.join('; ')}`);
        const overflow = await page.evaluate<number>('document.documentElement.scrollWidth');
        if (overflow > 300) throw new Error(`page is ${overflow} px wide`);
        console.log(`ok   ${scenario.name}`);
      } catch (error) {
        failures += 1;
        console.log(`FAIL ${scenario.name}: ${(error as Error).message}`);
      }
      await page.screenshot({ path: join(OUT_DIR, `${scenario.name}.png`), fullPage: true });
      await page.close();
    }
  } finally {
    await browser.close();
  }
  console.log(
    `${scenarios.length - failures} passed, ${failures} failed (screenshots in ${OUT_DIR})`,
  );
  if (failures) process.exitCode = 1;
}

void main();
