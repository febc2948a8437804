/**
 * The benchmark's data: a Contacts tab of N rows and the Keap contacts behind it, the edits
 * of the "1 % edited" scenario, and an oracle that counts the Keap changes a sheet needs and
 * checks, after a run, that Keap now holds what the sheet asks for.
 */
import { TENANT } from '../test/e2e/world';
import type { KeapSimulator } from '../test/keap-sim';

export const FIRST_CONTACT_ID = 1001;
const ID = 0;
const EMAIL = 1;
const OPT_OUT = 2;

/** Statuses in which Keap sends no marketing email because the address is opted out or blocked. */
const OPTED_OUT = new Set([
  'LOCKDOWN',
  'BOUNCE',
  'HARD_BOUNCE',
  'MANUAL',
  'ADMIN',
  'SYSTEM',
  'LIST_UNSUBSCRIBE',
  'FEEDBACK',
  'SPAM',
  'INVALID',
  'DEACTIVATED',
]);

export function contactId(index: number): number {
  return FIRST_CONTACT_ID + index;
}

/** The sheet as it is before the add-on first runs: every row as Keap has it (seedKeap). */
export function rowsAsInKeap(count: number): unknown[][] {
  return Array.from({ length: count }, (_, i) => [contactId(i), `old${i}@example.com`, false, '']);
}

/** Every row asks for a new email; every other row also asks for an opt-out (a checkbox). */
export function sheetRows(count: number): unknown[][] {
  return Array.from({ length: count }, (_, i) => [
    contactId(i),
    `new${i}@example.com`,
    i % 2 === 0,
    i % 2 === 0 ? 'Asked to stop (bench)' : '',
  ]);
}

/** The same rows with no Contact ID: the add-on finds each contact by its email. */
export function rowsWithoutIds(count: number): unknown[][] {
  return sheetRows(count).map((row, i) => ['', `old${i}@example.com`, row[2], row[3]]);
}

/** Keap before the first run: each contact has an older address, still marketable. */
export function seedKeap(sim: KeapSimulator, count: number): void {
  for (let i = 0; i < count; i++) {
    sim.addContact(TENANT, { id: contactId(i), email1: `old${i}@example.com` });
  }
}

/** 1 % of the rows: one per block of 100, alternating between a row with and without opt-out. */
export function editedRowIndexes(count: number): number[] {
  const edited: number[] = [];
  for (let block = 0; block * 100 < count; block++) {
    const index = block * 100 + (block % 2);
    if (index < count) edited.push(index);
  }
  return edited;
}

export function editedEmail(index: number): string {
  return `edited${index}@example.com`;
}

export interface SheetRow {
  /** Null for a row without a Contact ID: found by its email, which it cannot change. */
  contactId: number | null;
  email: string;
  optOut: boolean;
}

export function readSheetRows(values: readonly (readonly unknown[])[]): SheetRow[] {
  return values.slice(1).map((row) => ({
    contactId: row[ID] === '' ? null : Number(row[ID]),
    email: String(row[EMAIL] ?? '')
      .trim()
      .toLowerCase(),
    optOut: row[OPT_OUT] === true,
  }));
}

export interface NeededChanges {
  emailChanges: number;
  optOuts: number;
  total: number;
}

function primaryEmail(sim: KeapSimulator, id: number | null): string | null {
  if (id === null) return null;
  const contact = sim.contact(TENANT, id);
  return contact?.emails.find((slot) => slot.field === 'EMAIL1')?.email.toLowerCase() ?? null;
}

function isOptedOut(sim: KeapSimulator, email: string): boolean {
  const status = sim.emailStatus(TENANT, email)?.status;
  return status !== undefined && OPTED_OUT.has(status);
}

/** The Keap writes the sheet asks for: emails that differ, and opt-outs not yet in place. */
export function neededChanges(sim: KeapSimulator, rows: readonly SheetRow[]): NeededChanges {
  let emailChanges = 0;
  let optOuts = 0;
  for (const row of rows) {
    const primary = primaryEmail(sim, row.contactId);
    if (row.contactId !== null && row.email !== '' && row.email !== primary) emailChanges++;
    const target = row.email !== '' ? row.email : primary;
    if (row.optOut && target !== null && !isOptedOut(sim, target)) optOuts++;
  }
  return { emailChanges, optOuts, total: emailChanges + optOuts };
}

/** Rows whose contact does not (yet) hold what the row asks for; empty when the run did its job. */
export function rowsNotInKeap(sim: KeapSimulator, rows: readonly SheetRow[]): number[] {
  const wrong: number[] = [];
  rows.forEach((row, i) => {
    const primary = primaryEmail(sim, row.contactId);
    const emailOk = row.contactId === null || row.email === '' || row.email === primary;
    const target = row.email !== '' ? row.email : primary;
    const optOutOk = !row.optOut || (target !== null && isOptedOut(sim, target));
    if (!emailOk || !optOutOk) wrong.push(i + 2);
  });
  return wrong;
}
