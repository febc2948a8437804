/**
 * `npm start -- --smoke` end to end, as a separate process: the playground starts the Keap
 * simulator child, connects through the consent page and syncs over HTTP, prints the result,
 * stops the simulator and exits 0. (Run here without `npm start`'s build step: `npm test`
 * has built dist/ already, and rebuilding while other test files read it would race.)
 */
import { execFile, spawn } from 'node:child_process';
import { request } from 'node:http';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../../dev/playground/server';
import { ensureBundle } from './support';

jest.setTimeout(120_000);

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runSmoke(): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', pathToFileURL(require.resolve('tsx')).href, 'dev/playground.ts', '--smoke'],
      {
        cwd: REPO_ROOT,
        timeout: 100_000,
        killSignal: 'SIGKILL',
        env: { ...process.env, PORT: '0' },
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** True when something still answers HTTP at this URL. */
function answers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 2000 }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.end();
  });
}

describe('npm start -- --smoke', () => {
  beforeAll(() => ensureBundle());

  it('connects, syncs, prints the sheet with a status per row, stops the simulator and exits 0', async () => {
    const run = await runSmoke();
    if (run.code !== 0) throw new Error(`exit ${run.code}\n${run.stdout}\n${run.stderr}`);
    expect(run.stdout).toMatch(/^Callback page: Connected to Keap$/m);
    expect(run.stdout).toMatch(/^Connected to: \S+/m);
    const sync = /^Sync: completed: (\d+) rows checked/m.exec(run.stdout);
    expect(sync).not.toBeNull();
    expect(Number(sync?.[1])).toBeGreaterThan(0);
    // Each checked row got a status the person can read in the sheet.
    expect(run.stdout).toMatch(new RegExp(`^Rows with a status: ${sync?.[1]}$`, 'm'));
    expect(run.stdout).toMatch(/Smoke run passed in [\d.]+ s\./);

    const simUrl = /^Keap simulator: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(run.stdout)?.[1];
    const pageUrl = /^Playground: (http:\/\/127\.0\.0\.1:\d+)$/m.exec(run.stdout)?.[1];
    expect(simUrl).toBeDefined();
    expect(pageUrl).toBeDefined();
    // Both servers are gone: the simulator child was stopped, nothing was left running.
    expect(await answers(`${simUrl}/`)).toBe(false);
    expect(await answers(`${pageUrl}/`)).toBe(false);
  });

  it.each(['SIGTERM', 'SIGINT'] as const)(
    'stops at once on %s: the page and the Keap simulator stop answering',
    async (signal) => {
      const child = spawn(
        process.execPath,
        ['--import', pathToFileURL(require.resolve('tsx')).href, 'dev/playground.ts'],
        { cwd: REPO_ROOT, env: { ...process.env, PORT: '0' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const exited = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      const deadline = Date.now() + 60_000;
      while (!/Press Ctrl-C to stop/.test(out) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      const pageUrl = /Open (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const simUrl = /Keap simulator: +(http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      expect(pageUrl).toBeDefined();
      expect(simUrl).toBeDefined();
      expect(await answers(`${pageUrl}/`)).toBe(true);
      child.kill(signal);
      await exited;
      // The simulator child notices its parent is gone (IPC closed) and exits too.
      let simUp = true;
      for (let i = 0; i < 50 && simUp; i++) {
        simUp = await answers(`${simUrl}/`);
        if (simUp) await new Promise((r) => setTimeout(r, 100));
      }
      expect(await answers(`${pageUrl}/`)).toBe(false);
      expect(simUp).toBe(false);
    },
  );
});
