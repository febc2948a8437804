/** Keap's per-account email status book: one record per address, independent of contacts. */

export const EMAIL_STATUSES = [
  'UNENGAGED_MARKETABLE',
  'SINGLE_OPT_IN',
  'DOUBLE_OPT_IN',
  'CONFIRMED',
  'UNENGAGED_NON_MARKETABLE',
  'NON_MARKETABLE',
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
] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

const MARKETABLE: readonly EmailStatus[] = [
  'UNENGAGED_MARKETABLE',
  'SINGLE_OPT_IN',
  'DOUBLE_OPT_IN',
  'CONFIRMED',
];
/** The spec's PATCH .../status opts in only from these; every other state stays put. */
const OPT_IN_ALLOWED_FROM: readonly EmailStatus[] = [
  'UNENGAGED_MARKETABLE',
  'UNENGAGED_NON_MARKETABLE',
  'NON_MARKETABLE',
  'MANUAL',
];
/** Unconfirmed: the state an API opt-out leaves (XML-RPC optOut, and REST opted_in:false in mode 'works'). */
export const API_OPT_OUT_STATUS: EmailStatus = 'MANUAL';
/** Unconfirmed: the state of an address added without an opt-in reason. */
export const NEW_ADDRESS_STATUS: EmailStatus = 'NON_MARKETABLE';

export interface EmailStatusRecord {
  email: string;
  status: EmailStatus;
  optOutReason?: string;
  optInReason?: string;
  createTime: number;
  updateTime: number;
}

export function isEmailStatus(value: string): value is EmailStatus {
  return (EMAIL_STATUSES as readonly string[]).includes(value);
}

export function isOptedIn(status: EmailStatus): boolean {
  return MARKETABLE.includes(status);
}

/** XML-RPC getOptStatus: 0 opted out or non-marketable, 1 single opt-in, 2 double opt-in. */
export function optStatusCode(status: EmailStatus): 0 | 1 | 2 {
  if (status === 'DOUBLE_OPT_IN' || status === 'CONFIRMED') return 2;
  return isOptedIn(status) ? 1 : 0;
}

export class EmailStatusBook {
  private readonly records = new Map<string, EmailStatusRecord>();

  get(email: string): EmailStatusRecord | undefined {
    return this.records.get(key(email));
  }

  /** The records of these addresses (any case, each once), ordered by address. */
  some(emails: readonly string[]): EmailStatusRecord[] {
    const found = new Map<string, EmailStatusRecord>();
    for (const email of emails) {
      const record = this.get(email);
      if (record) found.set(key(record.email), record);
    }
    return [...found.values()].sort((a, b) => key(a.email).localeCompare(key(b.email)));
  }

  /** Every record, ordered by address. */
  all(): EmailStatusRecord[] {
    return [...this.records.values()].sort((a, b) => key(a.email).localeCompare(key(b.email)));
  }

  set(
    email: string,
    status: EmailStatus,
    now: number,
    reasons: { optOut?: string; optIn?: string } = {},
  ): void {
    const existing = this.get(email);
    this.records.set(key(email), {
      email: existing?.email ?? email,
      status,
      optOutReason: reasons.optOut,
      optInReason: reasons.optIn,
      createTime: existing?.createTime ?? now,
      updateTime: now,
    });
  }

  /** Gives an address a record the first time Keap sees it. */
  ensure(email: string, now: number, status: EmailStatus = NEW_ADDRESS_STATUS): EmailStatusRecord {
    if (!this.get(email)) this.set(email, status, now);
    return this.get(email) as EmailStatusRecord;
  }

  /** Opt-out as APIEmailService.optOut does; the address gets a record if it had none. */
  optOut(email: string, reason: string, now: number): void {
    const current = this.ensure(email, now);
    if (isOptedIn(current.status) || OPT_IN_ALLOWED_FROM.includes(current.status)) {
      this.set(email, API_OPT_OUT_STATUS, now, { optOut: reason });
    }
  }

  /** Opt-in as PATCH /v2/emailAddresses/{email}/status does: only from a few states. */
  optIn(email: string, reason: string, now: number): void {
    const current = this.ensure(email, now);
    if (OPT_IN_ALLOWED_FROM.includes(current.status))
      this.set(email, 'SINGLE_OPT_IN', now, { optIn: reason });
  }
}

function key(email: string): string {
  return email.trim().toLowerCase();
}
