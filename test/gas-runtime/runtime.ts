/**
 * The local Apps Script runtime: loads the built bundle (dist/Code.js, a plain script whose
 * entry points are top-level functions, HTML files beside it) into a fresh vm context per
 * execution, with the service fakes, a virtual clock, executions as different users, and a
 * cost ledger per execution. See README.md in this folder.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import vm from 'node:vm';
import type { WireHandler } from '../support/wire';
import { CacheStores } from './cache';
import { VirtualClock } from './clock';
import { createExecutionContext } from './context';
import {
  DEFAULT_USER,
  Execution,
  TIME_LIMIT_MESSAGE,
  type AuthMode,
  type ExecutionContext,
} from './execution';
import type { Faults, Host } from './host';
import { escapeHtml, htmlOutputState } from './html';
import { addLedgers, type Ledger } from './ledger';
import { oauth2LibraryScript, standardRedirectUri } from './libraries';
import { LockTable } from './locks';
import type { LogRecord } from './logging';
import type { SentMail } from './mail';
import { PropertyStores, type Store } from './properties';
import { describeError, isDate, isPlainObject } from './realm';
import { SheetHandle } from './sheetHandle';
import { spreadsheetForEvent } from './spreadsheet';
import {
  applyInput,
  DEFAULT_COLUMNS,
  DEFAULT_ROWS,
  Workbook,
  type DeveloperMetadataRecord,
  type MetadataVisibility,
} from './sheetModel';
import { StateTokenRegistry } from './stateTokens';
import {
  clockEvent,
  nextRun,
  TriggerRegistry,
  type TriggerInfo,
  type TriggerRecord,
} from './triggers';
import type { UiEvent } from './ui';
import type { RecordedRequest } from './urlFetch';

export interface RuntimeOptions {
  /** Folder holding Code.js and the *.html files; default '<repo>/dist'. */
  bundleDir?: string;
  network: WireHandler;
  clock?: VirtualClock;
  scriptId?: string;
  /** The script's time zone; default 'Etc/UTC'. */
  timeZone?: string;
  latency?: { fetchMs?: number; spreadsheetCallMs?: number };
  /** Default 360000 (6 minutes). */
  executionLimitMs?: number;
  /** Enforce editor add-on trigger rules (one time-driven trigger per user per document; at most hourly). */
  addOnMode?: boolean;
  /**
   * In add-on mode, a one-off trigger fires no sooner than an hour after it is made (Google
   * may enforce this for published add-ons); default true. Off: it fires when asked. The
   * one-time-driven-trigger-per-document rule applies either way.
   */
  addOnHourlyRule?: boolean;
  /** Seed for ids and tokens; default 1. */
  seed?: number;
  /** Real (wall-clock) ms one execution may take before it is stopped as a runaway loop; default 30000. */
  realTimeLimitMs?: number;
}

export interface ExecutionResult<T = unknown> {
  value?: T;
  error?: { name: string; message: string; stack?: string };
  killed: boolean;
  ledger: Ledger;
  logs: string[];
  ui: UiEvent[];
  startedAt: number;
  endedAt: number;
  fn: string;
  user: string;
}

export type { ExecutionContext, TriggerInfo };

export const DEFAULT_SCRIPT_ID = '1kss-local-script-0000000000000000000000000000000000000';

function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function snapshot(store: Store): Record<string, string> {
  return Object.fromEntries(store);
}

function setOrDelete(store: Store, key: string, value: string | null): void {
  if (value === null) store.delete(key);
  else store.set(key, value);
}

/** A page like the ones Google serves for a failed web request. */
function errorPage(message: string): string {
  return `<!DOCTYPE html><html><head><title>Error</title></head><body><div>${escapeHtml(message)}</div></body></html>`;
}

export const INVALID_STATE_MESSAGE = 'The state token is invalid or has expired. Please try again.';
const NO_OUTPUT_MESSAGE = 'The script completed but did not return anything.';

/**
 * What the page sees when it calls a name google.script.run does not offer (a private or
 * internal function, or no function at all). Apps Script builds the page's google.script.run
 * from the script's public top-level functions, so the browser itself throws a TypeError and
 * nothing runs. The exact wording is unconfirmed (it is the browser's own message for a
 * missing method); it is kept here and nowhere else.
 */
export function notCallableFromBrowser(fn: string): string {
  return `google.script.run.${fn} is not a function`;
}

/**
 * The functions google.script.run offers: top-level function declarations of the script
 * whose names do not end in '_' (a function stored in a top-level variable, or one inside a
 * closure, is not offered). Declarations are hoisted, so they exist even if the script's top
 * level throws in the empty context used here.
 */
function publicFunctionsOf(script: vm.Script): string[] {
  const context = vm.createContext({});
  try {
    script.runInContext(context, { timeout: 5000 });
  } catch {
    // Only the hoisted declarations matter.
  }
  const scope = context as Record<string, unknown>;
  return Object.getOwnPropertyNames(scope).filter((name) => {
    const value = scope[name];
    if (typeof value !== 'function' || name.endsWith('_')) return false;
    return new RegExp(`^function\\s+${name.replace(/\$/g, '\\$')}\\s*\\(`).test(
      Function.prototype.toString.call(value),
    );
  });
}

export class AppsScriptRuntime {
  readonly clock: VirtualClock;
  readonly mail: SentMail[] = [];
  readonly logs: LogRecord[] = [];
  /** Every request that reached the network, with its answer. */
  readonly requests: RecordedRequest[] = [];
  /** Every finished execution, in the order they ended. */
  readonly executions: ExecutionResult[] = [];
  faults: Faults = {};

  private readonly host: Host;
  private readonly options: RuntimeOptions;
  private readonly bundleDir: string;
  private readonly executionLimitMs: number;
  private readonly realTimeLimitMs: number;
  private script: vm.Script | undefined;
  private publicFunctionNames: Set<string> | undefined;
  private readonly htmlFiles = new Map<string, string | null>();
  private nextExecutionId = 0;
  private nextSpreadsheet = 0;

  constructor(options: RuntimeOptions) {
    this.options = options;
    this.clock = options.clock ?? new VirtualClock();
    this.bundleDir = options.bundleDir ?? resolve(__dirname, '../../dist');
    this.executionLimitMs = options.executionLimitMs ?? 360000;
    this.realTimeLimitMs = options.realTimeLimitMs ?? 30000;
    // Compiled once per process; without ../shared beside the repo this throws, naming the path.
    oauth2LibraryScript();
    const scriptId = options.scriptId ?? DEFAULT_SCRIPT_ID;
    const faults = () => this.faults;
    this.host = {
      clock: this.clock,
      scriptId,
      timeZone: options.timeZone ?? 'Etc/UTC',
      redirectUri: standardRedirectUri(scriptId),
      addOnMode: options.addOnMode ?? false,
      addOnHourlyRule: options.addOnHourlyRule ?? true,
      latency: {
        fetchMs: options.latency?.fetchMs ?? 300,
        spreadsheetCallMs: options.latency?.spreadsheetCallMs ?? 50,
      },
      network: options.network,
      workbooks: new Map(),
      properties: new PropertyStores(),
      caches: new CacheStores(this.clock),
      locks: new LockTable(),
      triggers: new TriggerRegistry(),
      stateTokens: new StateTokenRegistry(),
      authorizationRequired: new Set(),
      mail: this.mail,
      logs: this.logs,
      requests: this.requests,
      get faults() {
        return faults();
      },
      readHtmlFile: (name) => this.readHtmlFile(name),
      random: seededRandom(options.seed ?? 1),
    };
  }

  get scriptId(): string {
    return this.host.scriptId;
  }

  /** The script's redirect URI, as the OAuth2 library builds it from ScriptApp.getScriptId(). */
  get redirectUri(): string {
    return this.host.redirectUri;
  }

  // --- spreadsheets --------------------------------------------------------------------

  createSpreadsheet(init: {
    name?: string;
    sheets: Record<string, unknown[][]>;
    timeZone?: string;
    /** Apps Script's name for it ('de_DE'); en_US as Google's default for a new spreadsheet. */
    locale?: string;
  }): string {
    const n = ++this.nextSpreadsheet;
    const id = `1kssSheet${String(n).padStart(4, '0')}${Math.floor(this.host.random() * 1e12).toString(36)}`;
    const wb = new Workbook(
      id,
      init.name ?? `Spreadsheet ${n}`,
      init.timeZone ?? this.host.timeZone,
      init.locale,
    );
    const entries = Object.entries(init.sheets);
    if (entries.length === 0) entries.push(['Sheet1', []]);
    for (const [name, rows] of entries) {
      const width = Math.max(0, ...rows.map((r) => r.length));
      const sheet = wb.addSheet(
        name,
        Math.max(DEFAULT_ROWS, rows.length),
        Math.max(DEFAULT_COLUMNS, width),
      );
      rows.forEach((row, r) =>
        row.forEach((v, c) => applyInput(sheet.ensure(r + 1, c + 1), v, wb.timeZone)),
      );
    }
    this.host.workbooks.set(id, wb);
    return id;
  }

  private workbook(spreadsheetId: string): Workbook {
    const wb = this.host.workbooks.get(spreadsheetId);
    if (!wb) throw new Error(`No spreadsheet ${spreadsheetId}`);
    return wb;
  }

  sheet(spreadsheetId: string, name: string): SheetHandle {
    const wb = this.workbook(spreadsheetId);
    const data = wb.sheetByName(name);
    if (!data) throw new Error(`No sheet named ${name} in ${spreadsheetId}`);
    return new SheetHandle(wb, data);
  }

  sheetNames(spreadsheetId: string): string[] {
    return this.workbook(spreadsheetId).sheets.map((s) => s.name);
  }

  /** The spreadsheet's developer metadata, every project's (as the Sheets API's owner sees it). */
  developerMetadata(
    spreadsheetId: string,
  ): (Omit<DeveloperMetadataRecord, 'sheet'> & { sheet: string | null })[] {
    return this.workbook(spreadsheetId).metadata.map((record) => ({
      ...record,
      sheet: record.sheet ? record.sheet.name : null,
    }));
  }

  /**
   * Adds developer metadata as another script would (`project`; default this one), or as an
   * earlier version of the add-on left it. Not limited: a test may fill the spreadsheet up.
   */
  addDeveloperMetadata(
    spreadsheetId: string,
    record: {
      key: string;
      value?: string | null;
      visibility?: MetadataVisibility;
      project?: string;
    },
  ): number {
    return this.workbook(spreadsheetId).addMetadata(
      record.key,
      record.value ?? null,
      record.visibility ?? 'DOCUMENT',
      record.project ?? this.host.scriptId,
    ).id;
  }

  /** Deletes a sheet as a person would (its developer metadata goes with it). */
  deleteSheet(spreadsheetId: string, name: string): void {
    const wb = this.workbook(spreadsheetId);
    const data = wb.sheetByName(name);
    if (!data) throw new Error(`No sheet named ${name} in ${spreadsheetId}`);
    wb.removeSheet(data);
  }

  /** Adds a sheet as a person would (for tests that build a spreadsheet step by step). */
  addSheet(spreadsheetId: string, name: string, rows: unknown[][] = []): SheetHandle {
    const wb = this.workbook(spreadsheetId);
    if (wb.sheetByName(name)) throw new Error(`Sheet ${name} exists`);
    wb.addSheet(name);
    return this.sheet(spreadsheetId, name).setValues(1, 1, rows);
  }

  // --- properties, caches, authorization -----------------------------------------------

  scriptProperties(): Record<string, string> {
    return snapshot(this.host.properties.script);
  }

  userProperties(user: string): Record<string, string> {
    return snapshot(this.host.properties.user(user));
  }

  documentProperties(spreadsheetId: string): Record<string, string> {
    return snapshot(this.host.properties.document(spreadsheetId));
  }

  /** Sets (or with null deletes) a script property, as from the project settings page. */
  setScriptProperty(key: string, value: string | null): void {
    setOrDelete(this.host.properties.script, key, value);
  }

  setUserProperty(user: string, key: string, value: string | null): void {
    setOrDelete(this.host.properties.user(user), key, value);
  }

  setDocumentProperty(spreadsheetId: string, key: string, value: string | null): void {
    setOrDelete(this.host.properties.document(spreadsheetId), key, value);
  }

  /** Drops every cache entry (caches are best-effort in Apps Script). */
  evictCaches(): void {
    this.host.caches.evictAll();
  }

  /** Makes ScriptApp.getAuthorizationInfo() report REQUIRED (or NOT_REQUIRED) for this user. */
  setAuthorizationRequired(user: string, required: boolean): void {
    if (required) this.host.authorizationRequired.add(user);
    else this.host.authorizationRequired.delete(user);
  }

  // --- executions ----------------------------------------------------------------------

  private bundle(): vm.Script {
    if (!this.script) {
      const file = join(this.bundleDir, 'Code.js');
      this.script = new vm.Script(readFileSync(file, 'utf8'), { filename: file });
    }
    return this.script;
  }

  /** Re-reads Code.js and the HTML files (after a rebuild). */
  reloadBundle(): void {
    this.script = undefined;
    this.publicFunctionNames = undefined;
    this.htmlFiles.clear();
  }

  /** The names the page's google.script.run offers (see publicFunctionsOf). */
  publicFunctions(): string[] {
    if (!this.publicFunctionNames)
      this.publicFunctionNames = new Set(publicFunctionsOf(this.bundle()));
    return [...this.publicFunctionNames];
  }

  private readHtmlFile(name: string): string | null {
    const file = name.endsWith('.html') ? name : `${name}.html`;
    if (!this.htmlFiles.has(file)) {
      let content: string | null;
      try {
        content = readFileSync(join(this.bundleDir, file), 'utf8');
      } catch {
        content = null;
      }
      this.htmlFiles.set(file, content);
    }
    return this.htmlFiles.get(file) ?? null;
  }

  /**
   * Runs one entry point in a fresh global scope: the bundle's top level runs first, then
   * `fn(...args)` (or `fn(ctx.event)` when no args are given).
   */
  run<T = unknown>(
    fn: string,
    args: unknown[] = [],
    ctx: ExecutionContext = {},
  ): ExecutionResult<T> {
    return this.execute<T>(fn, args, ctx);
  }

  /**
   * A person opening the spreadsheet: runs `onOpen` (or `fn`) with the event Apps Script
   * gives it: authMode, the user and, unless in AuthMode.NONE, the Spreadsheet as `source`.
   */
  openDocument(
    spreadsheetId: string,
    options: { user?: string; authMode?: AuthMode; fn?: string } = {},
  ): ExecutionResult {
    const authMode = options.authMode ?? 'LIMITED';
    const user = options.user ?? DEFAULT_USER;
    return this.execute(options.fn ?? 'onOpen', [], { user, spreadsheetId, authMode }, (exec) => ({
      authMode,
      user: exec.realm.object({ getEmail: () => user }),
      ...(authMode === 'NONE'
        ? {}
        : { source: spreadsheetForEvent(exec, this.host, spreadsheetId) }),
    }));
  }

  private execute<T>(
    fn: string,
    args: unknown[],
    ctx: ExecutionContext,
    makeEvent?: (exec: Execution) => Record<string, unknown>,
  ): ExecutionResult<T> {
    const exec = new Execution(++this.nextExecutionId, fn, ctx, {
      clock: this.clock,
      executionLimitMs: this.executionLimitMs,
      spreadsheetCallMs: this.host.latency.spreadsheetCallMs,
    });
    // An add-on's time-driven run has no active document, yet it belongs to its trigger's.
    const uid = (args[0] as { triggerUid?: unknown } | undefined)?.triggerUid;
    if (ctx.timeDriven && typeof uid === 'string') {
      exec.triggerDocumentId = this.host.triggers.find(uid)?.documentId ?? null;
    }
    let value: unknown;
    let error: ExecutionResult['error'];
    let timedOut = false;
    try {
      const context = createExecutionContext(exec, this.host);
      this.bundle().runInContext(context, { timeout: this.realTimeLimitMs });
      const target = (context as Record<string, unknown>)[fn];
      if (typeof target !== 'function') exec.fail(`Script function not found: ${fn}`);
      const event = makeEvent ? exec.realm.object(makeEvent(exec)) : exec.realm.toRealm(ctx.event);
      const callArgs =
        args.length === 0 && event !== undefined
          ? exec.realm.array([event])
          : exec.realm.toRealm(args);
      Object.defineProperty(context, '__kssInvoke', {
        value: () => (target as (...a: unknown[]) => unknown)(...callArgs),
        configurable: true,
      });
      value = vm.runInContext('__kssInvoke()', context, { timeout: this.realTimeLimitMs });
    } catch (thrown) {
      error = describeError(thrown);
      // The real-time guard against a script that never calls a service: Apps Script ends
      // such a script with its own time-limit message, never Node's.
      timedOut = (thrown as { code?: unknown } | null)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
    } finally {
      this.host.locks.releaseAll(exec.id);
    }
    if (exec.killed) {
      error = { name: 'Exception', message: exec.killMessage };
      value = undefined;
    } else if (timedOut) {
      error = { name: 'Exception', message: TIME_LIMIT_MESSAGE };
      value = undefined;
    }
    const endedAt = this.clock.now();
    exec.ledger.virtualMs = endedAt - exec.startedAt;
    const result: ExecutionResult<T> = {
      ...(error ? { error } : { value: exec.realm.toHost(value) as T }),
      killed: exec.killed || timedOut,
      ledger: exec.ledger,
      logs: exec.logs,
      ui: exec.ui,
      startedAt: exec.startedAt,
      endedAt,
      fn,
      user: exec.user,
    };
    this.executions.push(result as ExecutionResult);
    return result;
  }

  /**
   * A call from the sidebar through google.script.run: only public top-level functions can be
   * called (never a private name ending in '_' nor anything inside a closure; the page gets a
   * TypeError and nothing runs), arguments must be plain data (no Dates or functions), and a
   * return value holding a Date, a function or a service object reaches the page as null.
   */
  scriptRun<T = unknown>(
    fn: string,
    args: unknown[] = [],
    ctx: ExecutionContext = {},
  ): ExecutionResult<T | null> {
    if (!this.publicFunctions().includes(fn)) throw new TypeError(notCallableFromBrowser(fn));
    if (!args.every(isClientSafe))
      throw new Error(`google.script.run.${fn}: Dates and functions cannot be passed`);
    const result = this.run<T>(fn, structuredClone(args), ctx);
    if (!result.error && !isClientSafe(result.value)) return { ...result, value: null };
    return result;
  }

  /** Sum of the ledgers of every execution so far. */
  totals(): Ledger {
    return addLedgers(this.executions.map((e) => e.ledger));
  }

  // --- triggers ------------------------------------------------------------------------

  /** A person deleting a trigger by hand (the Apps Script dashboard); true when it existed. */
  deleteTrigger(uid: string): boolean {
    return this.host.triggers.remove(uid);
  }

  triggers(user?: string): TriggerInfo[] {
    const list = user === undefined ? this.host.triggers.records : this.host.triggers.forUser(user);
    return list.map((t) => this.host.triggers.info(t));
  }

  /**
   * Extra context (a kill point, service faults, hooks) for the next trigger the runtime
   * fires, then cleared: a test can fault a firing exactly as the schedule makes it.
   */
  nextFiringContext: ExecutionContext | null = null;

  private fire(t: TriggerRecord): ExecutionResult {
    const scheduled = t.nextRunAt as number;
    t.nextRunAt = t.schedule ? nextRun(t.schedule, scheduled, this.clock.now()) : null;
    const extra = this.nextFiringContext ?? {};
    this.nextFiringContext = null;
    return this.run(t.handler, [clockEvent(t.uid, this.clock.now())], {
      ...extra,
      user: t.owner,
      spreadsheetId: this.host.addOnMode ? null : t.documentId,
      authMode: 'FULL',
      timeDriven: true,
    });
  }

  /** Fires every time-driven trigger due now, earliest first, each as its owner. */
  runDueTriggers(): ExecutionResult[] {
    const now = this.clock.now();
    const results: ExecutionResult[] = [];
    for (let t = this.host.triggers.nextDue(now); t; t = this.host.triggers.nextDue(now))
      results.push(this.fire(t));
    return results;
  }

  /** Moves the clock to `ms`, firing due triggers in time order on the way. */
  advanceTo(ms: number): ExecutionResult[] {
    if (ms < this.clock.now()) throw new Error('advanceTo: the clock does not go back');
    const results: ExecutionResult[] = [];
    for (let t = this.host.triggers.nextDue(ms); t; t = this.host.triggers.nextDue(ms)) {
      if ((t.nextRunAt as number) > this.clock.now()) this.clock.set(t.nextRunAt as number);
      results.push(this.fire(t));
    }
    if (this.clock.now() < ms) this.clock.set(ms);
    return results;
  }

  advanceBy(ms: number): ExecutionResult[] {
    return this.advanceTo(this.clock.now() + ms);
  }

  // --- the OAuth redirect --------------------------------------------------------------

  /**
   * The browser arriving at the redirect URI. An unknown or expired state token gets Apps
   * Script's own error page and runs nothing; a live one runs the token's method as `user`
   * with e.parameter = the query parameters plus the token's arguments.
   */
  userCallback(
    url: string,
    user: string,
  ): { status: number; html: string; result?: ExecutionResult } {
    let parsed: URL;
    let expected: URL;
    try {
      parsed = new URL(url);
      expected = new URL(this.host.redirectUri);
    } catch {
      return { status: 404, html: errorPage('Sorry, unable to open the file at this time.') };
    }
    if (parsed.origin + parsed.pathname !== expected.origin + expected.pathname) {
      return { status: 404, html: errorPage('Sorry, unable to open the file at this time.') };
    }
    const state = parsed.searchParams.get('state');
    const record = state ? this.host.stateTokens.lookup(state, this.clock.now()) : null;
    if (!record) return { status: 400, html: errorPage(INVALID_STATE_MESSAGE) };

    const parameter: Record<string, string> = {};
    const parameters: Record<string, string[]> = {};
    for (const [k, v] of parsed.searchParams) {
      parameter[k] ??= v;
      (parameters[k] ??= []).push(v);
    }
    for (const [k, v] of Object.entries(record.args)) {
      parameter[k] = v;
      parameters[k] = [v];
    }
    const event = {
      parameter,
      parameters,
      queryString: parsed.search.slice(1),
      contextPath: '',
      contentLength: -1,
    };
    const result = this.run(record.method, [event], {
      user,
      spreadsheetId: null,
      authMode: 'FULL',
    });
    if (result.error)
      return {
        status: 500,
        html: errorPage(`${result.error.name}: ${result.error.message}`),
        result,
      };
    const output = htmlOutputState(result.value);
    if (!output) return { status: 200, html: errorPage(NO_OUTPUT_MESSAGE), result };
    return { status: 200, html: output.content, result };
  }
}

function isClientSafe(value: unknown): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'function' || isDate(value)) return false;
  if (Array.isArray(value)) return value.every(isClientSafe);
  if (typeof value === 'object')
    return isPlainObject(value) && Object.values(value).every(isClientSafe);
  return true;
}
