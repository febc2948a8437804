/**
 * A long sync watched in the real sidebar: `npm start`'s playground in a process of its own
 * (the sync holds the playground's thread while it runs, so this test's own thread stays free
 * to look), a 2,000-row sheet, Sync now. While the sync runs the sidebar keeps asking for the
 * state (the playground answers those calls as executions of their own, front.ts) and shows
 * rows done out of rows to do, advancing; the sheet view shows statuses chunk by chunk.
 * Screenshot: artifacts/screenshots/sidebar-syncing.png (README shows a copy in docs/images/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { REPO_ROOT, type Playground } from '../../dev/playground/server';
import {
  approveInConsentTab,
  BROWSER_TESTS_RUN,
  describeWithBrowser,
  ensureBundle,
  launchChromium,
  openPlayground,
  shootSidebar,
  statusColumn,
  waitForConnection,
  type OpenedPlayground,
} from './support';

// A chunk is 1,000 rows, at Keap's 24 requests/s: about a minute alone, a few on a busy machine.
jest.setTimeout(600_000);

const ROWS = 2000;
const FIRST_ID = 5001;

let browser: Browser;
let dir: string;
let child: ChildProcess | null = null;
/** What the playground printed (one line per execution). */
let out = '';

/** The playground as a process of its own, on a sheet of ROWS contacts to update. */
async function startPlaygroundProcess(): Promise<string> {
  dir = mkdtempSync(join(tmpdir(), 'kss-progress-'));
  const csv = ['Contact ID,Email,Opt Out,Opt Out Reason'];
  const contacts = [];
  for (let i = 0; i < ROWS; i++) {
    csv.push(`${FIRST_ID + i},person${i}@example.com,,`);
    contacts.push({ id: FIRST_ID + i, givenName: `Person ${i}`, email1: `old${i}@example.com` });
  }
  writeFileSync(join(dir, 'sheet.csv'), `${csv.join('\n')}\n`);
  writeFileSync(
    join(dir, 'seed.json'),
    JSON.stringify({ tenants: [{ tenant: 'xy123', contacts }] }),
  );
  const started = spawn(
    process.execPath,
    [
      '--import',
      pathToFileURL(require.resolve('tsx')).href,
      'dev/playground.ts',
      '--csv',
      join(dir, 'sheet.csv'),
      '--seed',
      join(dir, 'seed.json'),
      '--no-validate',
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, PORT: '0', TZ: 'UTC' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child = started;
  started.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  started.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const deadline = Date.now() + 60_000;
  while (!/Press Ctrl-C to stop/.test(out) && Date.now() < deadline) {
    if (started.exitCode !== null) throw new Error(`the playground exited:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const url = /Open (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
  if (!url) throw new Error(`the playground did not start:\n${out}`);
  return url;
}

beforeAll(async () => {
  if (!BROWSER_TESTS_RUN) return;
  ensureBundle();
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child?.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/**
 * Opt-in (KSS_SLOW_BROWSER=1): two minutes of real-clock sync, and under a loaded machine the
 * sidebar was seen stuck at "0 of 2,000 rows" for a whole sync (polls answered, progress not
 * advancing): an open defect of the playground's side-by-side executions (issue #16). The
 * add-on's progress itself is proved on the virtual clock (test/e2e/sync-progress.test.ts,
 * redteam-16.test.ts); this stays out of `npm test` until the playground is fixed.
 */
const describeSlow = process.env.KSS_SLOW_BROWSER === '1' ? describeWithBrowser : describe.skip;

describeSlow('a long sync in the sidebar', () => {
  let opened: OpenedPlayground;

  beforeAll(async () => {
    const url = await startPlaygroundProcess();
    opened = await openPlayground(browser, { url } as Playground);
  });

  afterAll(async () => {
    await opened?.context.close();
  });

  it('shows rows done out of rows to do while it runs, advancing, and statuses chunk by chunk', async () => {
    const { page, sidebar } = opened;
    await waitForConnection(sidebar, 'not-connected');
    (await approveInConsentTab(opened, 'connect')).close();
    await waitForConnection(sidebar, 'connected');

    await sidebar.getByTestId('sync-now').click();
    const text = sidebar.getByTestId('sync-progress-text');
    // On a busy machine the rate seen so far can promise more than one part holds.
    const progress =
      /^([\d,]+) of 2,000 rows( · ((about \d+ min|less than a minute) left|the rest continues in a later part))?$/;
    await text
      .filter({ hasText: progress })
      .waitFor({ timeout: 120_000 })
      .catch((error: unknown) => {
        throw new Error(`${String(error)}\nThe playground printed:\n${out.slice(-3000)}`);
      });
    const first = String(await text.textContent());
    expect(first).toMatch(progress);
    expect(await sidebar.getByTestId('sync-busy').isVisible()).toBe(true);
    expect(await sidebar.getByTestId('sync-now').isDisabled()).toBe(true);

    // It advances while the sync runs (a chunk is 1,000 rows).
    const done = (words: string): number => Number(words.split(' of ')[0].replace(/,/g, ''));
    await text
      .filter({ hasText: /^1,000 of 2,000 rows/ })
      .waitFor({ timeout: 300_000 })
      .catch(async (error: unknown) => {
        const shown = await text.textContent().catch(() => null);
        throw new Error(
          `${String(error)}\nThe sidebar shows: ${shown}\nThe playground printed:\n${out.slice(-3000)}`,
        );
      });
    const later = String(await text.textContent());
    expect(later).toMatch(progress);
    expect(done(later)).toBeGreaterThan(done(first));
    // The rows already done carry their statuses while the rest is still being synced.
    // The page's sheet view refreshes after each of the sidebar's calls.
    await page.waitForFunction(
      `Array.from(document.querySelectorAll('#grid td')).filter((td) => /^Updated/.test(td.textContent || '')).length >= ${done(later)}`,
      undefined,
      { timeout: 60_000 },
    );
    const statuses = (await statusColumn(page)).filter(Boolean);
    expect(statuses.length).toBeGreaterThanOrEqual(done(later));
    expect(statuses.length).toBeLessThan(ROWS);
    await shootSidebar(opened, 'sidebar-syncing');

    // The end: the result, and no progress left on show.
    const outcome = sidebar.locator('#sync-result [data-testid="outcome"]');
    await outcome.waitFor({ timeout: 240_000 });
    expect(await outcome.getAttribute('data-outcome')).toBe('completed');
    await sidebar.getByTestId('sync-progress').waitFor({ state: 'hidden' });
  });
});
