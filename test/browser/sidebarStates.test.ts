/**
 * A screenshot of every state of the sidebar, each taken once the state's own words show:
 * setup needed, not connected, waiting for consent, connected, a result with errors, the
 * daily sync on, off and paused, needs reconnect, and the settings. (Syncing with progress:
 * sidebarProgress.test.ts.) They go to artifacts/screenshots/sidebar-<state>.png; the ones
 * README.md shows are copied from there to docs/images/.
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
  postJson,
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

describeWithBrowser('every state of the sidebar, as a screenshot', () => {
  let pg: Playground;
  let opened: OpenedPlayground;

  beforeAll(async () => {
    pg = await startPlayground({ triggerPollMs: 0, configured: false, validateRequests: false });
    opened = await openPlayground(browser, pg);
  });

  afterAll(async () => {
    await opened?.context.close();
    await pg?.close();
  });

  afterEach(() => {
    expect(opened.dialogs).toEqual([]);
    expect(opened.pageErrors).toEqual([]);
  });

  const textOf = async (testId: string): Promise<string> =>
    (await opened.sidebar.getByTestId(testId).innerText()).replace(/\s+/g, ' ').trim();

  it('setup needed, then not connected', async () => {
    const { sidebar } = opened;
    await waitForConnection(sidebar, 'setup-needed');
    expect(
      await sidebar.locator('[data-testid="missing-properties"] code').allTextContents(),
    ).toEqual(['KEAP_CLIENT_ID', 'KEAP_CLIENT_SECRET']);
    await shootSidebar(opened, 'sidebar-setup-needed');

    await postJson(`${pg.url}/dev/setup`, { configured: true });
    await sidebar.getByTestId('refresh').click();
    await waitForConnection(sidebar, 'not-connected');
    expect(await sidebar.locator('#connect').textContent()).toContain('Connect to Keap');
    expect(await sidebar.getByTestId('sync-hint').textContent()).toBe(
      'Connect to Keap first to sync or preview.',
    );
    await shootSidebar(opened, 'sidebar-not-connected');
  });

  it('waiting for consent, then connected with the daily sync off', async () => {
    const { sidebar } = opened;
    const callback = await approveInConsentTab(opened, 'connect', async () => {
      await sidebar.getByTestId('connect-waiting').waitFor();
      expect(await textOf('connect-waiting')).toMatch(/Keap/);
      await shootSidebar(opened, 'sidebar-waiting-for-consent');
    });
    await callback.close();
    await waitForConnection(sidebar, 'connected');
    expect(await textOf('connected-account')).toContain('xy123');
    expect(await textOf('daily-status')).toBe(
      'Off Turn it on to sync every day, even when the spreadsheet is closed.',
    );
    await shootSidebar(opened, 'sidebar-connected');
    await shootSidebar(opened, 'sidebar-daily-off', '#daily-section');
  });

  it('a result with errors: the counts and the rows to look at', async () => {
    const { sidebar } = opened;
    await sidebar.getByTestId('sync-now').click();
    const outcome = sidebar.locator('#sync-result [data-testid="outcome"]');
    await outcome.waitFor();
    expect(await outcome.getAttribute('data-outcome')).toBe('completed');
    const result = await textOf('sync-result');
    expect(result).toMatch(/[1-9]\d* errors?/);
    await shootSidebar(opened, 'sidebar-result-errors');
  });

  it('the daily sync on', async () => {
    const { sidebar } = opened;
    await sidebar.getByTestId('daily-hour').selectOption('7');
    await sidebar.getByTestId('daily-enable').click();
    await sidebar
      .getByTestId('daily-status')
      .filter({ hasText: 'On, every day at 07:00' })
      .waitFor();
    expect(await textOf('daily-status')).toMatch(/^On, every day at 07:00.08:00 Next run: /);
    await shootSidebar(opened, 'sidebar-daily-on', '#daily-section');
  });

  it('the daily sync paused by Disconnect, offered back once connected again', async () => {
    const { sidebar } = opened;
    await sidebar.getByTestId('disconnect').click();
    await sidebar.getByTestId('disconnect-confirm-yes').click();
    await waitForConnection(sidebar, 'not-connected');
    (await approveInConsentTab(opened, 'connect')).close();
    await waitForConnection(sidebar, 'connected');
    await sidebar.getByTestId('daily-status').filter({ hasText: 'paused' }).waitFor();
    expect(await textOf('daily-status')).toBe(
      'Daily sync paused: Keap is disconnected. Connect to Keap again, then turn it back on.',
    );
    expect(await textOf('daily-enable')).toBe('Turn the daily sync back on (at 07:00)');
    await shootSidebar(opened, 'sidebar-daily-paused', '#daily-section');
  });

  it('needs reconnect, with Keap’s reason', async () => {
    const { sidebar } = opened;
    await postJson(`${pg.url}/dev/revoke`);
    await sidebar.getByTestId('sync-now').click();
    await waitForConnection(sidebar, 'needs-reconnect');
    expect(await textOf('reconnect-reason')).not.toBe('');
    expect(await sidebar.locator('#reconnect').isVisible()).toBe(true);
    await shootSidebar(opened, 'sidebar-needs-reconnect');
  });

  it('the settings', async () => {
    const { sidebar } = opened;
    await sidebar.getByTestId('settings-toggle').click();
    await sidebar.locator('#settings-contact-id option').nth(1).waitFor({ state: 'attached' });
    expect(
      await sidebar.getByTestId('settings-sheet').locator('option').first().textContent(),
    ).toBe('Default: Contacts, else the first tab');
    expect(await sidebar.getByTestId('settings-save').isVisible()).toBe(true);
    await shootSidebar(opened, 'sidebar-settings', '#settings-section');
  });
});
