import type { RestOptOutMode } from './optOutModes';
import type { WireResponse } from '../support/wire';
import { checkEmailList, type StoredContact } from './contacts';
import { isOptedIn, NEW_ADDRESS_STATUS, type EmailStatusBook } from './emailStatus';
import { matchesPattern, pageOf, parseFilter } from './listQuery';
import type { KeapLimits } from './limits';
import { jsonResponse, v2Error } from './responses';
import type { Tenant } from './tenant';

/** REST v2 contacts: list, get, and PATCH whose email list replaces the contact's. */

export interface RestContext {
  tenant: Tenant;
  now: number;
  limits: KeapLimits;
  query: URLSearchParams;
  params: Record<string, string>;
  body: string;
  /** How the REST opt-out behaves (optOutModes.ts). */
  restOptOut: RestOptOutMode;
}

/** The spec's "Available fields" for contacts. */
const CONTACT_FIELDS = new Set(
  (
    'addresses,anniversary_date,birth_date,company,contact_type,create_time,custom_fields,email_addresses,' +
    'family_name,fax_numbers,given_name,id,job_title,leadsource_id,links,middle_name,notes,origin,owner_id,' +
    'phone_numbers,preferred_locale,preferred_name,prefix,referral_code,score_value,social_accounts,source_type,' +
    'spouse_name,suffix,tag_ids,time_zone,update_time,utm_parameters,website,account_id,assistant_name,' +
    'assistant_phone,billing_information,created_by,groups,last_updated_by'
  ).split(','),
);
/** Unconfirmed: what Keap returns when `fields` is absent. */
const DEFAULT_FIELDS = [
  'given_name',
  'family_name',
  'email_addresses',
  'create_time',
  'update_time',
];

const CONTACT_FILTERS = {
  ids: 'set',
  contact_ids: 'set',
  email: 'string',
  given_name: 'string',
  family_name: 'string',
} as const;

export function listContacts(ctx: RestContext): WireResponse {
  const fields = requestedFields(ctx.query);
  if (typeof fields === 'string') return v2Error(400, fields);
  const filter = parseFilter(ctx.query.get('filter'), CONTACT_FILTERS);
  if (!filter.ok) return v2Error(400, filter.message);
  let contacts = ctx.tenant.contacts.all();
  for (const [field, values] of filter.clauses) {
    if (field === 'ids' || field === 'contact_ids') {
      const wanted = new Set(values);
      contacts = contacts.filter((c) => wanted.has(String(c.id)));
    } else if (field === 'email') {
      contacts = contacts.filter((c) => c.emails.some((e) => matchesPattern(e.email, values[0])));
    } else if (field === 'given_name') {
      contacts = contacts.filter((c) => matchesPattern(c.givenName, values[0]));
    } else {
      contacts = contacts.filter((c) => matchesPattern(c.familyName, values[0]));
    }
  }
  const size = pageSize(ctx);
  const page = pageOf(contacts, size, ctx.query.get('page_token'));
  if (!page.ok) return v2Error(400, page.message);
  return jsonResponse(200, {
    contacts: page.items.map((c) => renderContact(c, fields, ctx.tenant.emails)),
    next_page_token: page.nextPageToken,
  });
}

export function getContact(ctx: RestContext): WireResponse {
  const fields = requestedFields(ctx.query);
  if (typeof fields === 'string') return v2Error(400, fields);
  const contact = ctx.tenant.contacts.get(Number(ctx.params.contact_id));
  if (!contact) return notFound(ctx.params.contact_id);
  return jsonResponse(200, renderContact(contact, fields, ctx.tenant.emails));
}

export function patchContact(ctx: RestContext): WireResponse {
  const fields = requestedFields(ctx.query);
  if (typeof fields === 'string') return v2Error(400, fields);
  const id = Number(ctx.params.contact_id);
  const contact = ctx.tenant.contacts.get(id);
  if (!contact) return notFound(ctx.params.contact_id);
  let body: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(ctx.body);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      return v2Error(400, 'Request body must be a JSON object');
    body = parsed as Record<string, unknown>;
  } catch {
    return v2Error(400, 'Request body is not valid JSON');
  }
  const mask = ctx.query.getAll('update_mask').flatMap((m) => m.split(',').map((s) => s.trim()));
  // With a mask only masked properties change, and a masked property absent from the body is
  // cleared (field-mask semantics; unconfirmed for Keap). Without a mask, what the body holds changes.
  const updates = (name: string): boolean => (mask.length > 0 ? mask.includes(name) : name in body);

  if (updates('email_addresses')) {
    const list = body.email_addresses ?? [];
    if (!Array.isArray(list)) return v2Error(400, 'email_addresses must be a list');
    const checked = checkEmailList(list as { email?: unknown; field?: unknown }[], ctx.limits);
    if (!checked.ok) return v2Error(400, checked.message);
    for (const [i, slot] of checked.slots.entries()) {
      const reason = (list[i] as { opt_in_reason?: unknown }).opt_in_reason;
      ctx.tenant.emails.ensure(
        slot.email,
        ctx.now,
        typeof reason === 'string' && reason ? 'SINGLE_OPT_IN' : NEW_ADDRESS_STATUS,
      );
    }
    ctx.tenant.contacts.replaceEmails(id, checked.slots, ctx.now);
  }
  if (updates('given_name')) contact.givenName = stringOrUndefined(body.given_name);
  if (updates('family_name')) contact.familyName = stringOrUndefined(body.family_name);
  contact.updateTime = ctx.now;
  return jsonResponse(200, renderContact(contact, fields, ctx.tenant.emails));
}

export function pageSize(ctx: RestContext): number {
  const raw = Number(ctx.query.get('page_size') ?? '0');
  return Number.isInteger(raw) && raw > 0 ? Math.min(raw, 1000) : ctx.limits.defaultPageSize;
}

function requestedFields(query: URLSearchParams): string[] | string {
  const raw = query.get('fields');
  if (raw === null) return DEFAULT_FIELDS;
  const fields = raw
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const unknown = fields.find((f) => !CONTACT_FIELDS.has(f));
  return unknown ? `Invalid field: ${unknown}` : fields;
}

function renderContact(
  c: StoredContact,
  fields: string[],
  emails: EmailStatusBook,
): Record<string, unknown> {
  const out: Record<string, unknown> = { id: String(c.id) };
  for (const f of fields) {
    if (f === 'given_name' && c.givenName !== undefined) out.given_name = c.givenName;
    if (f === 'family_name' && c.familyName !== undefined) out.family_name = c.familyName;
    if (f === 'create_time') out.create_time = new Date(c.createTime).toISOString();
    if (f === 'update_time') out.update_time = new Date(c.updateTime).toISOString();
    if (f === 'email_addresses') {
      out.email_addresses = c.emails.map((e) => {
        const status = emails.get(e.email)?.status;
        return status
          ? {
              email: e.email,
              field: e.field,
              email_opt_status: status,
              is_opt_in: isOptedIn(status),
            }
          : { email: e.email, field: e.field };
      });
    }
  }
  return out;
}

function notFound(id: string): WireResponse {
  return v2Error(404, `Contact with id ${id} not found`);
}

function stringOrUndefined(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
