/** One Keap account's contacts and the rules Keap applies to their email slots. */

export const EMAIL_FIELDS = ['EMAIL1', 'EMAIL2', 'EMAIL3'] as const;
export type EmailField = (typeof EMAIL_FIELDS)[number];

export interface EmailSlot {
  field: EmailField;
  email: string;
}

export interface StoredContact {
  id: number;
  givenName?: string;
  familyName?: string;
  /** Ordered EMAIL1, EMAIL2, EMAIL3; absent slots are simply missing. */
  emails: EmailSlot[];
  createTime: number;
  updateTime: number;
}

export interface NewContact {
  id?: number;
  givenName?: string;
  familyName?: string;
  email1?: string;
  email2?: string;
  email3?: string;
}

export class ContactStore {
  private readonly contacts = new Map<number, StoredContact>();
  private nextId = 1;

  add(c: NewContact, now: number): StoredContact {
    const id = c.id ?? this.nextId;
    if (!Number.isSafeInteger(id) || id <= 0)
      throw new Error(`contact id must be a positive integer, got ${id}`);
    if (this.contacts.has(id)) throw new Error(`contact ${id} already exists`);
    this.nextId = Math.max(this.nextId, id + 1);
    const emails: EmailSlot[] = [];
    const given: [EmailField, string | undefined][] = [
      ['EMAIL1', c.email1],
      ['EMAIL2', c.email2],
      ['EMAIL3', c.email3],
    ];
    for (const [field, email] of given) if (email) emails.push({ field, email });
    const contact: StoredContact = {
      id,
      givenName: c.givenName,
      familyName: c.familyName,
      emails,
      createTime: now,
      updateTime: now,
    };
    this.contacts.set(id, contact);
    return contact;
  }

  get(id: number): StoredContact | undefined {
    return this.contacts.get(id);
  }

  /** Every contact in id order (Keap's default list order). */
  all(): StoredContact[] {
    return [...this.contacts.values()].sort((a, b) => a.id - b.id);
  }

  /** The PATCH rule: the new list replaces the old one; slots left out are deleted. */
  replaceEmails(id: number, emails: EmailSlot[], now: number): StoredContact {
    const contact = this.contacts.get(id);
    if (!contact) throw new Error(`no contact ${id}`);
    contact.emails = [...emails].sort((a, b) => a.field.localeCompare(b.field));
    contact.updateTime = now;
    return contact;
  }
}

export interface EmailLimits {
  email1MaxLength: number;
  otherEmailMaxLength: number;
}

/** Loose shape check only; Keap's own rule is unpublished. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Checks a PATCH's email_addresses list the way Keap answers it: a message for the first
 * problem, or the slots to store.
 */
export function checkEmailList(
  list: { email?: unknown; field?: unknown }[],
  limits: EmailLimits,
): { ok: true; slots: EmailSlot[] } | { ok: false; message: string } {
  const slots: EmailSlot[] = [];
  for (const item of list) {
    const field = item.field;
    if (typeof field !== 'string' || !(EMAIL_FIELDS as readonly string[]).includes(field)) {
      return {
        ok: false,
        message: `email_addresses: field must be one of ${EMAIL_FIELDS.join(', ')}`,
      };
    }
    if (slots.some((s) => s.field === field)) {
      return { ok: false, message: `email_addresses: ${field} appears more than once` };
    }
    const email = typeof item.email === 'string' ? item.email.trim() : '';
    const max = field === 'EMAIL1' ? limits.email1MaxLength : limits.otherEmailMaxLength;
    if (email.length > max) {
      return { ok: false, message: `email_addresses: ${field} must be at most ${max} characters` };
    }
    if (!EMAIL_SHAPE.test(email)) {
      return { ok: false, message: `email_addresses: ${field} is not a valid email address` };
    }
    slots.push({ field: field as EmailField, email });
  }
  return { ok: true, slots };
}
