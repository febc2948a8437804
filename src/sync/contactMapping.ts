/**
 * THE mapping from a row's synced fields (src/sheet/fields.ts) to the Keap contact's values
 * (src/keap/contactFields.ts): per contact value, which field of the row it holds, what Keap
 * has of it as the row would spell it, when the row's value is already there, and the value
 * the contact PATCH sends to put it there. plan.ts plans the contact write over this table
 * alone, so a synced contact value is added here (the build asks: every contact value has a
 * row) and nowhere else in the sync. Pure.
 */
import type { ContactValues, EmailSlot } from '../keap/contactFields';
import type { KeapContact } from '../keap/model';
import type { SYNCED_FIELDS, SyncedFieldKey } from '../sheet/fields';
import type { RowRequest } from '../sheet/rowParsing';

type RequestKeyOf<K extends SyncedFieldKey> = Extract<
  (typeof SYNCED_FIELDS)[number],
  { key: K }
>['requestKey'];

/** The synced fields whose parsed value is text (null: the row asks for no change). */
export type TextFieldKey = {
  [K in SyncedFieldKey]: RowRequest[RequestKeyOf<K>] extends string | null ? K : never;
}[SyncedFieldKey];

/** How one contact value takes a row's value. */
export interface RowValueInKeap<T> {
  /** The synced field whose value the row asks Keap to hold. */
  field: TextFieldKey;
  /** What Keap holds, as the row would give it; null when it holds none. */
  inKeap(value: T): string | null;
  /** Keap already holds the row's value: nothing to send. */
  holds(inKeap: string | null, row: string): boolean;
  /** The contact value with the row's value put in: what the PATCH sends (it replaces the whole value). */
  withRowValue(value: T, row: string): T;
}

/** What a row changes in its contact: a synced field, Keap's value before, the row's value. */
export interface ContactChange {
  field: TextFieldKey;
  from: string | null;
  to: string;
}

function primaryOf(slots: readonly EmailSlot[]): string | null {
  return slots.find((slot) => slot.field === 'EMAIL1')?.email ?? null;
}

export function primaryEmail(contact: KeapContact): string | null {
  return primaryOf(contact.emails);
}

/** EMAIL1 replaced (or added); EMAIL2 and EMAIL3 sent back exactly, since the PATCH replaces the list. */
function slotsWithPrimary(slots: readonly EmailSlot[], email: string): EmailSlot[] {
  const hasPrimary = slots.some((slot) => slot.field === 'EMAIL1');
  const kept = slots.map((slot) =>
    slot.field === 'EMAIL1' ? { field: slot.field, email } : { ...slot },
  );
  return hasPrimary ? kept : [{ field: 'EMAIL1', email }, ...kept];
}

/** Per contact value (its name in KeapContact and the contact write), the row's field it holds. */
export const ROW_TO_CONTACT = {
  /** The row's email is the contact's EMAIL1; the row's email is lower-cased, Keap's is not. */
  emails: {
    field: 'email',
    inKeap: primaryOf,
    holds: (inKeap, row) => inKeap !== null && inKeap.toLowerCase() === row,
    withRowValue: slotsWithPrimary,
  },
} satisfies { [K in keyof ContactValues]: RowValueInKeap<ContactValues[K]> };
