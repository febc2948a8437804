/**
 * The Keap Email Status column and the sidebar's checkbox, in headless Chromium through the
 * playground (a new spreadsheet: the column is on). Screenshots go to artifacts/screenshots/.
 */
import type { Browser } from 'playwright-core';
import { startPlayground, type Playground } from '../../dev/playground/server';
import {
  approveInConsentTab,
  BROWSER_TESTS_RUN,
  describeWithBrowser,
  ensureBundle,
  launchChromium,
  openPlayground,
  shootPage,
  shootSidebar,
  waitForConnection,
  type OpenedPlayground,
} from './support';

jest.setTimeout(120_000);

let browser: Browser;

beforeAll(async () => {
  if (!BROWSER_TESTS_RUN) return;
  ensureBundle();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describeWithBrowser("Keap's email status shown back, and rows without a Contact ID", () => {
  let pg: Playground;
  let opened: OpenedPlayground;

  beforeAll(async () => {
    pg = await startPlayground({ triggerPollMs: 0, validateRequests: false });
    opened = await openPlayground(browser, pg);
    await waitForConnection(opened.sidebar, 'not-connected');
    const callback = await approveInConsentTab(opened, 'connect', async () => undefined);
    await callback.close();
    await waitForConnection(opened.sidebar, 'connected');
  });

  afterAll(async () => {
    await opened?.context.close();
    await pg?.close();
  });

  afterEach(() => {
    expect(opened.dialogs).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
  });

  it('a sync fills the Keap Email Status column; the sample row without an id is searched by email', async () => {
    const { page, sidebar } = opened;
    await sidebar.getByTestId('sync-now').click();
    await sidebar.locator('#sync-result [data-testid="outcome"]').waitFor();
    const values = pg.rt.sheet(pg.spreadsheetId, 'Contacts').values();
    const header = values[0].map(String);
    const column = header.indexOf('Keap Email Status');
    expect(column).toBeGreaterThan(header.indexOf('Sync Status'));
    const shown = values.slice(1).map((row) => String(row[column] ?? ''));
    expect(shown).toContain('Subscribed');
    const status = values.slice(1).map((row) => String(row[header.indexOf('Sync Status')]));
    expect(status).toContain(
      'Error: No Keap contact has this email. Trying again on ' +
        status.find((s) => s.startsWith('Error: No Keap contact'))?.split('Trying again on ')[1],
    );
    await page.waitForFunction(`document.body.textContent.includes('Keap Email Status')`);
    // The grid scrolled right, to show the statuses beside the column (the record column is hidden).
    await page.evaluate(`document.querySelectorAll('*').forEach((el) => {
      if (el.scrollWidth > el.clientWidth + 20) el.scrollLeft = el.scrollWidth;
    })`);
    await shootPage(page, '20-keap-email-status-column', 560);
  });

  it('the settings show the choice ticked, and turning it off is saved', async () => {
    const { sidebar } = opened;
    await sidebar.getByTestId('settings-toggle').click();
    const box = sidebar.getByTestId('settings-keap-status');
    expect(await box.isChecked()).toBe(true);
    await shootSidebar(opened, '21-settings-keap-status');
    await box.uncheck();
    await sidebar.getByTestId('settings-save').click();
    await sidebar.getByTestId('settings-result').filter({ hasText: 'Settings saved.' }).waitFor();
    const saved = pg.rt
      .developerMetadata(pg.spreadsheetId)
      .filter((record) => record.key === 'keapSync.settings')
      .map((record) => JSON.parse(String(record.value)) as { keapEmailStatus?: boolean });
    expect(saved.map((settings) => settings.keapEmailStatus)).toEqual([false]);
  });
});
