/**
 * Helpers for the reliability and bad-input end-to-end tests: what reached Keap (PATCHes per
 * contact, opt-outs per email, read from the requests the runtime recorded), Keap's whole
 * state before and after, the status each sheet row shows, and runs started at a chosen
 * moment (kill points, overlap hooks).
 */
import type { ExecutionContext, ExecutionResult, RecordedRequest } from '../../gas-runtime';
import { API_OPT_OUT_STATUS } from '../../keap-sim';
import { parseMethodCall } from '../../keap-sim/xmlrpcCodec';
import { HEADERS, OWNER, TENANT, World, type WorldOptions } from '../world';
import { triedAgain, withAnyDay } from './nextTry';

export const SYNC_STATUS = 'Sync Status';
export const LAST_SYNCED = 'Last Synced';
export const SYNC_RECORD = 'Keap Sync Record';
/** The sync's lease (src/sync/budget.ts SYNC_LIMITS.leaseMs: 6 minutes and 30 s) plus a margin. */
export const PAST_LEASE_MS = 8 * 60_000;
export const MINUTE = 60_000;

// ---- what reached Keap -----------------------------------------------------------------

export interface SentPatch {
  contactId: number;
  /** The email slots the PATCH asked for, as JSON text (the "change"). */
  change: string;
  /** HTTP status of Keap's answer; 0 when no answer came (network fault). */
  status: number;
  at: number;
  fn: string;
}

export interface SentOptOut {
  email: string;
  reason: string;
  status: number;
  at: number;
  fn: string;
  /** REST v2 PATCH .../status (the add-on's way) or XML-RPC optOut (its fallback until 2027). */
  via: 'rest' | 'xmlrpc';
}

function answeredStatus(record: RecordedRequest): number {
  return record.response?.status ?? 0;
}

/** Every PATCH of a contact the add-on sent, in order, with Keap's answer. */
export function sentPatches(w: World): SentPatch[] {
  const patches: SentPatch[] = [];
  for (const record of w.rt.requests) {
    if (record.request.method !== 'PATCH') continue;
    const match = /\/crm\/rest\/v2\/contacts\/(\d+)(\?|$)/.exec(record.request.url);
    if (!match) continue;
    const body = JSON.parse(record.request.body) as { email_addresses?: unknown };
    patches.push({
      contactId: Number(match[1]),
      change: JSON.stringify(body.email_addresses ?? null),
      status: answeredStatus(record),
      at: record.at,
      fn: record.fn,
    });
  }
  return patches;
}

/**
 * Every opt-out the add-on sent, in order, with Keap's answer: REST v2
 * `PATCH /v2/emailAddresses/{email}/status` with opted_in false, and XML-RPC
 * APIEmailService.optOut (the fallback).
 */
export function sentOptOuts(w: World): SentOptOut[] {
  const optOuts: SentOptOut[] = [];
  for (const record of w.rt.requests) {
    const sent = {
      status: answeredStatus(record),
      at: record.at,
      fn: record.fn,
    };
    const rest = /\/crm\/rest\/v2\/emailAddresses\/([^/?]+)\/status(\?|$)/.exec(record.request.url);
    if (record.request.method === 'PATCH' && rest) {
      const body = JSON.parse(record.request.body) as { opted_in?: unknown; reason?: unknown };
      if (body.opted_in !== false) continue;
      const email = decodeURIComponent(rest[1]);
      optOuts.push({ email, reason: String(body.reason), ...sent, via: 'rest' });
      continue;
    }
    if (record.request.method !== 'POST' || !/\/crm\/xmlrpc\/v1$/.test(record.request.url)) {
      continue;
    }
    const call = parseMethodCall(record.request.body);
    if (call.methodName !== 'APIEmailService.optOut') continue;
    optOuts.push({
      email: String(call.params[1]),
      reason: String(call.params[2]),
      ...sent,
      via: 'xmlrpc',
    });
  }
  return optOuts;
}

/** True when a sim request is the add-on's opt-out of `email` (either way). */
export function isOptOutOf(email: string) {
  return (target: { request: { url: string; body: string } }): boolean =>
    target.request.url.includes(`/emailAddresses/${encodeURIComponent(email)}/status`) ||
    (target.request.url.endsWith('/xmlrpc/v1') && target.request.body.includes(email));
}

const applied = (status: number) => status >= 200 && status < 300;

/** PATCHes Keap accepted, counted per contact id. */
export function appliedPatchCounts(w: World): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const patch of sentPatches(w).filter((p) => applied(p.status))) {
    counts[patch.contactId] = (counts[patch.contactId] ?? 0) + 1;
  }
  return counts;
}

/**
 * Opt-outs Keap accepted, counted per (lower-cased) email and way: a REST opt-out that changed
 * nothing followed by the XML-RPC fallback is one of each, not a repeat.
 */
export function appliedOptOutCounts(w: World): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const optOut of sentOptOuts(w).filter((o) => applied(o.status))) {
    const email =
      optOut.via === 'rest'
        ? optOut.email.toLowerCase()
        : `${optOut.email.toLowerCase()} (XML-RPC)`;
    counts[email] = (counts[email] ?? 0) + 1;
  }
  return counts;
}

/**
 * "contact 7 got the same change 2 times" for every contact Keap accepted one change from more
 * than once, and "a@x.com opted out 2 times" for every email opted out more than once.
 * Requests that never reached Keap (a network fault) do not count: they changed nothing.
 */
export function repeatedWrites(w: World): string[] {
  const problems: string[] = [];
  const byChange = new Map<string, number>();
  for (const patch of sentPatches(w).filter((p) => applied(p.status))) {
    const key = `${patch.contactId} ${patch.change}`;
    byChange.set(key, (byChange.get(key) ?? 0) + 1);
  }
  for (const [key, n] of byChange) {
    if (n > 1) problems.push(`contact ${key.split(' ')[0]} got the same change ${n} times`);
  }
  for (const [email, n] of Object.entries(appliedOptOutCounts(w))) {
    if (n > 1) problems.push(`${email} opted out ${n} times`);
  }
  return problems;
}

/** Requests to a route name's URL shape, answered or not (for counting retries). */
export function requestsTo(w: World, method: string, urlPart: RegExp): RecordedRequest[] {
  return w.rt.requests.filter((r) => r.request.method === method && urlPart.test(r.request.url));
}

// ---- Keap's state ----------------------------------------------------------------------

export interface KeapContactState {
  emails: Record<string, string>;
}

export interface KeapSnapshot {
  contacts: Record<number, KeapContactState | null>;
  /** email -> "STATUS" or "STATUS (reason)"; absent when Keap does not know the email. */
  statuses: Record<string, string>;
}

/** Every email slot of these contacts and the opt state of every email given or on file. */
export function keapSnapshot(w: World, ids: number[], emails: string[] = []): KeapSnapshot {
  const contacts: KeapSnapshot['contacts'] = {};
  const allEmails = new Set(emails.map((e) => e.toLowerCase()));
  for (const id of ids) {
    const contact = w.sim.contact(TENANT, id);
    contacts[id] = contact
      ? { emails: Object.fromEntries(contact.emails.map((e) => [e.field, e.email])) }
      : null;
    for (const slot of contact?.emails ?? []) allEmails.add(slot.email.toLowerCase());
  }
  const statuses: Record<string, string> = {};
  for (const email of [...allEmails].sort()) {
    const status = w.sim.emailStatus(TENANT, email);
    if (!status) continue;
    statuses[email] =
      status.optOutReason === undefined
        ? status.status
        : `${status.status} (${status.optOutReason})`;
  }
  return { contacts, statuses };
}

export function primaryEmailOf(w: World, id: number): string | undefined {
  return w.sim.contact(TENANT, id)?.emails.find((e) => e.field === 'EMAIL1')?.email;
}

/**
 * Keap's status of an email (null when Keap does not know it). `optedOut`: opted out the way
 * the API's APIEmailService.optOut leaves it (a new address Keap has no consent for is
 * merely non-marketable, not opted out).
 */
export function optStateOf(
  w: World,
  email: string,
): { status: string; optedOut: boolean; reason?: string } | null {
  const state = w.sim.emailStatus(TENANT, email);
  if (!state) return null;
  return {
    status: state.status,
    optedOut: state.status === API_OPT_OUT_STATUS,
    ...(state.optOutReason === undefined ? {} : { reason: state.optOutReason }),
  };
}

// ---- the sheet -------------------------------------------------------------------------

export interface RowView {
  /** 1-based sheet row. */
  row: number;
  cells: Record<string, unknown>;
  status: string;
  lastSynced: unknown;
}

function columnIndex(header: unknown[], name: string): number {
  return header.findIndex((h) => String(h).trim() === name);
}

/** Every row under the header with its cells by header name, its status and Last Synced. */
export function sheetRows(w: World, tab = 'Contacts'): RowView[] {
  const values = w.sheet(tab).values();
  const header = values[0] ?? [];
  const statusAt = columnIndex(header, SYNC_STATUS);
  const syncedAt = columnIndex(header, LAST_SYNCED);
  return values.slice(1).map((row, i) => ({
    row: i + 2,
    cells: Object.fromEntries(header.map((h, c) => [String(h), row[c]])),
    status: statusAt < 0 ? '' : String(withAnyDay(row[statusAt] ?? '')),
    lastSynced: syncedAt < 0 ? '' : row[syncedAt],
  }));
}

/** Row number -> status text. */
export function statusByRow(w: World, tab = 'Contacts'): Record<number, string> {
  return Object.fromEntries(sheetRows(w, tab).map((r) => [r.row, r.status]));
}

/** Cells of the columns the sync writes that hold a formula, as "E7: =...". */
export function formulasInStatusColumns(w: World, tab = 'Contacts'): string[] {
  const sheet = w.sheet(tab);
  const header = sheet.values()[0] ?? [];
  const formulas = sheet.formulas();
  const found: string[] = [];
  for (const name of [SYNC_STATUS, LAST_SYNCED, SYNC_RECORD]) {
    const c = columnIndex(header, name);
    if (c < 0) continue;
    formulas.forEach((row, r) => {
      if (r > 0 && row[c]) found.push(`${String.fromCharCode(65 + c)}${r + 1}: ${row[c]}`);
    });
  }
  return found;
}

/**
 * Every cell of the tab except the columns the sync writes (status, Last Synced, record), with each cell's
 * formula when it has one, so "untouched" covers formulas as well as values.
 */
export function inputGrid(w: World, tab = 'Contacts'): string[][] {
  const sheet = w.sheet(tab);
  const values = sheet.values();
  const formulas = sheet.formulas();
  const header = values[0] ?? [];
  const skip = new Set(
    [SYNC_STATUS, LAST_SYNCED, SYNC_RECORD].map((name) => columnIndex(header, name)),
  );
  return values.map((row, r) =>
    row
      .map((value, c) => {
        if (skip.has(c)) return null;
        const shown = value instanceof Date ? `date:${value.getTime()}` : JSON.stringify(value);
        return formulas[r][c] ? `${formulas[r][c]} -> ${shown}` : shown;
      })
      .filter((cell): cell is string => cell !== null),
  );
}

/** The text "Updated: email changed to X..." names, or null. */
export function emailNamedIn(status: string): string | null {
  const match = /email changed to ([^;]+?)(;|$)/.exec(status);
  return match ? match[1] : null;
}

// ---- worlds and runs -------------------------------------------------------------------

/** A connected world with the standard headers and these rows. */
export function syncWorld(rows: unknown[][], options: Omit<WorldOptions, 'rows'> = {}): World {
  const world = new World({ headers: HEADERS, ...options, rows });
  world.connect();
  return world;
}

/** Sync now from the sidebar, as `user`, with a hook or a kill point. */
export function syncNow(
  w: World,
  ctx: ExecutionContext = {},
  user = OWNER,
): ExecutionResult<SyncSummaryView> {
  return w.rt.run<SyncSummaryView>('syncNow', [], {
    user,
    spreadsheetId: w.spreadsheetId,
    authMode: 'FULL',
    ...ctx,
  });
}

/** The parts of SyncSummary (src/sync/summary.ts) these tests read. */
export interface SyncSummaryView {
  /** ISO time the run (its first execution) started. */
  startedAt: string;
  outcome: string;
  message: string;
  rowsSeen: number;
  emailsUpdated: number;
  optedOut: number;
  unchanged: number;
  errors: number;
  errorRows: number[];
}

/** syncNow's summary; fails the test when the execution threw. */
export function summaryOf(result: ExecutionResult<SyncSummaryView>): SyncSummaryView {
  if (result.error) throw new Error(`syncNow failed: ${result.error.message}`);
  if (!result.value) throw new Error('syncNow returned nothing');
  return result.value;
}

/** Lets time pass without firing triggers (the add-on sits idle). */
export function idle(w: World, ms: number): void {
  w.clock.set(w.clock.now() + ms);
}

/** Service calls of one execution, as "n Service.method", for choosing kill and hook points. */
export function serviceCallsOf(run: (ctx: ExecutionContext) => ExecutionResult): string[] {
  const calls: string[] = [];
  run({ onServiceCall: ({ n, service, method }) => calls.push(`${n} ${service}.${method}`) });
  return calls;
}

/** A call that reads cells (the add-on may read through a Range or the Sheet). */
export const CELL_READ = / (Range\.getValues|Range\.getDisplayValues|Sheet\.getSheetValues)$/;
/** A call that writes cells. */
export const CELL_WRITE = / (Range\.setValues|Range\.setValue)$/;

/**
 * The 1-based number of the first call matching `what` ('UrlFetchApp.fetchAll' or a
 * pattern) after call `after`.
 */
export function firstCallTo(calls: string[], what: string | RegExp, after = 0): number {
  const matches = (c: string) => (typeof what === 'string' ? c.endsWith(` ${what}`) : what.test(c));
  const found = calls.slice(after).find(matches);
  if (!found) throw new Error(`no call to ${String(what)} after call ${after}`);
  return Number(found.split(' ')[0]);
}

/** The 1-based number of the last call matching `what` before call `before`. */
export function lastCallBefore(calls: string[], what: RegExp, before: number): number {
  const found = calls
    .slice(0, before - 1)
    .filter((c) => what.test(c))
    .pop();
  if (!found) throw new Error(`no call to ${String(what)} before call ${before}`);
  return Number(found.split(' ')[0]);
}

/** The sync log tab's rows (header first), or [] when there is none. */
export function logRows(w: World): unknown[][] {
  return w.rt.sheetNames(w.spreadsheetId).includes('Keap Sync Log')
    ? w.sheet('Keap Sync Log').values()
    : [];
}

// ---- a standard sheet with known right answers -------------------------------------------

/** The reason the add-on sends when a row asks to opt out without one (src/sync/plan.ts). */
export const DEFAULT_REASON = 'Opted out via Keap Sheets Sync';

export interface ScenarioRow {
  cells: unknown[];
  /**
   * What the row must end as. `email`: Keap's EMAIL1 afterwards (null: unchanged);
   * `optOut`: the email Keap must have opted out, with its reason; `error`: the exact
   * status of a row that changes nothing.
   */
  expect:
    | { kind: 'sync'; email: string | null; optOut: { email: string; reason: string } | null }
    | { kind: 'error'; status: string };
}

export interface Scenario {
  rows: ScenarioRow[];
  /** Keap's contacts before the run: id -> EMAIL1, EMAIL2, ... */
  contacts: Record<number, string[]>;
}

function syncRow(
  cells: unknown[],
  email: string | null,
  optOut: { email: string; reason: string } | null = null,
): ScenarioRow {
  return { cells, expect: { kind: 'sync', email, optOut } };
}

/**
 * Twelve rows of every kind a sync meets: email changes, opt-outs with and without a reason
 * (and of the email Keap has), an unchanged row, a contact Keap does not know, an invalid
 * email, identical rows for one contact, and a contact with a second email to keep.
 */
export function standardScenario(): Scenario {
  return {
    contacts: {
      1: ['ann@example.com'],
      2: ['bob@example.com', 'bob@work.example.com'],
      3: ['cat@example.com'],
      4: ['dan@example.com'],
      5: ['eve@example.com'],
      6: ['fay@example.com'],
      7: ['gus@example.com', 'gus@work.example.com', 'gus@home.example.com'],
      8: ['hal@example.com'],
      9: ['ida@example.com'],
      10: ['ivy@example.com'],
    },
    rows: [
      syncRow([1, 'ann.new@example.com', '', ''], 'ann.new@example.com'),
      syncRow([2, 'bob.new@example.com', 'yes', 'moved away'], 'bob.new@example.com', {
        email: 'bob.new@example.com',
        reason: 'moved away',
      }),
      syncRow([3, 'cat.new@example.com', '', ''], 'cat.new@example.com'),
      syncRow([4, 'dan.new@example.com', 'yes', ''], 'dan.new@example.com', {
        email: 'dan.new@example.com',
        reason: DEFAULT_REASON,
      }),
      syncRow([5, '', 'yes', 'asked by phone'], null, {
        email: 'eve@example.com',
        reason: 'asked by phone',
      }),
      syncRow([6, 'FAY@Example.com', '', ''], null),
      syncRow([7, 'gus.new@example.com', 'yes', 'bounced'], 'gus.new@example.com', {
        email: 'gus.new@example.com',
        reason: 'bounced',
      }),
      syncRow([8, 'hal.new@example.com', '', ''], 'hal.new@example.com'),
      {
        cells: [404, 'nobody@example.com', '', ''],
        expect: { kind: 'error', status: triedAgain('Error: Contact 404 was not found in Keap') },
      },
      {
        cells: [9, 'not-an-email', '', ''],
        expect: { kind: 'error', status: "Error: 'not-an-email' is not a valid email address" },
      },
      syncRow([10, 'ivy.new@example.com', 'yes', ''], 'ivy.new@example.com', {
        email: 'ivy.new@example.com',
        reason: DEFAULT_REASON,
      }),
      syncRow([10, 'ivy.new@example.com', 'yes', ''], 'ivy.new@example.com', {
        email: 'ivy.new@example.com',
        reason: DEFAULT_REASON,
      }),
    ],
  };
}

/** A connected world holding the scenario's sheet and Keap contacts. */
export function scenarioWorld(scenario: Scenario, options: Omit<WorldOptions, 'rows'> = {}): World {
  const w = syncWorld(
    scenario.rows.map((r) => r.cells),
    options,
  );
  for (const [id, emails] of Object.entries(scenario.contacts)) {
    w.addContact(Number(id), emails[0], emails[1], emails[2]);
  }
  return w;
}

/** The status a row gets from one uninterrupted run. */
export function fullStatus(row: ScenarioRow, scenario: Scenario): string {
  if (row.expect.kind === 'error') return row.expect.status;
  const before = scenario.contacts[Number(row.cells[0])]?.[0]?.toLowerCase() ?? null;
  const parts: string[] = [];
  if (row.expect.email !== null && row.expect.email !== before) {
    parts.push(`email changed to ${row.expect.email}`);
  }
  if (row.expect.optOut) parts.push('opted out');
  return parts.length === 0 ? 'Up to date' : `Updated: ${parts.join('; ')}`;
}

/**
 * Statuses a row may show after an interrupted run and the run that finished the job: part
 * of the work may have been done by the killed execution, so "Up to date" or only the rest
 * ("Updated: opted out") are right too. Never another row's email.
 */
export function acceptableStatuses(row: ScenarioRow, scenario: Scenario): string[] {
  const full = fullStatus(row, scenario);
  if (row.expect.kind === 'error') return [full];
  const options = new Set([full, 'Up to date']);
  if (row.expect.optOut) options.add('Updated: opted out');
  return [...options];
}

/**
 * Everything wrong with the world after the scenario was synced, in words (an empty list is
 * the only good answer): Keap's state per contact and email, every row's status and Last
 * Synced, repeated writes, and any status stored as a formula.
 */
export function scenarioProblems(
  w: World,
  scenario: Scenario,
  options: { strictStatuses?: boolean; tab?: string } = {},
): string[] {
  const problems: string[] = [];
  const seenContacts = new Set<number>();
  const optedOut = new Map<string, string>();
  for (const row of scenario.rows) {
    if (row.expect.kind !== 'sync') continue;
    const id = Number(row.cells[0]);
    seenContacts.add(id);
    const before = scenario.contacts[id];
    const wantEmails: Record<string, string> = {};
    before.forEach((email, i) => (wantEmails[`EMAIL${i + 1}`] = email));
    if (row.expect.email !== null) wantEmails.EMAIL1 = row.expect.email;
    const have = w.sim.contact(TENANT, id);
    const haveEmails = Object.fromEntries((have?.emails ?? []).map((e) => [e.field, e.email]));
    if (JSON.stringify(haveEmails) !== JSON.stringify(wantEmails)) {
      problems.push(
        `contact ${id}: Keap has ${JSON.stringify(haveEmails)}, want ${JSON.stringify(wantEmails)}`,
      );
    }
    if (row.expect.optOut) optedOut.set(row.expect.optOut.email, row.expect.optOut.reason);
  }
  for (const [id, emails] of Object.entries(scenario.contacts)) {
    if (seenContacts.has(Number(id))) continue;
    const have = w.sim.contact(TENANT, Number(id))?.emails.map((e) => e.email) ?? [];
    if (JSON.stringify(have) !== JSON.stringify(emails)) {
      problems.push(`contact ${id} (no valid row) changed: ${JSON.stringify(have)}`);
    }
  }
  for (const [email, reason] of optedOut) {
    const state = optStateOf(w, email);
    if (!state?.optedOut || state.reason !== reason) {
      problems.push(`${email}: Keap has ${JSON.stringify(state)}, want opted out for '${reason}'`);
    }
  }
  const everyEmail = new Set<string>();
  for (const emails of Object.values(scenario.contacts)) emails.forEach((e) => everyEmail.add(e));
  for (const row of scenario.rows) {
    if (row.expect.kind === 'sync' && row.expect.email) everyEmail.add(row.expect.email);
  }
  for (const email of everyEmail) {
    if (optedOut.has(email)) continue;
    const state = optStateOf(w, email);
    if (state?.optedOut) problems.push(`${email} was opted out but no row asked for it`);
  }
  if (w.sim.contact(TENANT, 404)) problems.push('contact 404 was created');

  const rows = sheetRows(w, options.tab);
  scenario.rows.forEach((row, i) => {
    const view = rows[i];
    if (!view) {
      problems.push(`row ${i + 2} is gone`);
      return;
    }
    const allowed = options.strictStatuses
      ? [fullStatus(row, scenario)]
      : acceptableStatuses(row, scenario);
    if (!allowed.includes(view.status)) {
      problems.push(
        `row ${view.row}: status '${view.status}', want one of ${JSON.stringify(allowed)}`,
      );
    }
    const synced = view.lastSynced instanceof Date;
    if (row.expect.kind === 'sync' && !synced) problems.push(`row ${view.row}: no Last Synced`);
    if (row.expect.kind === 'error' && view.lastSynced !== '') {
      problems.push(`row ${view.row}: an error row has a Last Synced`);
    }
  });
  problems.push(...repeatedWrites(w));
  problems.push(...formulasInStatusColumns(w, options.tab).map((f) => `formula in ${f}`));
  return problems;
}
