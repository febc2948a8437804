/**
 * A fresh global scope for one execution, as Apps Script gives each execution: a new vm
 * context whose Date reads the virtual clock, with the service fakes as globals and the real
 * OAuth2 library (libraries.ts) run in it.
 */
import vm from 'node:vm';
import { createCacheService } from './cache';
import type { Execution } from './execution';
import type { Host } from './host';
import { createHtmlService } from './html';
import { loadOAuth2Library } from './libraries';
import { createLockService } from './locks';
import { createLogging } from './logging';
import { createMailApp } from './mail';
import { createPropertiesService } from './properties';
import { Realm } from './realm';
import { createScriptApp } from './scriptApp';
import { createSession } from './session';
import { createSpreadsheetApp } from './spreadsheet';
import { createUrlFetchApp } from './urlFetch';
import { createUtilities } from './utilities';

/** Replaces the context's Date by one whose "now" is the virtual clock; prototypes stay the same. */
const VIRTUAL_DATE = `(function (now) {
  var RealDate = globalThis.Date;
  function Date() {
    if (!new.target) return new RealDate(now()).toString();
    var args = Array.prototype.slice.call(arguments);
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
  }
  Date.prototype = RealDate.prototype;
  Object.defineProperty(RealDate.prototype, 'constructor', { value: Date, writable: true, configurable: true });
  Date.now = function now_() { return now(); };
  Date.parse = RealDate.parse;
  Date.UTC = RealDate.UTC;
  Object.defineProperty(globalThis, 'Date', { value: Date, writable: true, configurable: true });
})`;

/**
 * An ordinary global object, as Apps Script's V8 has: a contextified sandbox answers every
 * global lookup (Math, JSON, Object...) through an interceptor, about ten times slower than
 * V8's own global, which would make the bundle's CPU figures (npm run bench) mostly the
 * runtime's.
 */
// Node 20.18+ and 22.8+; an older Node falls back to a contextified sandbox (same behaviour, slower).
const ORDINARY_GLOBAL = vm.constants?.DONT_CONTEXTIFY ?? {};

export function createExecutionContext(exec: Execution, host: Host): vm.Context {
  const context = vm.createContext(ORDINARY_GLOBAL, { name: `apps-script:${exec.fn}#${exec.id}` });
  (vm.runInContext(VIRTUAL_DATE, context) as (now: () => number) => void)(() => host.clock.now());
  exec.attach(context, new Realm(context));

  const { Logger, console } = createLogging(exec, host);
  const globals: Record<string, unknown> = {
    SpreadsheetApp: createSpreadsheetApp(exec, host),
    PropertiesService: createPropertiesService(exec, host),
    CacheService: createCacheService(exec, host),
    LockService: createLockService(exec, host),
    UrlFetchApp: createUrlFetchApp(exec, host),
    ScriptApp: createScriptApp(exec, host),
    HtmlService: createHtmlService(exec, host),
    Session: createSession(exec, host),
    Utilities: createUtilities(exec, host),
    MailApp: createMailApp(exec, host),
    Logger,
    console,
  };
  for (const [name, value] of Object.entries(globals)) {
    Object.defineProperty(context, name, {
      value,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  }
  // The manifest's library, as Apps Script loads it for every execution: the real file.
  loadOAuth2Library(context);
  return context;
}
