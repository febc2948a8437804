/**
 * The real sidebar in headless Chromium, through the playground: the built bundle in the local
 * Apps Script runtime, the Keap simulator in a child process, google.script.run over HTTP.
 * Screenshots of each state go to artifacts/screenshots/.
 */
import type { Browser } from 'playwright-core';
import { startPlayground, type Playground } from '../../dev/playground/server';
import { formatMoment } from '../../src/ui/dates';
import {
  approveInConsentTab,
  BROWSER_TESTS_RUN,
  describeWithBrowser,
  ensureBundle,
  launchChromium,
  openPlayground,
  postJson,
  shootPage,
  shootSidebar,
  sidebarFrame,
  statusColumn,
  waitForStatuses,
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

describeWithBrowser('a person connects, syncs, schedules, previews and disconnects', () => {
  let pg: Playground;
  let opened: OpenedPlayground;

  beforeAll(async () => {
    // Spec validation is the e2e tests' and the smoke test's job; here it would cost 5 s a sync.
    pg = await startPlayground({ triggerPollMs: 0, validateRequests: false });
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

  it('connects through Keap’s consent page and the open sidebar notices without a reload', async () => {
    const { page, sidebar } = opened;
    await waitForConnection(sidebar, 'not-connected');
    await shootSidebar(opened, '01-not-connected');
    await sidebarFrame(page).evaluate('window.notReloaded = true');

    const callbackPage = await approveInConsentTab(opened, 'connect', async (consent) => {
      await sidebar.getByTestId('connect-waiting').waitFor();
      await shootSidebar(opened, '02-waiting-for-consent');
      expect(await consent.locator('h1').textContent()).toContain('access your Keap account');
      await shootPage(consent, '03-keap-consent-page', 300);
    });
    expect(await callbackPage.locator('h1').textContent()).toMatch(/connected/i);
    await shootPage(callbackPage, '04-callback-page', 400);
    await callbackPage.close();

    await waitForConnection(sidebar, 'connected');
    await sidebar.getByTestId('connect-waiting').waitFor({ state: 'detached' });
    expect(await sidebar.locator('#notice-text').textContent()).toBe('Connected to Keap.');
    expect(await sidebar.getByTestId('connected-account').textContent()).toContain('xy123');
    expect(await sidebarFrame(page).evaluate('window.notReloaded === true')).toBe(true);
    await shootSidebar(opened, '05-connected');
  });

  it('syncs now: the sidebar shows the counts and the sheet shows a status on every row', async () => {
    const { page, sidebar } = opened;
    expect((await statusColumn(page)).filter(Boolean)).toEqual([]);
    await sidebar.getByTestId('sync-now').click();
    const outcome = sidebar.locator('#sync-result [data-testid="outcome"]');
    await outcome.waitFor();
    expect(await outcome.getAttribute('data-outcome')).toBe('completed');

    const counts = await sidebar
      .locator('#sync-result [data-testid="counts"] .count')
      .evaluateAll((cells) =>
        Object.fromEntries(
          cells.map((c) => [
            c.querySelector('span')?.textContent,
            Number(c.querySelector('b')?.textContent),
          ]),
        ),
      );
    // The page's view of the sheet refreshes after the call: every checked row got a status.
    await waitForStatuses(page, counts['rows checked']);
    const statuses = (await statusColumn(page)).filter(Boolean);
    expect(statuses).toHaveLength(counts['rows checked']);
    const errorCount = counts.errors ?? counts.error;
    expect(statuses.filter((s) => s.startsWith('Error')).length).toBe(errorCount);
    expect(await sidebar.getByTestId('sync-now').isEnabled()).toBe(true);
    await shootSidebar(opened, '06-sync-result');
    await shootPage(page, '00-playground');
  });

  it('turns the daily sync on at a chosen hour and shows it on', async () => {
    const { sidebar } = opened;
    await sidebar.getByTestId('daily-hour').selectOption('7');
    await sidebar.getByTestId('daily-enable').click();
    await sidebar
      .getByTestId('daily-status')
      .filter({ hasText: 'On, every day at 07:00' })
      .waitFor();
    expect(await sidebar.locator('#notice-text').textContent()).toContain('07:00');
    expect(await sidebar.getByTestId('daily-disable').isVisible()).toBe(true);
    const daily = pg.rt.triggers(pg.user).filter((t) => t.handler === 'dailySync');
    expect(daily).toHaveLength(1);
    // The sidebar writes a time as the menu does: the spreadsheet's locale and time zone.
    const state = pg.rt.run<{
      sync: { locale: string; daily: { timeZone: string; nextRunAfter: string } };
    }>('getSidebarState', [], { user: pg.user, spreadsheetId: pg.spreadsheetId }).value;
    const next = state?.sync.daily.nextRunAfter ?? '';
    const where = { timeZone: state?.sync.daily.timeZone ?? '', locale: state?.sync.locale ?? '' };
    expect(await sidebar.getByTestId('daily-status').textContent()).toContain(
      `Next run: ${formatMoment(next, where)} or within the hour after.`,
    );
    await shootSidebar(opened, '07-daily-on');
  });

  it('previews an edited row: the change is listed and nothing is sent to Keap', async () => {
    const { sidebar } = opened;
    const sheet = pg.rt.sheet(pg.spreadsheetId, 'Contacts');
    const values = sheet.displayValues();
    const header = values[0].map((h) => h.trim().toLowerCase());
    const emailColumn = header.findIndex((h) => h.includes('mail'));
    const statusCol = header.findIndex((h) => h.includes('status'));
    // A row the sync handled without an error: its edit is a change Keap has not seen.
    const row = values.findIndex(
      (r, i) => i > 0 && r[statusCol] !== '' && !/^error/i.test(r[statusCol]),
    );
    expect(row).toBeGreaterThan(0);
    const newEmail = 'new.address@example.com';
    sheet.setCell(row + 1, emailColumn + 1, newEmail);
    const writes = (): number =>
      pg.rt.requests.filter(
        (r) => r.request.method === 'PATCH' || r.request.body.includes('APIEmailService.optOut'),
      ).length;
    const writesBefore = writes();
    const asksBefore = pg.rt.requests.length;

    await sidebar.getByTestId('preview').click();
    const listed = sidebar.locator(`[data-testid="preview-row"][data-row="${row + 1}"]`);
    await listed.waitFor();
    expect(await listed.locator('.to').textContent()).toBe(newEmail);
    expect(await sidebar.getByTestId('preview-result').textContent()).toContain(
      'nothing changed yet',
    );
    // The preview asked Keap for the contact's current state and wrote nothing.
    expect(pg.rt.requests.length).toBeGreaterThan(asksBefore);
    expect(writes()).toBe(writesBefore);
    await shootSidebar(opened, '08-preview');
  });

  it('settings: columns chosen from the sheet, a header gone from row 1 refused, reset to defaults', async () => {
    const { sidebar } = opened;
    pg.rt.addSheet(pg.spreadsheetId, 'Leads', [
      ['Keap #', 'Mail', 'Unsubscribe?'],
      [101, '', 'yes'],
    ]);
    const contacts = pg.rt.sheet(pg.spreadsheetId, 'Contacts');
    const headers = contacts.displayValues()[0].map((h) => h.trim());
    const optOutColumn = headers.findIndex((h) => /^opt-?out\??$/i.test(h));
    expect(optOutColumn).toBeGreaterThanOrEqual(0);
    const optOutHeader = contacts.displayValues()[0][optOutColumn];
    const optionsOf = (id: string) => sidebar.getByTestId(id).locator('option').allTextContents();

    await sidebar.getByTestId('settings-toggle').click();
    await sidebar.locator('#settings-contact-id option').nth(1).waitFor({ state: 'attached' });
    // The tab list fills from the same answer; on a busy machine a state refresh can land
    // between the two lists being drawn, so wait for it as a person would.
    await sidebar.locator('#settings-sheet option').nth(2).waitFor({ state: 'attached' });
    expect(await optionsOf('settings-sheet')).toEqual([
      'Default: Contacts, else the first tab',
      'Contacts',
      'Leads',
    ]);
    const choices = await optionsOf('settings-contact-id');
    expect(choices[0]).toBe('Default: Contact ID');
    expect(choices).toEqual(
      expect.arrayContaining(headers.filter((h) => /contact_id|phone/i.test(h))),
    );
    expect(choices).not.toContain('Sync Status');
    expect(await sidebar.getByTestId('settings-contact-id').inputValue()).toBe('');

    // Another tab: its own headers to choose from.
    await sidebar.getByTestId('settings-sheet').selectOption('Leads');
    await sidebar
      .locator('#settings-contact-id option', { hasText: 'Keap #' })
      .waitFor({ state: 'attached' });
    expect(await optionsOf('settings-email')).toEqual([
      'Default: Email',
      'Keap #',
      'Mail',
      'Unsubscribe?',
    ]);
    await sidebar.getByTestId('settings-sheet').selectOption('Contacts');
    await sidebar
      .locator('#settings-contact-id option', { hasText: 'Keap #' })
      .waitFor({ state: 'detached' });

    // A column chosen, then renamed in the sheet before Save: refused, with its name.
    await sidebar.getByTestId('settings-opt-out').selectOption(optOutHeader);
    contacts.setCell(1, optOutColumn + 1, 'Unsubscribed');
    await sidebar.getByTestId('settings-save').click();
    const errors = sidebar.getByTestId('settings-errors');
    await errors.waitFor();
    expect(await errors.textContent()).toBe(
      `Row 1 of the 'Contacts' tab has no '${optOutHeader.trim()}' column (chosen for 'Opt Out').`,
    );
    contacts.setCell(1, optOutColumn + 1, optOutHeader);

    await sidebar.getByTestId('settings-save').click();
    await sidebar.getByTestId('settings-result').filter({ hasText: 'Settings saved.' }).waitFor();
    const saved = pg.rt.run<{ sync: { settings: { headers: { optOut: string } } } }>(
      'getSidebarState',
      [],
      { user: pg.user, spreadsheetId: pg.spreadsheetId },
    );
    expect(saved.value?.sync.settings.headers.optOut).toBe(optOutHeader.trim());
    await shootSidebar(opened, '20-settings', '#settings-section');

    await sidebar.getByTestId('settings-reset').click();
    await sidebar
      .getByTestId('settings-result')
      .filter({ hasText: 'Settings reset to defaults.' })
      .waitFor();
    expect(await sidebar.getByTestId('settings-opt-out').inputValue()).toBe('');
    expect(await sidebar.getByTestId('settings-sheet').inputValue()).toBe('');
    await sidebar.getByTestId('settings-toggle').click();
  });

  it('disconnects after confirming and shows Not connected', async () => {
    const { sidebar } = opened;
    await sidebar.getByTestId('disconnect').click();
    await sidebar.getByTestId('disconnect-confirm').waitFor();
    await shootSidebar(opened, '09-disconnect-confirm');
    await sidebar.getByTestId('disconnect-confirm-yes').click();
    await waitForConnection(sidebar, 'not-connected');
    expect(await sidebar.locator('#notice-text').textContent()).toBe('Disconnected from Keap.');
    expect(await sidebar.getByTestId('sync-now').isDisabled()).toBe(true);
    await shootSidebar(opened, '10-disconnected');
  });
});

describeWithBrowser('error states', () => {
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

  it('without a client id shows what to configure and copies the redirect URI', async () => {
    const { page, sidebar } = opened;
    await waitForConnection(sidebar, 'setup-needed');
    const missing = await sidebar
      .locator('[data-testid="missing-properties"] code')
      .allTextContents();
    expect(missing).toEqual(['KEAP_CLIENT_ID', 'KEAP_CLIENT_SECRET']);
    expect(await sidebar.getByTestId('redirect-uri').inputValue()).toBe(pg.redirectUri);
    expect(await sidebar.getByTestId('sync-section').isVisible()).toBe(false);

    await sidebar.getByTestId('copy-redirect-uri').click();
    await sidebar.getByTestId('copy-status').filter({ hasText: 'Copied.' }).waitFor();
    expect(await sidebarFrame(page).evaluate('navigator.clipboard.readText()')).toBe(
      pg.redirectUri,
    );
    await shootSidebar(opened, '11-setup-needed');

    // Once the script properties are set, Check again shows Connect without reopening.
    await postJson(`${pg.url}/dev/setup`, { configured: true });
    await sidebar.getByTestId('refresh').click();
    await waitForConnection(sidebar, 'not-connected');
  });

  it('after Deny on Keap’s page the sidebar stops waiting and says access was not granted', async () => {
    const { page, sidebar } = opened;
    await waitForConnection(sidebar, 'not-connected');
    const popup = page.waitForEvent('popup');
    await sidebar.locator('#connect').click();
    const consent = await popup;
    await consent.locator('#deny').waitFor();
    await sidebar.getByTestId('connect-waiting').waitFor();
    await Promise.all([consent.waitForURL(/\/usercallback\?/), consent.locator('#deny').click()]);
    expect(await consent.locator('h1').textContent()).toBe('Not connected');
    await consent.close();
    await sidebar.getByTestId('connect-waiting').waitFor({ state: 'hidden' });
    expect(await sidebar.locator('#error-text').textContent()).toBe(
      'Access to Keap was not granted (Deny was chosen on Keap’s page), so nothing was connected. To try again, click Connect to Keap.',
    );
    await waitForConnection(sidebar, 'not-connected');
    await shootSidebar(opened, '21-consent-denied');
    await sidebar.getByTestId('error-dismiss').click();
  });

  it('when Keap revokes the connection, a sync says to reconnect and Reconnect works', async () => {
    const { sidebar } = opened;
    const callbackPage = await approveInConsentTab(opened, 'connect');
    await callbackPage.close();
    await waitForConnection(sidebar, 'connected');

    await postJson(`${pg.url}/dev/revoke`);
    await sidebar.getByTestId('sync-now').click();
    await waitForConnection(sidebar, 'needs-reconnect');
    const outcome = sidebar.locator('#sync-result [data-testid="outcome"]');
    expect(await outcome.getAttribute('data-outcome')).toBe('needs-reconnect');
    expect((await sidebar.getByTestId('reconnect-reason').textContent())?.trim()).not.toBe('');
    expect(await sidebar.getByTestId('sync-now').isDisabled()).toBe(true);
    await shootSidebar(opened, '12-needs-reconnect');

    const again = await approveInConsentTab(opened, 'reconnect');
    await again.close();
    await waitForConnection(sidebar, 'connected');
  });

  it('shows a Keap error message holding markup as plain text, running nothing', async () => {
    const { page, sidebar } = opened;
    const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>';
    const scriptsBefore = await sidebarFrame(page).locator('script').count();
    await postJson(`${pg.url}/dev/fault`, {
      message: hostile,
      routes: ['contacts.get', 'contacts.list'],
    });
    try {
      await sidebar.getByTestId('sync-now').click();
      const outcome = sidebar.locator('#sync-result [data-testid="outcome"]');
      await outcome.waitFor();
      expect(await outcome.getAttribute('data-outcome')).toBe('failed');
      const message = sidebar.locator('#sync-result [data-testid="run-message"]');
      expect(await message.textContent()).toContain(hostile);
      expect(await message.isVisible()).toBe(true);
      await shootSidebar(opened, '13-keap-error-escaped');
    } finally {
      await postJson(`${pg.url}/dev/clear-faults`);
    }
    // The text is on the page, and no element came out of it.
    expect(await sidebarFrame(page).locator('script').count()).toBe(scriptsBefore);
    expect(await sidebarFrame(page).locator('img').count()).toBe(0);
    expect(await page.locator('#grid img, #grid script').count()).toBe(0);
    expect(opened.dialogs).toEqual([]);
  });
});
