import type { WireResponse } from '../support/wire';
import { isEmailStatus, isOptedIn, type EmailStatusRecord } from './emailStatus';
import { pageOf, parseFilter } from './listQuery';
import { jsonResponse, v2Error } from './responses';
import { pageSize, type RestContext } from './restContacts';

/** REST v2 email address statuses: list by emails, one address, and the opt-in PATCH. */

const FILTERS = { emails: 'set', statuses: 'set', opted_in: 'string' } as const;

export function listEmailAddresses(ctx: RestContext): WireResponse {
  const filter = parseFilter(ctx.query.get('filter'), FILTERS);
  if (!filter.ok) return v2Error(400, filter.message);
  const emails = filter.clauses.get('emails');
  // By address when the filter names them (no sort of the whole book per request), else all.
  let records = emails ? ctx.tenant.emails.some(emails) : ctx.tenant.emails.all();
  const statuses = filter.clauses.get('statuses');
  if (statuses) {
    const bad = statuses.find((s) => !isEmailStatus(s));
    if (bad) return v2Error(400, `Invalid filter value for statuses: ${bad}`);
    records = records.filter((r) => statuses.includes(r.status));
  }
  const optedIn = filter.clauses.get('opted_in');
  if (optedIn) {
    if (optedIn[0] !== 'true' && optedIn[0] !== 'false')
      return v2Error(400, 'opted_in must be true or false');
    records = records.filter((r) => isOptedIn(r.status) === (optedIn[0] === 'true'));
  }
  const page = pageOf(records, pageSize(ctx), ctx.query.get('page_token'));
  if (!page.ok) return v2Error(400, page.message);
  return jsonResponse(200, {
    email_addresses: page.items.map(renderStatus),
    next_page_token: page.nextPageToken,
  });
}

export function getEmailAddressStatus(ctx: RestContext): WireResponse {
  const record = ctx.tenant.emails.get(ctx.params.email);
  if (!record) return v2Error(404, `Email address ${ctx.params.email} not found`);
  return jsonResponse(200, renderStatus(record));
}

/**
 * The spec documents this PATCH for opting in only; what `opted_in: false` does is unconfirmed,
 * so it follows the REST opt-out mode (optOutModes.ts): works, refused (400) or noop.
 */
export function updateEmailAddressStatus(ctx: RestContext): WireResponse {
  let body: { opted_in?: unknown; reason?: unknown };
  try {
    body = JSON.parse(ctx.body) as typeof body;
  } catch {
    return v2Error(400, 'Request body is not valid JSON');
  }
  if (
    typeof body?.opted_in !== 'boolean' ||
    typeof body.reason !== 'string' ||
    body.reason.trim() === ''
  ) {
    return v2Error(400, 'opted_in and reason are required');
  }
  const email = ctx.params.email;
  if (body.opted_in) ctx.tenant.emails.optIn(email, body.reason, ctx.now);
  else if (ctx.restOptOut === 'refused') {
    return v2Error(400, 'Opting out is not supported for this email address');
  } else if (ctx.restOptOut === 'works') ctx.tenant.emails.optOut(email, body.reason, ctx.now);
  else ctx.tenant.emails.ensure(email, ctx.now);
  return jsonResponse(200, renderStatus(ctx.tenant.emails.get(email) as EmailStatusRecord));
}

function renderStatus(r: EmailStatusRecord): Record<string, unknown> {
  return {
    email: r.email,
    opted_in: isOptedIn(r.status),
    status: r.status,
    create_time: new Date(r.createTime).toISOString(),
  };
}
