/**
 * The local playground: the built bundle (dist/) in the local Apps Script runtime, talking over
 * real HTTP to the Keap simulator in a child process, and a small web server that shows the
 * real sidebar next to a live view of the sheet. Everything listens on 127.0.0.1 only.
 *
 * Routes: GET / (the page), GET /sidebar (showSidebar()'s HTML with a google.script.run
 * bridge), POST /run/<fn> (google.script.run), POST /menu/<fn> (a menu item, its alerts back),
 * GET /usercallback (where the browser lands for the OAuth redirect URI), GET /api/sheet, and dev-only /dev/* controls.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { receiveMessageOnPort } from 'node:worker_threads';
import { join, resolve } from 'node:path';
import {
  AppsScriptRuntime,
  createHttpWire,
  DEFAULT_SCRIPT_ID,
  standardRedirectUri,
  type ExecutionResult,
  type HttpWire,
  type MenuEntry,
  type UiEvent,
} from '../../test/gas-runtime';
import type { OptOutModes, RouteName, SimSeed } from '../../test/keap-sim';
import { WireNetworkError, type WireHandler } from '../../test/support/wire';
import { withBridge } from './bridge';
import { parseCsv } from './csv';
import { startFront, type Front, type FrontReply, type FrontRequest } from './front';
import { playgroundPage } from './page';
import { startSimProcess, type SimProcess } from './simProcess';
import { WallClock } from './wallClock';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const PLAYGROUND_USER = 'you@example.com';
export const PLAYGROUND_CLIENT_ID = 'keap-sheets-sync-playground';
export const CALLBACK_PATH = '/usercallback';
/** Hosts the add-on calls; the playground sends them to the local simulator instead. */
export const KEAP_HOSTS = [
  'api.infusionsoft.com',
  'api.keap.com',
  'accounts.infusionsoft.com',
  'signin.infusionsoft.com',
];

/** A green "K" tile: the playground's tab is told apart from the real Sheets tab. */
const FAVICON_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#188038"/><text x="16" y="23" font-family="Arial,sans-serif" font-size="20" font-weight="bold" fill="#fff" text-anchor="middle">K</text></svg>';

export interface PlaygroundOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** SimSeed JSON; default examples/keap-seed.json with examples/contacts.csv, else dev/sample-*. */
  seedFile?: string;
  /** The sheet to load into the Contacts tab (header row first). */
  csvFile?: string;
  user?: string;
  /** Set KEAP_CLIENT_ID and KEAP_CLIENT_SECRET (default true); false shows the setup steps. */
  configured?: boolean;
  /** Check every REST v2 request against Keap's OpenAPI spec (default true). */
  validateRequests?: boolean;
  /** How the simulated Keap opts out (default: REST v2 works, XML-RPC up until 2027-01-01). */
  optOut?: Partial<OptOutModes>;
  /** Fire due time-driven triggers (the daily sync) every this many ms; 0 = never. Default 30000. */
  triggerPollMs?: number;
  /** Folder with Code.js and the HTML files; default dist/. */
  bundleDir?: string;
  timeZone?: string;
  /** One line per execution, for the console. */
  log?: (line: string) => void;
}

export interface Playground {
  url: string;
  /**
   * The add-on's redirect URI, as the OAuth2 library builds it (script.google.com and the
   * script id): what the sidebar shows and what is registered at Keap.
   */
  redirectUri: string;
  /** Where the browser lands instead when Keap redirects it to `redirectUri`. */
  callbackUrl: string;
  simUrl: string;
  user: string;
  spreadsheetId: string;
  seedFile: string;
  csvFile: string;
  rt: AppsScriptRuntime;
  sim: SimProcess;
  close(): Promise<void>;
}

interface JsonError {
  name: string;
  message: string;
}

/** The sample data: the examples pair when both files exist, else the dev/ pair. */
export function defaultSampleFiles(): { seedFile: string; csvFile: string } {
  const seed = join(REPO_ROOT, 'examples', 'keap-seed.json');
  const csv = join(REPO_ROOT, 'examples', 'contacts.csv');
  if (existsSync(seed) && existsSync(csv)) return { seedFile: seed, csvFile: csv };
  return {
    seedFile: join(REPO_ROOT, 'dev', 'sample-seed.json'),
    csvFile: join(REPO_ROOT, 'dev', 'sample.csv'),
  };
}

/** https://accounts.infusionsoft.com/x?y -> http://127.0.0.1:NNNN/x?y; other URLs unchanged. */
export function toSimulatorUrl(url: string, simUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return url;
  }
  if (parsed.protocol !== 'https:' || !KEAP_HOSTS.includes(parsed.hostname)) return url;
  return simUrl + parsed.pathname + parsed.search;
}

/** The runtime's network: Keap's hosts go to the simulator; nothing else leaves the machine. */
function keapOnlyNetwork(wire: WireHandler, simUrl: string): WireHandler {
  return (request) => {
    const target = toSimulatorUrl(request.url, simUrl);
    if (target === request.url) throw new WireNetworkError(`DNS error: ${request.url}`);
    return wire({ ...request, url: target });
  };
}

/** Every string in a JSON value with Keap's URLs pointed at the simulator (the consent link). */
function rewriteKeapUrls(value: unknown, simUrl: string): unknown {
  if (typeof value === 'string') return toSimulatorUrl(value, simUrl);
  if (Array.isArray(value)) return value.map((v) => rewriteKeapUrls(v, simUrl));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, rewriteKeapUrls(v, simUrl)]),
    );
  }
  return value;
}

function menuItems(entries: MenuEntry[]): { caption: string; functionName: string }[] {
  return entries.flatMap((entry) => {
    if (entry.type === 'item')
      return [{ caption: entry.caption, functionName: entry.functionName }];
    if (entry.type === 'submenu') return menuItems(entry.items);
    return [];
  });
}

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

function send(status: number, type: string, body: string): FrontReply {
  return { status, headers: { 'content-type': type, 'cache-control': 'no-store' }, body };
}

function sendJson(status: number, value: unknown): FrontReply {
  return send(status, 'application/json; charset=utf-8', JSON.stringify(value));
}

function jsonBody<T>(req: FrontRequest): T {
  return JSON.parse(req.body || '{}') as T;
}

/** Sheets' own grid limits: an edit outside them is refused as Sheets would. */
const MAX_EDIT_ROW = 10_000_000;
const MAX_EDIT_COLUMN = 18_278;
const MAX_CELL_TEXT = 50_000;

function cellEdit(
  body: Record<string, unknown>,
  tabs: readonly string[],
): { tab: string; row: number; column: number; text: string } | string {
  const { tab, row, column, text } = body;
  if (typeof tab !== 'string' || !tabs.includes(tab)) return 'No such tab.';
  const inGrid = (n: unknown, max: number): n is number =>
    typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= max;
  if (!inGrid(row, MAX_EDIT_ROW) || !inGrid(column, MAX_EDIT_COLUMN)) return 'No such cell.';
  if (typeof text !== 'string' || text.length > MAX_CELL_TEXT) {
    return `A cell holds text of at most ${MAX_CELL_TEXT} characters.`;
  }
  return { tab, row, column, text };
}

function errorOf(result: ExecutionResult): JsonError | null {
  return result.error ? { name: result.error.name, message: result.error.message } : null;
}

interface RuntimeWorld {
  rt: AppsScriptRuntime;
  spreadsheetId: string;
  spreadsheetName: string;
  menu: { caption: string; functionName: string }[];
  configure(on: boolean): void;
}

/** The runtime on the wall clock, the sample sheet opened (menu built), the script properties set. */
function createRuntimeWorld(
  options: PlaygroundOptions & {
    user: string;
    rows: string[][];
    clientSecret: string;
    network: WireHandler;
    /** Runs the requests that came in while a script waits (see startPlayground). */
    meanwhile: () => void;
  },
): RuntimeWorld {
  const timeZone = options.timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
  const rt = new AppsScriptRuntime({
    network: options.network,
    clock: new WallClock(options.meanwhile),
    latency: { fetchMs: 0, spreadsheetCallMs: 0 },
    timeZone,
    addOnMode: true,
    // Apps Script's 6 minutes end a run first (the runtime's limit on the wall clock here);
    // this guard only stops a script that never calls a service.
    realTimeLimitMs: 390_000,
    ...(options.bundleDir ? { bundleDir: options.bundleDir } : {}),
  });
  const configure = (on: boolean): void => {
    rt.setScriptProperty('KEAP_CLIENT_ID', on ? PLAYGROUND_CLIENT_ID : null);
    rt.setScriptProperty('KEAP_CLIENT_SECRET', on ? options.clientSecret : null);
  };
  configure(options.configured ?? true);
  const spreadsheetName = 'Keap contacts (playground)';
  const spreadsheetId = rt.createSpreadsheet({
    name: spreadsheetName,
    sheets: { Contacts: options.rows },
    timeZone,
  });
  const opened = rt.openDocument(spreadsheetId, { user: options.user });
  if (opened.error) throw new Error(`onOpen failed: ${opened.error.message}`);
  const menuEvent = opened.ui.find(
    (e): e is Extract<UiEvent, { type: 'menu' }> => e.type === 'menu',
  );
  return { rt, spreadsheetId, spreadsheetName, menu: menuItems(menuEvent?.items ?? []), configure };
}

export async function startPlayground(options: PlaygroundOptions = {}): Promise<Playground> {
  const files = defaultSampleFiles();
  const seedFile = resolve(options.seedFile ?? files.seedFile);
  const csvFile = resolve(options.csvFile ?? files.csvFile);
  const seed = JSON.parse(readFileSync(seedFile, 'utf8')) as SimSeed;
  const rows = parseCsv(readFileSync(csvFile, 'utf8'));
  const user = options.user ?? PLAYGROUND_USER;
  const log = options.log ?? (() => undefined);
  const clientSecret = `playground-secret-${randomBytes(12).toString('hex')}`;

  // The HTTP front runs in a worker (front.ts); requests are answered by `dispatch` below
  // once everything has started, until then with "starting".
  const front: Front = await startFront(options.port ?? 0);
  const { url } = front;
  const callbackUrl = url + CALLBACK_PATH;
  const redirectUri = standardRedirectUri(DEFAULT_SCRIPT_ID);
  const closeServer = (): Promise<void> => front.close();
  const ready: { handle?: (req: FrontRequest) => FrontReply | Promise<FrontReply> } = {};

  /**
   * One request, answered when its handler is done. A handler that runs a script returns
   * its answer at once; one that waits for the simulator child answers later.
   */
  const dispatch = (req: FrontRequest): void => {
    const failed = (err: unknown): FrontReply =>
      send(500, 'text/plain', `Playground error: ${String(err)}`);
    let answer: FrontReply | Promise<FrontReply>;
    try {
      answer = ready.handle
        ? ready.handle(req)
        : send(503, 'text/plain', 'The playground is starting.');
    } catch (err) {
      answer = failed(err);
    }
    // Answered at once when it can be: inside a waiting script no promise settles.
    if (!(answer instanceof Promise)) front.reply(req.id, answer);
    else void answer.catch(failed).then((reply) => front.reply(req.id, reply));
  };

  /**
   * Apps Script runs executions side by side: a sidebar's getSidebarState runs while the
   * person's Sync now is still running. The runtime here is one thread, and a running script
   * holds it (UrlFetchApp is synchronous), so while a script waits on a fetch or a sleep the
   * requests that came in meanwhile are dispatched right there: each google.script.run call
   * runs as an execution of its own, nested at that point, and sees what the waiting one has
   * written so far, as it would in Apps Script. This is the simplest faithful design: no
   * second runtime, no copies of the spreadsheet, no locks beyond the runtime's own (an
   * execution that needs a lock the waiting one holds waits for it, as in Apps Script, where
   * it would get it a moment later). One request at a time is nested, never one inside
   * another; the rest wait in the queue for the next wait or the end of the script.
   */
  let nested = false;
  const meanwhile = (): void => {
    if (nested || !ready.handle) return;
    nested = true;
    try {
      for (
        let m = receiveMessageOnPort(front.requests);
        m;
        m = receiveMessageOnPort(front.requests)
      ) {
        const message = m.message as { type: string; request?: FrontRequest };
        if (message.type === 'request' && message.request) dispatch(message.request);
      }
    } finally {
      nested = false;
    }
  };
  front.requests.on('message', (message: { type: string; request?: FrontRequest }) => {
    if (message.type === 'request' && message.request) dispatch(message.request);
  });

  let sim: SimProcess;
  try {
    sim = await startSimProcess(
      {
        ...seed,
        clients: [
          ...(seed.clients ?? []),
          { clientId: PLAYGROUND_CLIENT_ID, clientSecret, redirectUris: [redirectUri] },
        ],
      },
      {
        validateRequests: options.validateRequests ?? true,
        browserRedirects: { [redirectUri]: callbackUrl },
        ...(options.optOut ? { optOut: options.optOut } : {}),
      },
    );
  } catch (err) {
    await closeServer();
    throw err;
  }

  const wire: HttpWire = createHttpWire({ meanwhile });
  let world: RuntimeWorld;
  try {
    world = createRuntimeWorld({
      ...options,
      user,
      rows,
      clientSecret,
      network: keapOnlyNetwork(wire, sim.url),
      meanwhile,
    });
  } catch (err) {
    await wire.close();
    await sim.stop();
    await closeServer();
    throw err;
  }
  const { rt, spreadsheetId, spreadsheetName, menu, configure } = world;
  const menuFunctions = new Set(menu.map((m) => m.functionName));

  const logResult = (how: string, result: ExecutionResult): void => {
    const seconds = ((result.endedAt - result.startedAt) / 1000).toFixed(1);
    const outcome = result.error ? `failed: ${result.error.message}` : 'ok';
    log(`${how} ${result.fn}: ${outcome} (${seconds} s, ${result.ledger.requestCount} requests)`);
  };

  const asPerson = { user, spreadsheetId, authMode: 'FULL' as const };

  const routes: Record<
    string,
    (req: FrontRequest, arg: string) => FrontReply | Promise<FrontReply>
  > = {
    // Browsers ask every page's origin for one (the playground page, the OAuth callback tab).
    'GET /favicon.ico': () => {
      return send(200, 'image/svg+xml', FAVICON_SVG);
    },
    'GET /': () => {
      return send(
        200,
        'text/html; charset=utf-8',
        playgroundPage({ user, simUrl: sim.url, spreadsheetName, menu }),
      );
    },
    'GET /sidebar': () => {
      const result = rt.run('showSidebar', [], asPerson);
      logResult('menu', result);
      const sidebar = result.ui.find((e) => e.type === 'sidebar');
      if (result.error || !sidebar || !('html' in sidebar)) {
        const why = result.error ? `${result.error.name}: ${result.error.message}` : 'no sidebar';
        return send(
          500,
          'text/html; charset=utf-8',
          `<p>showSidebar failed: ${escapeHtml(why)}</p>`,
        );
      }
      return send(200, 'text/html; charset=utf-8', withBridge(sidebar.html, rt.publicFunctions()));
    },
    'POST /run': (req, fn) => {
      const body = jsonBody<{ args?: unknown[] }>(req);
      let result: ExecutionResult;
      try {
        result = rt.scriptRun(fn, Array.isArray(body.args) ? body.args : [], asPerson);
      } catch (err) {
        return sendJson(200, {
          ok: false,
          error: {
            name: err instanceof TypeError ? 'TypeError' : 'ScriptError',
            message: err instanceof Error ? err.message : String(err),
          },
        });
      }
      logResult('google.script.run', result);
      const error = errorOf(result);
      return sendJson(
        200,
        error ? { ok: false, error } : { ok: true, value: rewriteKeapUrls(result.value, sim.url) },
      );
    },
    'POST /menu': (req, fn) => {
      const answers = jsonBody<{
        alertResponses?: string[];
        promptResponses?: { button: string; text: string }[];
      }>(req);
      if (!menuFunctions.has(fn)) {
        return sendJson(404, {
          ok: false,
          error: { name: 'Error', message: `No menu item ${fn}` },
        });
      }
      const result = rt.run(fn, [], {
        ...asPerson,
        ui: {
          alertResponses: answers.alertResponses ?? [],
          promptResponses: answers.promptResponses ?? [],
        },
      });
      logResult('menu', result);
      const alerts = result.ui
        .filter((e) => e.type === 'alert')
        .map((e) => ({
          title: 'title' in e ? (e.title ?? '') : '',
          prompt: 'prompt' in e ? e.prompt : '',
        }));
      const error = errorOf(result);
      return sendJson(200, error ? { ok: false, error, alerts } : { ok: true, alerts });
    },
    [`GET ${CALLBACK_PATH}`]: (req) => {
      // The browser came here instead of the script's redirect URI (see keapSimChild.ts).
      const query = new URL(req.url, url).search;
      const page = rt.userCallback(rt.redirectUri + query, user);
      if (page.result) logResult('redirect', page.result);
      return send(page.status, 'text/html; charset=utf-8', page.html);
    },
    'GET /api/sheet': () => {
      const tabs = rt.sheetNames(spreadsheetId).map((name) => {
        const sheet = rt.sheet(spreadsheetId, name);
        return {
          name,
          hidden: sheet.isHidden(),
          hiddenColumns: sheet.hiddenColumns(),
          rows: sheet.displayValues(),
        };
      });
      return sendJson(200, { tabs });
    },
    // A person typing into a cell, as in Sheets: the text is parsed like typed input
    // (TRUE/FALSE, numbers, dates, '=formula'), so the edit -> sync loop can be tried.
    'POST /api/sheet/cell': (req) => {
      const body = jsonBody<Record<string, unknown>>(req);
      const edit = cellEdit(body, rt.sheetNames(spreadsheetId));
      if (typeof edit === 'string') {
        return sendJson(400, { ok: false, error: { name: 'Error', message: edit } });
      }
      rt.sheet(spreadsheetId, edit.tab).setCell(edit.row, edit.column, edit.text);
      log(`edit ${edit.tab}!${edit.row}:${edit.column}`);
      return sendJson(200, { ok: true });
    },
    'POST /dev/revoke': async () => {
      await sim.command({ type: 'revoke' });
      return sendJson(200, { ok: true });
    },
    'POST /dev/fault': async (req) => {
      const body = jsonBody<{
        message?: string;
        status?: number;
        routes?: RouteName[];
        times?: number;
      }>(req);
      await sim.command({
        type: 'fault',
        message: String(body.message ?? 'Injected error'),
        status: body.status ?? 400,
        routes: body.routes ?? ['contacts.get', 'contacts.list'],
        ...(body.times === undefined ? {} : { times: body.times }),
      });
      return sendJson(200, { ok: true });
    },
    'POST /dev/clear-faults': async () => {
      await sim.command({ type: 'clearFaults' });
      return sendJson(200, { ok: true });
    },
    'POST /dev/setup': (req) => {
      const body = jsonBody<{ configured?: boolean }>(req);
      configure(body.configured !== false);
      return sendJson(200, { ok: true });
    },
    'GET /dev/stats': async () => {
      return sendJson(200, {
        ok: true,
        sim: await sim.command({ type: 'stats' }),
        requests: rt.requests.length,
        executions: rt.executions.length,
        triggers: rt.triggers(),
      });
    },
  };

  ready.handle = (req) => {
    const path = new URL(req.url, url).pathname;
    const method = req.method;
    // POSTs must be JSON: a cross-site form cannot send that without a CORS preflight we refuse.
    if (method === 'POST' && !/^application\/json\b/.test(req.contentType)) {
      return sendJson(415, { ok: false, error: { name: 'Error', message: 'Send JSON' } });
    }
    const named = /^\/(run|menu)\/([^/]+)$/.exec(path);
    const key = named ? `${method} /${named[1]}` : `${method} ${path}`;
    const route = routes[key];
    if (!route) return send(404, 'text/plain', 'Not found');
    const failed = (err: unknown): FrontReply => {
      const message = err instanceof Error ? err.message : String(err);
      return sendJson(500, { ok: false, error: { name: 'Error', message } });
    };
    try {
      const answer = route(req, named ? decodeURIComponent(named[2]) : '');
      return answer instanceof Promise ? answer.catch(failed) : answer;
    } catch (err) {
      return failed(err);
    }
  };

  const triggerPollMs = options.triggerPollMs ?? 30_000;
  const triggerTimer =
    triggerPollMs > 0
      ? setInterval(() => {
          for (const result of rt.runDueTriggers()) logResult('trigger', result);
        }, triggerPollMs)
      : undefined;
  triggerTimer?.unref();

  let closing: Promise<void> | undefined;
  return {
    url,
    redirectUri: rt.redirectUri,
    callbackUrl,
    simUrl: sim.url,
    user,
    spreadsheetId,
    seedFile,
    csvFile,
    rt,
    sim,
    close: () => {
      closing ??= (async () => {
        if (triggerTimer) clearInterval(triggerTimer);
        await closeServer();
        await wire.close();
        await sim.stop();
      })();
      return closing;
    },
  };
}
