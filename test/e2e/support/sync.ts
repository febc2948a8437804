/**
 * Helpers for the sync's end-to-end tests: the sample sheet and Keap seed in examples/,
 * a world connected and filled with contacts, and what a test reads back (Keap's state,
 * the sheet's statuses, what each execution cost).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExecutionResult, TriggerInfo } from '../../gas-runtime';
import { applySeed, type SimSeed, type SimRequestLog } from '../../keap-sim';
import { HEADERS, TENANT, World, type WorldOptions } from '../world';
import { triedAgain, withAnyDay } from './nextTry';

export const EXAMPLES_DIR = join(__dirname, '..', '..', '..', 'examples');

/**
 * RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. Every field is
 * returned as the text a person typed; the runtime types it as Sheets would ("123" is a
 * number, "'123" stays text, "TRUE" is a boolean).
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** examples/contacts.csv: header row first. */
export function exampleSheet(): string[][] {
  return parseCsv(readFileSync(join(EXAMPLES_DIR, 'contacts.csv'), 'utf8'));
}

/** examples/keap-seed.json (tenants, contacts, email statuses). */
export function exampleSeed(): SimSeed {
  return JSON.parse(readFileSync(join(EXAMPLES_DIR, 'keap-seed.json'), 'utf8')) as SimSeed;
}

/** The world's tenant as the seed describes it (the seed names one tenant, as World does). */
export function seedWorld(world: World, seed: SimSeed): void {
  const tenants = (seed.tenants ?? []).map((t) => ({ ...t, tenant: TENANT }));
  applySeed(world.sim, { tenants });
}

/** A world with a Contacts tab of `sheet` (header row first), connected to Keap. */
export function connectedWorld(
  sheet: unknown[][],
  options: Omit<WorldOptions, 'rows' | 'headers'> = {},
): World {
  const world = new World({ ...options, headers: sheet[0] as string[], rows: sheet.slice(1) });
  world.connect();
  return world;
}

/** One email slot of a contact as Keap now has it, with the address's marketing status. */
export interface KeapSlotState {
  field: string;
  email: string;
  status: string;
  reason?: string;
}

/** What Keap holds for these contacts: every email slot and each address's opt status. */
export function keapState(world: World, ids: number[]): Record<number, KeapSlotState[]> {
  const state: Record<number, KeapSlotState[]> = {};
  for (const id of ids) {
    const contact = world.sim.contact(TENANT, id);
    if (!contact) throw new Error(`no contact ${id}`);
    state[id] = contact.emails.map((slot) => {
      const status = world.sim.emailStatus(TENANT, slot.email);
      return {
        field: slot.field,
        email: slot.email,
        status: status?.status ?? 'NONE',
        ...(status?.optOutReason === undefined ? {} : { reason: status.optOutReason }),
      };
    });
  }
  return state;
}

/** Someone changes a contact's email list in Keap itself (the app's own API, not the add-on). */
export function changeInKeap(
  world: World,
  contactId: number,
  emails: Record<string, string>,
): void {
  const key = world.sim.createApiKey(TENANT, 'PAT');
  const response = world.sim.handle({
    method: 'PATCH',
    url: `https://api.infusionsoft.com/crm/rest/v2/contacts/${contactId}?update_mask=email_addresses`,
    headers: { 'x-keap-api-key': key, 'content-type': 'application/json' },
    body: JSON.stringify({
      email_addresses: Object.entries(emails).map(([field, email]) => ({ field, email })),
    }),
  });
  if (response.status !== 200) throw new Error(`Keap refused the change: ${response.body}`);
}

/** Routes of the requests that change Keap: contact PATCHes and opt-outs (REST, XML-RPC). */
export const WRITE_ROUTES = ['contacts.patch', 'emailAddresses.updateStatus', 'xmlrpc.optOut'];

/** The sim's log of requests that change Keap. */
export function keapWrites(world: World, since = 0): SimRequestLog[] {
  return world.sim.log.slice(since).filter((entry) => WRITE_ROUTES.includes(entry.route));
}

/** Requests to Keap's API (not the token endpoint) made by one execution. */
export function apiRequests(result: ExecutionResult): Record<string, number> {
  return Object.fromEntries(
    Object.entries(result.ledger.requests).filter(([key]) => !key.endsWith('/token')),
  );
}

/** Runs `fn` with the spreadsheet open and records each spreadsheet call's method name. */
export function runCountingCalls<T>(
  world: World,
  fn: string,
  args: unknown[] = [],
): { result: ExecutionResult<T>; calls: string[] } {
  const calls: string[] = [];
  const result = world.rt.run<T>(fn, args, {
    user: 'owner@example.com',
    spreadsheetId: world.spreadsheetId,
    authMode: 'FULL',
    onServiceCall: ({ service, method, spreadsheet }) => {
      if (spreadsheet) {
        calls.push(`${service}.${method}`);
      }
    },
  });
  return { result, calls };
}

/** The header row of a tab. */
export function headerRow(world: World, tab = 'Contacts'): unknown[] {
  return world.sheet(tab).values()[0];
}

/** One column's values under its header, by header text. */
/** A column's values; Sync Status with the day of a next try written as <day> (nextTry.ts). */
export function columnOf(world: World, header: string, tab = 'Contacts'): unknown[] {
  const values = world.column(header, tab);
  return header === 'Sync Status' ? values.map(withAnyDay) : values;
}

/** The columns the sync writes; every other cell must stay as it was. */
export const OUTPUT_HEADERS = [
  'Sync Status',
  'Last Synced',
  'Keap Sync Record',
  'Keap Email Status',
];

/** The sheet's cells except the columns the sync writes. */
export function inputCells(world: World, tab = 'Contacts'): unknown[][] {
  const values = world.sheet(tab).values();
  const skip = new Set(OUTPUT_HEADERS.map((h) => values[0].indexOf(h)).filter((i) => i >= 0));
  return values.map((row) => row.filter((_, i) => !skip.has(i)));
}

// --- the sample sheet and what syncing it must give (written by hand from the CSV and seed)

export const SAMPLE_IDS = [
  101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116,
];
export const DEFAULT_REASON = 'Opted out via Keap Sheets Sync';
export const OPTED_IN = 'SINGLE_OPT_IN';
/** Keap's status for an address it first sees in a contact update (simulator's choice). */
export const NEW_ADDRESS = 'NON_MARKETABLE';

/** Sync Status per sheet row (row 2 first), written by hand from the CSV and the seed. */
export const SAMPLE_STATUSES: string[] = [
  'Updated: email changed to ann.lee@example.com', // 2: Ann, spaces and capitals
  'Up to date', // 3: Bob, id typed as text, Keap has the same address in capitals
  'Updated: email changed to carol.new@example.com; opted out', // 4: id '103.0'
  '', // 5: blank row
  'Updated: opted out', // 6: id ' 104 ', no email: Keap's EMAIL1 with the default reason
  'Updated: opted out', // 7: Eve, opt-out 'x'
  'Up to date', // 8: Frank, already unsubscribed in Keap
  'Up to date', // 9: Grace, Opt Out FALSE changes nothing
  '', // 10: blank row
  triedAgain('Error: Contact 999999 was not found in Keap'), // 11
  'Error: Contact ID 108 is also on row 13 with different values', // 12
  'Error: Contact ID 108 is also on row 12 with different values', // 13
  "Error: 'ivan(at)example.com' is not a valid email address", // 14
  'Error: The email is 76 characters long; Keap allows at most 75', // 15
  triedAgain('Error: No Keap contact has this email'), // 16: no id, found by email: none
  'Updated: email changed to liam@example.com', // 17: contact had no email
  triedAgain('Error: Cannot opt out: the row has no email and the contact has none in Keap'), // 18
  'Updated: email changed to noah@example.com', // 19: same contact twice, same values
  'Updated: email changed to noah@example.com', // 20
  "Error: Contact ID must be a whole number (got 'abc')", // 21
  'Up to date', // 22: a reason without an opt-out asks for nothing
  'Updated: email changed to quinn.new@example.com', // 23: EMAIL3 kept, no EMAIL2
];

/** Keap after the first sync, written by hand: EMAIL2/EMAIL3 kept, opt-outs with reasons. */
export const SAMPLE_KEAP_AFTER_SYNC = {
  101: [
    { field: 'EMAIL1', email: 'ann.lee@example.com', status: NEW_ADDRESS },
    { field: 'EMAIL2', email: 'ann.work@example.com', status: OPTED_IN },
    { field: 'EMAIL3', email: 'ann.home@example.com', status: OPTED_IN },
  ],
  102: [{ field: 'EMAIL1', email: 'BOB@Example.com', status: OPTED_IN }],
  103: [
    { field: 'EMAIL1', email: 'carol.new@example.com', status: 'MANUAL', reason: 'Asked by phone' },
    { field: 'EMAIL2', email: 'carol@work.example.com', status: OPTED_IN },
  ],
  104: [{ field: 'EMAIL1', email: 'dan@example.com', status: 'MANUAL', reason: DEFAULT_REASON }],
  105: [
    {
      field: 'EMAIL1',
      email: 'Eve@Example.com',
      status: 'MANUAL',
      reason: 'Unsubscribed at the trade show',
    },
  ],
  106: [{ field: 'EMAIL1', email: 'frank@example.com', status: 'LIST_UNSUBSCRIBE' }],
  107: [{ field: 'EMAIL1', email: 'grace@example.com', status: 'MANUAL' }],
  108: [{ field: 'EMAIL1', email: 'heidi@example.com', status: OPTED_IN }],
  109: [{ field: 'EMAIL1', email: 'ivan@example.com', status: OPTED_IN }],
  110: [{ field: 'EMAIL1', email: 'judy@example.com', status: OPTED_IN }],
  111: [{ field: 'EMAIL1', email: 'liam@example.com', status: NEW_ADDRESS }],
  112: [],
  113: [{ field: 'EMAIL1', email: 'noah@example.com', status: NEW_ADDRESS }],
  114: [{ field: 'EMAIL1', email: 'pete@example.com', status: OPTED_IN }],
  115: [
    { field: 'EMAIL1', email: 'quinn.new@example.com', status: NEW_ADDRESS },
    { field: 'EMAIL3', email: 'quinn@home.example.com', status: OPTED_IN },
  ],
  116: [{ field: 'EMAIL1', email: 'rita@example.com', status: OPTED_IN }],
};

export function sampleWorld(options: Omit<WorldOptions, 'rows' | 'headers'> = {}): World {
  const world = connectedWorld(exampleSheet(), options);
  seedWorld(world, exampleSeed());
  return world;
}

/** What syncNow and the log report for one run. */
export interface Summary {
  outcome: string;
  trigger: string;
  rowsSeen: number;
  emailsUpdated: number;
  optedOut: number;
  unchanged: number;
  errors: number;
  errorRows: number[];
  keapRequests: number;
  durationMs: number;
  message: string;
}

/** The follow-up triggers of this spreadsheet's owner, waiting to fire. */
export function pendingFollowUps(world: World): TriggerInfo[] {
  return world.rt.triggers().filter((t) => t.handler === 'continueSync' && t.nextRunAt !== null);
}

/**
 * Lets a run that continues in follow-up triggers finish: moves the clock to each
 * follow-up in turn (firing whatever is due on the way). Returns the executions fired.
 */
export function runFollowUps(world: World, maxFollowUps = 50): ExecutionResult<Summary>[] {
  const fired: ExecutionResult<Summary>[] = [];
  for (let i = 0; i < maxFollowUps; i++) {
    const next = pendingFollowUps(world)[0];
    if (!next) return fired;
    // A recurring follow-up (the carrier of a run while the daily sync is off) may be due
    // already: its next firing came while the last execution ran.
    const at = Math.max(next.nextRunAt as number, world.clock.now());
    fired.push(...(world.rt.advanceTo(at) as ExecutionResult<Summary>[]));
  }
  throw new Error(`the run still had a follow-up after ${maxFollowUps} of them`);
}

/**
 * A connected sheet of `rows` contacts with ids from `firstId`, each row asking for a new email
 * (`person<i>@…`) that Keap does not have yet (`old<i>@…`): every row changes, so a run is long
 * enough to watch (chunks, follow-ups, progress).
 */
export function longWorld(
  rows: number,
  firstId: number,
  options: Parameters<typeof connectedWorld>[1] = {},
): World {
  const sheet = Array.from({ length: rows }, (_, i) => [
    firstId + i,
    `person${i}@example.com`,
    '',
    '',
  ]);
  const w = connectedWorld([HEADERS, ...sheet], options);
  for (let i = 0; i < rows; i++) w.addContact(firstId + i, `old${i}@example.com`);
  return w;
}

/** The spreadsheet's progress record as the add-on keeps it (script properties), if any. */
export function progressRecord(w: World): string | undefined {
  return w.rt.scriptProperties()[`keapSync.progress.${w.spreadsheetId}`];
}

/** The rows done and to do in a progress line ("1,000 of 2,000 rows · …"), or null. */
export function rowsOf(text: string | null | undefined): { done: number; toDo: number } | null {
  const match = /^([\d,]+) of ([\d,]+) rows?/.exec(String(text ?? ''));
  if (!match) return null;
  return { done: Number(match[1].replace(/,/g, '')), toDo: Number(match[2].replace(/,/g, '')) };
}
