/**
 * Every REST v2 request the client builds is checked against Keap's official OpenAPI spec,
 * the same contract the simulator enforces.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { KEAP_REST_V2_BASE } from '../../../src/keap/config';
import {
  connectionProbeRequest,
  contactPatchRequest,
  contactReadRequests,
  parseContactPage,
} from '../../../src/keap/contactsApi';
import { emailStatusRequests, parseEmailStatusPage } from '../../../src/keap/emailStatusApi';
import type { KeapRequest } from '../../../src/keap/requestRunner';
import { UnreadableAnswerError, withPageToken } from '../../../src/keap/restPaging';
import type { SpecInput, SpecResult } from './specCheckProcess';

const SPEC = join(__dirname, '../../../../shared/keap/keap-rest-v2.openapi.yml');
const TSX = join(__dirname, '../../../node_modules/.bin/tsx');

/** The spec's paths start at /rest/v2 under the server's /crm. */
function toSpecInput(request: KeapRequest): SpecInput {
  expect(request.url.startsWith(`${KEAP_REST_V2_BASE}/`)).toBe(true);
  const url = new URL(request.url);
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of url.searchParams) {
    const earlier = query[name];
    query[name] = earlier === undefined ? value : ([] as string[]).concat(earlier, value);
  }
  return {
    method: request.method,
    path: url.pathname.replace(/^\/crm/, ''),
    query,
    headers: { ...(request.headers ?? {}), 'content-type': request.contentType ?? '' },
    body: request.body ? JSON.parse(request.body) : undefined,
  };
}

/** Validates every request in one child process (loading the spec takes a couple of seconds). */
function checkAll(requests: KeapRequest[]): SpecResult[] {
  const run = spawnSync(TSX, [join(__dirname, 'specCheckProcess.ts'), SPEC], {
    input: JSON.stringify(requests.map(toSpecInput)),
    encoding: 'utf8',
    timeout: 60000,
  });
  if (run.status !== 0) throw new Error(`spec check failed: ${run.stderr}`);
  return JSON.parse(run.stdout) as SpecResult[];
}

const ok = (operationId: string): SpecResult => ({ operationId, errors: [] });

describe('REST v2 requests conform to the spec', () => {
  const contactList = contactReadRequests([11, 22, 33])[0];
  const nextPage = withPageToken(contactReadRequests([1])[0], 'abc/+=');
  const statusList = emailStatusRequests(['a@x.com', 'b+tag@y.org'])[0];
  const patch = contactPatchRequest(42, {
    emails: [
      { field: 'EMAIL1', email: 'new@x.com' },
      { field: 'EMAIL2', email: 'kept@y.com' },
    ],
  });
  const probe = connectionProbeRequest();
  const forbidden = {
    ...contactList,
    url: contactList.url.replace('page_size=1000', 'page_size=5000'),
  };
  let results: SpecResult[] = [];

  beforeAll(() => {
    results = checkAll([contactList, nextPage, statusList, patch, probe, forbidden]);
  });

  it('lists contacts by id with only their email addresses, 1,000 per page', () => {
    expect(results[0]).toEqual(ok('listContacts'));
    expect(contactList.method).toBe('get');
    const params = new URL(contactList.url).searchParams;
    expect(params.get('filter')).toBe('ids==11,22,33');
    expect(params.get('fields')).toBe('email_addresses');
    expect(params.get('page_size')).toBe('1000');
    // "==" travels encoded, as Keap documents.
    expect(contactList.url).toContain('filter=ids%3D%3D11,22,33');
  });

  it('asks for the next page with page_token, replacing an earlier one', () => {
    expect(results[1]).toEqual(ok('listContacts'));
    expect(new URL(nextPage.url).searchParams.get('page_token')).toBe('abc/+=');
    const again = withPageToken(nextPage, 'second');
    expect(new URL(again.url).searchParams.getAll('page_token')).toEqual(['second']);
  });

  it('lists email statuses for a set of emails', () => {
    expect(results[2]).toEqual(ok('listEmailAddressStatuses'));
    expect(new URL(statusList.url).searchParams.get('filter')).toBe('emails==a@x.com,b+tag@y.org');
    expect(statusList.url).toContain('filter=emails%3D%3Da%40x.com%2Cb%2Btag%40y.org');
  });

  it('replaces a contact email list with a PATCH limited to email_addresses', () => {
    expect(results[3]).toEqual(ok('updateContact'));
    expect(patch.method).toBe('patch');
    expect(patch.url).toBe(`${KEAP_REST_V2_BASE}/contacts/42?update_mask=email_addresses`);
    expect(JSON.parse(patch.body ?? '')).toEqual({
      email_addresses: [
        { email: 'new@x.com', field: 'EMAIL1' },
        { email: 'kept@y.com', field: 'EMAIL2' },
      ],
    });
  });

  it('checks a key with the cheapest contact list', () => {
    expect(results[4]).toEqual(ok('listContacts'));
  });

  it('would notice a request the spec forbids (the check itself works)', () => {
    expect(results[5].operationId).toBe('listContacts');
    expect(results[5].errors.join(' ')).toMatch(/page_size/);
  });
});

describe('reading list answers', () => {
  it('reads contacts with string or number ids, their EMAIL1-3 slots in full', () => {
    const page = parseContactPage(
      JSON.stringify({
        contacts: [
          {
            id: '7',
            email_addresses: [
              { email: 'a@x.com', field: 'EMAIL1' },
              // The spec's placeholder with no address holds nothing a PATCH could lose.
              { email: '', field: 'EMAIL_FIELD_UNSPECIFIED' },
            ],
          },
          { id: 8, email_addresses: [] },
        ],
        next_page_token: 'p2',
      }),
    );
    expect(page.items).toEqual([
      { id: 7, emails: [{ field: 'EMAIL1', email: 'a@x.com' }] },
      { id: 8, emails: [] },
    ]);
    expect(page.nextPageToken).toBe('p2');
  });

  it.each([
    ['no email list', { id: 8 }],
    ['an id that is not a number', { id: 'not-a-number', email_addresses: [] }],
    [
      'a slot name in another case',
      { id: 8, email_addresses: [{ email: 'a@x.com', field: 'Email1' }] },
    ],
    ['an undocumented slot', { id: 8, email_addresses: [{ email: 'a@x.com', field: 'EMAIL9' }] }],
    [
      'an address under EMAIL_FIELD_UNSPECIFIED',
      {
        id: 8,
        email_addresses: [
          { email: 'a@x.com', field: 'EMAIL1' },
          { email: 'f@x.com', field: 'EMAIL_FIELD_UNSPECIFIED' },
        ],
      },
    ],
    [
      'one slot twice',
      {
        id: 8,
        email_addresses: [
          { email: 'a@x.com', field: 'EMAIL1' },
          { email: 'b@x.com', field: 'EMAIL2' },
          { email: 'c@x.com', field: 'EMAIL2' },
        ],
      },
    ],
    [
      'an empty address in a slot',
      {
        id: 8,
        email_addresses: [
          { email: 'a@x.com', field: 'EMAIL1' },
          { email: ' ', field: 'EMAIL2' },
        ],
      },
    ],
  ])('refuses a contact with %s: it could not be written back in full', (_, contact) => {
    expect(() => parseContactPage(JSON.stringify({ contacts: [contact] }))).toThrow(
      UnreadableAnswerError,
    );
  });

  it('treats an empty next_page_token as the last page', () => {
    expect(parseContactPage('{"contacts":[],"next_page_token":""}').nextPageToken).toBeNull();
  });

  it('reads email statuses keyed by trimmed, lower-cased email and marks opt-outs', () => {
    const page = parseEmailStatusPage(
      JSON.stringify({
        email_addresses: [
          {
            email: 'Ann@X.com',
            opted_in: false,
            status: 'MANUAL',
            create_time: '2024-01-01T00:00:00Z',
          },
          {
            email: ' Bo@y.com ',
            opted_in: true,
            status: 'SINGLE_OPT_IN',
            create_time: '2024-01-01T00:00:00Z',
          },
          {
            email: 'cy@z.com',
            opted_in: false,
            status: 'NON_MARKETABLE',
            create_time: '2024-01-01T00:00:00Z',
          },
        ],
      }),
    );
    expect(page.items).toEqual([
      { email: 'ann@x.com', status: 'MANUAL', optedOut: true },
      { email: 'bo@y.com', status: 'SINGLE_OPT_IN', optedOut: false },
      { email: 'cy@z.com', status: 'NON_MARKETABLE', optedOut: false },
    ]);
  });

  it('reads a blank email status as no status for the address', () => {
    const page = parseEmailStatusPage(
      JSON.stringify({
        email_addresses: [
          { email: 'a@x.com', status: '  ' },
          { email: 'b@x.com', status: '' },
          { email: 'c@x.com', status: 'Opted Out' },
        ],
      }),
    );
    expect(page.items).toEqual([{ email: 'c@x.com', status: 'Opted Out', optedOut: false }]);
  });

  it('refuses an answer that is not the JSON the spec describes', () => {
    expect(() => parseContactPage('<html>502</html>')).toThrow(/expected form/);
    expect(() => parseEmailStatusPage('{"email_addresses": 3}')).toThrow(/expected form/);
  });
});
