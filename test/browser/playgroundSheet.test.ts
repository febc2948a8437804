/**
 * The playground's sheet view behaves like a sheet a person can type into: edit an email,
 * tick or untick Opt Out, and the next sync sees the edit. No request of the page ends in a
 * 404 (the favicon included).
 */
import type { Browser, Response } from 'playwright-core';
import { startPlayground, type Playground } from '../../dev/playground/server';
import {
  BROWSER_TESTS_RUN,
  describeWithBrowser,
  ensureBundle,
  launchChromium,
  openPlayground,
  postJson,
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

describeWithBrowser('the playground sheet can be edited', () => {
  let pg: Playground;
  let opened: OpenedPlayground;
  const notFound: string[] = [];

  beforeAll(async () => {
    pg = await startPlayground({ triggerPollMs: 0, validateRequests: false });
    opened = await openPlayground(browser, pg);
    opened.context.on('response', (response: Response) => {
      if (response.status() === 404) notFound.push(response.url());
    });
    // The favicon is asked for once per page load: load again now that 404s are watched.
    await opened.page.reload();
    await opened.page.locator('#grid td[data-cell="A1"]').waitFor();
  });

  afterAll(async () => {
    await opened?.context.close();
    await pg?.close();
  });

  const contacts = () => pg.rt.sheet(pg.spreadsheetId, 'Contacts');
  const columnOf = (pattern: RegExp): number =>
    contacts()
      .displayValues()[0]
      .findIndex((h) => pattern.test(h.toLowerCase())) + 1;

  it('types a new email into a cell: Enter saves it into the sheet', async () => {
    const { page } = opened;
    const column = columnOf(/mail/);
    const cell = page.locator(`#grid td[data-cell="${String.fromCharCode(64 + column)}2"]`);
    await cell.dblclick();
    const input = cell.locator('input');
    await input.fill('edited.in.browser@example.com');
    await input.press('Enter');
    await page.locator('#grid td', { hasText: 'edited.in.browser@example.com' }).first().waitFor();
    expect(contacts().cell(2, column)).toBe('edited.in.browser@example.com');
  });

  it('Escape leaves the cell as it was', async () => {
    const { page } = opened;
    const column = columnOf(/mail/);
    const before = contacts().cell(3, column);
    const cell = page.locator(`#grid td[data-cell="${String.fromCharCode(64 + column)}3"]`);
    await cell.dblclick();
    await cell.locator('input').fill('not.saved@example.com');
    await cell.locator('input').press('Escape');
    await cell.locator('input').waitFor({ state: 'detached' });
    expect(contacts().cell(3, column)).toBe(before);
  });

  it('a TRUE/FALSE cell flips on a click, as a checkbox would, and stays a boolean', async () => {
    const { page } = opened;
    const column = columnOf(/opt/);
    const sheet = contacts();
    const row = sheet.values().findIndex((r, i) => i > 0 && typeof r[column - 1] === 'boolean') + 1;
    expect(row).toBeGreaterThan(1);
    const before = sheet.cell(row, column);
    await page.locator(`#grid td[data-cell="${String.fromCharCode(64 + column)}${row}"]`).click();
    const deadline = Date.now() + 10_000;
    while (contacts().cell(row, column) === before && Date.now() < deadline) {
      await page.waitForTimeout(100);
    }
    expect(contacts().cell(row, column)).toBe(!before);
  });

  it('refuses an edit outside the sheet, changing nothing', async () => {
    const before = JSON.stringify(contacts().values());
    await expect(
      postJson(`${pg.url}/api/sheet/cell`, { tab: 'No such tab', row: 2, column: 2, text: 'x' }),
    ).rejects.toThrow(/HTTP 400 No such tab/);
    await expect(
      postJson(`${pg.url}/api/sheet/cell`, { tab: 'Contacts', row: 0, column: -1, text: 'x' }),
    ).rejects.toThrow(/HTTP 400 No such cell/);
    expect(JSON.stringify(contacts().values())).toBe(before);
  });

  it('no request of the page was answered 404 (the favicon is served)', () => {
    expect(notFound).toEqual([]);
  });
});
