/**
 * The checks every entry point runs on its arguments before it does anything. Any person
 * with the sidebar open can call any entry point through google.script.run with any
 * arguments (see SECURITY.md, "What the browser can call"), so each argument is hostile
 * until its type, range and length are known. Pure: no Apps Script service here.
 */
import { SYNCED_FIELD_KEYS } from '../sheet/fields';

/** A refused call: the message says what was wrong and never repeats the argument. */
export class ArgumentError extends Error {
  constructor(fn: string, problem: string) {
    super(`${fn} was called with arguments it does not accept: ${problem}`);
    this.name = 'ArgumentError';
  }
}

/** Longest API key text accepted before it is even looked at (Keap's keys are far shorter). */
export const MAX_API_KEY_INPUT = 1000;
/** Longest tab or header name accepted as input (the settings check has its own, lower limit). */
export const MAX_SETTINGS_TEXT = 1000;
/** Longest value of one callback parameter (Keap's codes and states are far shorter). */
export const MAX_CALLBACK_VALUE = 4096;
const MAX_CALLBACK_PARAMETERS = 20;
/** Apps Script's trigger ids are short strings of digits; letters, '-' and '_' allowed for safety. */
const TRIGGER_UID = /^[A-Za-z0-9_-]{1,128}$/;
const SETTINGS_KEYS = ['sheetName', 'headers', 'keapEmailStatus'];
const HEADER_KEYS: readonly string[] = SYNCED_FIELD_KEYS;
const FORBIDDEN_KEYS = ['__proto__', 'constructor', 'prototype'];

type PlainRecord = Record<string, unknown>;

/** A plain object as JSON makes it: no array, no class, no prototype tricks. */
function isPlainRecord(value: unknown): value is PlainRecord {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  return !Object.getOwnPropertyNames(value).some((key) => FORBIDDEN_KEYS.includes(key));
}

/** The arguments actually given: trailing `undefined`s are how "no argument" may arrive. */
function given(args: readonly unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end -= 1;
  return args.slice(0, end);
}

function single(fn: string, args: readonly unknown[], what: string): unknown {
  const list = given(args);
  if (list.length !== 1) throw new ArgumentError(fn, `it takes exactly one argument (${what}).`);
  return list[0];
}

/** Sidebar buttons and menu items: Apps Script calls them with nothing. */
export function checkNoArguments(fn: string, args: readonly unknown[]): void {
  if (given(args).length > 0) throw new ArgumentError(fn, 'it takes no arguments.');
}

/**
 * A simple trigger's event (onOpen, onInstall): absent, or one plain object. Its contents are
 * Apps Script's (the spreadsheet, the user) and the handlers read nothing from it but the menu.
 */
export function checkOptionalEvent(fn: string, args: readonly unknown[]): void {
  const list = given(args);
  if (list.length === 0) return;
  if (list.length > 1 || !isPlainRecord(list[0])) {
    throw new ArgumentError(fn, "it takes only Apps Script's event object.");
  }
}

/** A time-driven trigger's event: required, with the id of the trigger that fired. */
export function checkTriggerEvent(fn: string, args: readonly unknown[]): { triggerUid: string } {
  const event = single(fn, args, "the time-driven trigger's event");
  if (!isPlainRecord(event)) {
    throw new ArgumentError(fn, "it runs only from its trigger, with the trigger's event.");
  }
  const uid = event.triggerUid;
  if (typeof uid !== 'string' || !TRIGGER_UID.test(uid)) {
    throw new ArgumentError(fn, "the trigger's event has no valid trigger id.");
  }
  return { triggerUid: uid };
}

/** The request Apps Script hands the OAuth callback: `parameter` holds short strings only. */
export function checkCallbackRequest(
  fn: string,
  args: readonly unknown[],
): { parameter: Record<string, string> } {
  const request = single(fn, args, "the callback's request");
  if (!isPlainRecord(request)) throw new ArgumentError(fn, 'the request must be an object.');
  const parameter = request.parameter === undefined ? {} : request.parameter;
  if (!isPlainRecord(parameter)) {
    throw new ArgumentError(fn, "the request's parameters must be an object.");
  }
  const entries = Object.entries(parameter);
  if (entries.length > MAX_CALLBACK_PARAMETERS) {
    throw new ArgumentError(fn, 'the request has too many parameters.');
  }
  const checked: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (typeof value !== 'string' || value.length > MAX_CALLBACK_VALUE) {
      throw new ArgumentError(fn, 'each parameter must be short text.');
    }
    checked[name] = value;
  }
  return { parameter: checked };
}

/** saveApiKey(key): text, not absurdly long (its format is checked by the connection module). */
export function checkApiKeyArgument(fn: string, args: readonly unknown[]): string {
  const key = single(fn, args, 'the key');
  if (typeof key !== 'string') throw new ArgumentError(fn, 'the key must be text.');
  if (key.length > MAX_API_KEY_INPUT) throw new ArgumentError(fn, 'the key is far too long.');
  return key;
}

/** enableDailySync(hour): a whole number of hours, 0 to 23. */
export function checkHourArgument(fn: string, args: readonly unknown[]): number {
  const hour = single(fn, args, 'the hour');
  if (typeof hour !== 'number' || !Number.isInteger(hour) || hour < 0 || hour > 23) {
    throw new ArgumentError(fn, 'the hour must be a whole number from 0 to 23.');
  }
  return hour;
}

function optionalText(fn: string, value: unknown, what: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value.length > MAX_SETTINGS_TEXT) {
    throw new ArgumentError(fn, `${what} must be short text.`);
  }
  return value;
}

function onlyKeys(fn: string, value: PlainRecord, allowed: readonly string[], what: string): void {
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) throw new ArgumentError(fn, `${what} has unknown fields.`);
}

/**
 * saveSettings(settings): the sidebar's form, `{ sheetName, headers: { <each synced field's
 * key, src/sheet/fields.ts> }, keapEmailStatus }`, every value short text or absent (the choice a boolean). What the names mean (present,
 * distinct, found in the sheet) is the settings module's check, after this one.
 */
export function checkSettingsArgument(
  fn: string,
  args: readonly unknown[],
): { sheetName?: string; headers: Record<string, string>; keapEmailStatus?: boolean } {
  const settings = single(fn, args, 'the settings');
  if (!isPlainRecord(settings)) throw new ArgumentError(fn, 'the settings must be an object.');
  onlyKeys(fn, settings, SETTINGS_KEYS, 'the settings');
  const sheetName = optionalText(fn, settings.sheetName, 'the tab name');
  const headersIn =
    settings.headers === undefined || settings.headers === null ? {} : settings.headers;
  if (!isPlainRecord(headersIn)) throw new ArgumentError(fn, 'the header names must be an object.');
  onlyKeys(fn, headersIn, HEADER_KEYS, 'the header names');
  const headers: Record<string, string> = {};
  for (const key of HEADER_KEYS) {
    const name = optionalText(fn, headersIn[key], 'each header name');
    if (name !== undefined) headers[key] = name;
  }
  const keapEmailStatus = settings.keapEmailStatus;
  if (keapEmailStatus !== undefined && typeof keapEmailStatus !== 'boolean') {
    throw new ArgumentError(fn, 'the Keap Email Status choice must be true or false.');
  }
  const checked = sheetName === undefined ? { headers } : { sheetName, headers };
  return keapEmailStatus === undefined ? checked : { ...checked, keapEmailStatus };
}

/**
 * getSettingsChoices(choice?): nothing (the saved settings' tab), or `{ sheetName }` with the
 * tab the form has chosen ('' the default tab) as short text.
 */
export function checkSettingsChoicesArgument(
  fn: string,
  args: readonly unknown[],
): string | undefined {
  const list = given(args);
  if (list.length === 0) return undefined;
  const choice = single(fn, args, 'the tab chosen in the form');
  if (!isPlainRecord(choice)) throw new ArgumentError(fn, 'the choice must be an object.');
  onlyKeys(fn, choice, ['sheetName'], 'the choice');
  return optionalText(fn, choice.sheetName, 'the tab name');
}
