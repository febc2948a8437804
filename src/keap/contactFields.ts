/**
 * THE Keap side of the synced contact fields: per value the sync reads from a Keap contact
 * and writes back in the contact PATCH, its REST v2 property (asked for in `fields=` by the
 * contact reads and the search by email, named in the PATCH's `update_mask`), how it is read
 * from Keap's answer and sent in the PATCH, and when two values are the same. Everything else
 * derives from it: KeapContact and the contact write (model.ts), the reads, their agreement
 * check and the PATCH (contactsApi.ts, contactSearch.ts), and the check of a write whose
 * answer was lost (writeRecovery.ts). Which field of a row each value holds is the sync's
 * mapping (src/sync/contactMapping.ts). Pure; imports nothing (model.ts builds on it).
 */

export type EmailField = 'EMAIL1' | 'EMAIL2' | 'EMAIL3';

export interface EmailSlot {
  field: EmailField;
  email: string;
}

/** How one synced contact value travels between Keap's answers and the PATCH. */
export interface ContactField<T> {
  /** The REST v2 contact property: in `fields=` of every contact read, in `update_mask`. */
  property: string;
  /** The value in Keap's answer; null when it is not one the add-on could send back. */
  read(raw: unknown): T | null;
  /** The value as the PATCH's body sends it. */
  sent(value: T): unknown;
  /** Two answers for the same contact (pages that overlap) give the same value, exactly. */
  sameAnswer(a: T, b: T): boolean;
  /** Keap already has what a write sends (a lost write's check, writeRecovery.ts). */
  applied(inKeap: T, sent: T): boolean;
}

const EMAIL_FIELDS: ReadonlySet<string> = new Set<EmailField>(['EMAIL1', 'EMAIL2', 'EMAIL3']);
/** In the spec's enum of email fields beside EMAIL1-3. */
const UNSPECIFIED_FIELD = 'EMAIL_FIELD_UNSPECIFIED';

/**
 * The contact's whole email list, or null when it is not one address per slot in the shape
 * the spec gives. The PATCH that changes EMAIL1 replaces the whole list, so a slot the add-on
 * could not read (a missing list, a field name in another case, an unknown slot, an address
 * filed under EMAIL_FIELD_UNSPECIFIED) would be deleted by it, and a list that names a slot
 * twice or with an empty address is not one the add-on could send back as Keap described it:
 * such an answer is never a basis for a write.
 */
function toEmailSlots(raw: unknown): EmailSlot[] | null {
  if (!Array.isArray(raw)) return null;
  const slots: EmailSlot[] = [];
  const seen = new Set<string>();
  for (const item of raw) {
    const { email, field } = (item ?? {}) as { email?: unknown; field?: unknown };
    if (typeof email !== 'string' || typeof field !== 'string') return null;
    const empty = email.trim() === '';
    // The spec's placeholder names no slot a PATCH could keep: harmless only when it holds
    // no address; an address under it would be deleted by the replace-all PATCH.
    if (field === UNSPECIFIED_FIELD && empty) continue;
    if (!EMAIL_FIELDS.has(field) || empty || seen.has(field)) return null;
    seen.add(field);
    slots.push({ field: field as EmailField, email });
  }
  return slots;
}

/**
 * The slots as one comparable text: order does not matter, email case neither (optOut.ts's
 * normalEmail, spelled out: importing it would close an import circle through model.ts).
 */
function slotKey(slots: readonly EmailSlot[]): string {
  return slots
    .map((slot) => `${slot.field} ${slot.email.trim().toLowerCase()}`)
    .sort()
    .join('\n');
}

const emails: ContactField<EmailSlot[]> = {
  property: 'email_addresses',
  read: toEmailSlots,
  sent: (slots) => slots.map((slot) => ({ email: slot.email, field: slot.field })),
  // Slot for slot, as Keap wrote them.
  sameAnswer: (a, b) =>
    a.length === b.length &&
    a.every((slot) => b.some((other) => other.field === slot.field && other.email === slot.email)),
  // The PATCH replaces the list: Keap has it when it has exactly these slots.
  applied: (inKeap, sent) => slotKey(inKeap) === slotKey(sent),
};

/** The synced contact values, by their name in KeapContact and in the contact write. */
export const CONTACT_FIELDS = {
  /** Every email slot the contact has, as Keap returned it. */
  emails,
};

export type ContactFieldName = keyof typeof CONTACT_FIELDS;

/** One value per synced contact field: KeapContact's values, and what the PATCH sends. */
export type ContactValues = {
  [K in ContactFieldName]: (typeof CONTACT_FIELDS)[K] extends ContactField<infer T> ? T : never;
};

/** The entries with their values' types forgotten, for code that treats every field alike. */
export const CONTACT_FIELD_LIST = Object.entries(CONTACT_FIELDS) as [
  ContactFieldName,
  ContactField<unknown>,
][];

/** The properties every contact read asks for (`fields=`). */
export const CONTACT_PROPERTIES = CONTACT_FIELD_LIST.map(([, field]) => field.property).join(',');
