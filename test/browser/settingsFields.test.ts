/**
 * The sidebar's settings form is built from the synced fields the state names (from
 * src/sheet/fields.ts): a fake extra field gets its own labelled list, and saving sends it.
 * The sidebar page runs with a fake google.script.run (test/unit/ui/sidebarPage.ts).
 */
import type { Browser, Page } from 'playwright-core';
import { CONNECTIONS, sidebarState } from '../unit/ui/fixtures';
import { sidebarPreviewPage } from '../unit/ui/sidebarPage';
import { BROWSER_TESTS_RUN, describeWithBrowser, ensureBundle, launchChromium } from './support';

jest.setTimeout(60_000);

let browser: Browser;

beforeAll(async () => {
  if (!BROWSER_TESTS_RUN) return;
  ensureBundle();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

function pageWithPhone(): string {
  const state = sidebarState(CONNECTIONS.connected);
  const withPhone = {
    ...state,
    sync: {
      ...state.sync,
      settings: { ...state.sync.settings, headers: { ...state.sync.settings.headers, phone: '' } },
    },
    settingsFields: [...state.settingsFields, { field: 'phone', label: 'Phone column' }],
  };
  return sidebarPreviewPage(`
    window.fakeServer.getSidebarState = function () { return ${JSON.stringify(withPhone)}; };
    window.fakeServer.getSettingsChoices = function () {
      return { ok: true, errors: [], tabs: ['Contacts'], tab: 'Contacts',
        headers: ['Contact ID', 'Email', 'Mobile'],
        defaults: { sheetName: 'Contacts', headers: { contactId: 'Contact ID', email: 'Email',
          optOut: 'Opt Out', optOutReason: 'Opt Out Reason', phone: 'Phone' } } };
    };
    window.fakeServer.saveSettings = function (settings) {
      window.savedSettings = settings;
      return { ok: true, errors: [] };
    };`);
}

describeWithBrowser('the settings form', () => {
  let page: Page;

  beforeAll(async () => {
    page = await browser.newPage({ viewport: { width: 300, height: 900 } });
    await page.setContent(pageWithPhone());
    await page.waitForSelector('#status-connection[data-state]');
  });

  afterAll(async () => {
    await page?.close();
  });

  it('has a labelled list per synced field the state names, in its order', async () => {
    const lists = await page.$$eval('#settings select', (selects) =>
      selects.map((select) => ({
        id: select.id,
        testid: select.getAttribute('data-testid'),
        label: select.labels?.[0]?.textContent ?? null,
      })),
    );
    expect(lists).toEqual([
      { id: 'settings-sheet', testid: 'settings-sheet', label: 'Sheet tab' },
      { id: 'settings-contact-id', testid: 'settings-contact-id', label: 'Contact ID column' },
      { id: 'settings-email', testid: 'settings-email', label: 'Email column' },
      { id: 'settings-opt-out', testid: 'settings-opt-out', label: 'Opt-out column' },
      {
        id: 'settings-opt-out-reason',
        testid: 'settings-opt-out-reason',
        label: 'Opt-out reason column',
      },
      { id: 'settings-phone', testid: 'settings-phone', label: 'Phone column' },
    ]);
  });

  // The saved names are the defaults but for case and punctuation, so each list shows Default.
  it("offers the new field row 1's headers and sends the choice", async () => {
    await page.click('#settings-toggle');
    await page.waitForSelector('#settings-phone option[value="Mobile"]', { state: 'attached' });
    expect(await page.textContent('#settings-phone option[value=""]')).toBe('Default: Phone');
    await page.selectOption('#settings-phone', 'Mobile');
    await page.click('#settings-save');
    await page.waitForFunction('window.savedSettings !== undefined');
    const sent = await page.evaluate<{ headers: Record<string, string> }>('window.savedSettings');
    expect(sent.headers).toEqual({
      contactId: '',
      email: '',
      optOut: '',
      optOutReason: '',
      phone: 'Mobile',
    });
  });
});
