import type { HttpRequest, HttpResponse } from '../../../src/keap/httpPort';
import { QUOTA_RESERVE } from '../../../src/keap/dailyQuota';
import { KeapDailyLimitError, KeapUnavailableError, type KeapWrite } from '../../../src/keap/model';
import { keapFailureWords } from '../../../src/sync/statusText';
import { json, scriptedGateway } from './fakes';

/** The words a read's failure is shown in (the client throws it typed: src/keap/failure.ts). */
function wordsOf(read: () => unknown): string {
  try {
    read();
  } catch (error) {
    if (error instanceof KeapUnavailableError)
      return keapFailureWords(error.failure, error.reading);
    throw error;
  }
  throw new Error('the read did not fail');
}

const xmlTrue =
  '<methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>';

/** A tiny Keap: contacts 1..N with one email each, email statuses, optional paging. */
function miniKeap(
  options: { pageSize?: number; patch?: (id: number, body: unknown) => HttpResponse } = {},
) {
  const statuses = new Map([
    ['ann@x.com', 'MANUAL'],
    ['bo@y.com', 'SINGLE_OPT_IN'],
  ]);
  return (request: HttpRequest): HttpResponse => {
    const url = new URL(request.url);
    const filter = url.searchParams.get('filter') ?? '';
    if (request.method === 'get' && url.pathname.endsWith('/contacts')) {
      const ids = filter
        .slice('ids=='.length)
        .split(',')
        .map(Number)
        .filter((id) => id <= 5000);
      const size = options.pageSize ?? 1000;
      const offset = Number(url.searchParams.get('page_token') ?? '0');
      const page = ids.slice(offset, offset + size);
      return json(200, {
        contacts: page.map((id) => ({
          id: String(id),
          email_addresses: [{ email: `c${id}@x.com`, field: 'EMAIL1' }],
        })),
        next_page_token: offset + size < ids.length ? String(offset + size) : '',
      });
    }
    if (request.method === 'get' && url.pathname.endsWith('/emailAddresses')) {
      const emails = filter.slice('emails=='.length).split(',');
      return json(200, {
        email_addresses: emails
          .filter((email) => statuses.has(email.toLowerCase()))
          .map((email) => ({ email, status: statuses.get(email.toLowerCase()), opted_in: false })),
      });
    }
    const optOutPath = /\/emailAddresses\/([^/]+)\/status$/.exec(url.pathname);
    if (request.method === 'patch' && optOutPath) {
      const email = decodeURIComponent(optOutPath[1]).toLowerCase();
      statuses.set(email, 'MANUAL');
      return json(200, { email, opted_in: false, status: 'MANUAL' });
    }
    if (request.method === 'patch') {
      const id = Number(url.pathname.split('/').pop());
      return options.patch
        ? options.patch(id, JSON.parse(request.body ?? '{}'))
        : json(200, { id: String(id) });
    }
    if (request.method === 'post' && url.pathname.endsWith('/xmlrpc/v1')) {
      return { status: 200, headers: { 'content-type': 'text/xml' }, body: xmlTrue };
    }
    return json(404, { message: 'no such route' });
  };
}

describe('KeapGateway reads', () => {
  it('reads thousands of contacts in a few URL-sized requests; unknown ids are absent', () => {
    const { http, gateway } = scriptedGateway(miniKeap(), { tokenRefreshes: 1 });
    const ids = Array.from({ length: 1200 }, (_, i) => 4500 + i); // 4500..5699; > 5000 unknown
    const found = gateway.readContacts(ids);
    expect(found.size).toBe(501);
    expect(found.get(4500)).toEqual({
      id: 4500,
      emails: [{ field: 'EMAIL1', email: 'c4500@x.com' }],
    });
    expect(found.has(5001)).toBe(false);
    expect(http.sent.length).toBeGreaterThan(1);
    expect(http.sent.length).toBeLessThan(15);
    expect(gateway.counts()).toEqual({ reads: http.sent.length, writes: 0, token: 1 });
  });

  it('follows next_page_token until the last page', () => {
    const { http, gateway } = scriptedGateway(miniKeap({ pageSize: 2 }));
    const found = gateway.readContacts([1, 2, 3, 4, 5]);
    expect([...found.keys()].sort()).toEqual([1, 2, 3, 4, 5]);
    expect(http.sent.map((s) => new URL(s.request.url).searchParams.get('page_token'))).toEqual([
      null,
      '2',
      '4',
    ]);
  });

  it('reads a contact answered twice (pages that overlap) only when both lists agree', () => {
    const pages = (second: unknown[]) => {
      let call = 0;
      return () => {
        call += 1;
        return call === 1
          ? json(200, {
              contacts: [
                {
                  id: '1',
                  email_addresses: [
                    { email: 'a@x.com', field: 'EMAIL1' },
                    { email: 'b@x.com', field: 'EMAIL2' },
                  ],
                },
              ],
              next_page_token: 'p2',
            })
          : json(200, { contacts: [{ id: 1, email_addresses: second }] });
      };
    };
    const alike = scriptedGateway(
      pages([
        { email: 'b@x.com', field: 'EMAIL2' },
        { email: 'a@x.com', field: 'EMAIL1' },
      ]),
    ).gateway;
    expect(alike.readContacts([1]).get(1)?.emails).toHaveLength(2);
    const unlike = scriptedGateway(pages([{ email: 'a@x.com', field: 'EMAIL1' }])).gateway;
    expect(() => unlike.readContacts([1])).toThrow(KeapUnavailableError);
    const unlikeAgain = scriptedGateway(pages([{ email: 'a@x.com', field: 'EMAIL1' }])).gateway;
    expect(wordsOf(() => unlikeAgain.readContacts([1]))).toMatch(/could not read/);
  });

  it('sends nothing for no ids or emails', () => {
    const { http, gateway } = scriptedGateway(miniKeap());
    expect(gateway.readContacts([]).size).toBe(0);
    expect(gateway.readOptStates(['  ']).size).toBe(0);
    expect(http.sent).toHaveLength(0);
  });

  it('reads opt states keyed by lower-cased email, once per distinct email', () => {
    const { http, gateway } = scriptedGateway(miniKeap());
    const states = gateway.readOptStates(['Ann@X.com', 'ann@x.com', 'bo@y.com', 'new@z.com']);
    expect(states.get('ann@x.com')).toEqual({
      email: 'ann@x.com',
      status: 'MANUAL',
      optedOut: true,
    });
    expect(states.get('bo@y.com')?.optedOut).toBe(false);
    expect(states.has('new@z.com')).toBe(false);
    expect(http.sent).toHaveLength(1);
  });

  it('finds an address answered twice with two statuses unreadable, and alike twice readable', () => {
    const answer = (statuses: string[]) => (): ReturnType<typeof json> =>
      json(200, {
        email_addresses: statuses.map((status) => ({ email: 'a@x.com', status })),
      });
    const alike = scriptedGateway(answer(['SINGLE_OPT_IN', 'SINGLE_OPT_IN'])).gateway;
    expect(alike.readOptStates(['a@x.com']).get('a@x.com')?.optedOut).toBe(false);
    const unlike = scriptedGateway(answer(['SINGLE_OPT_IN', 'MANUAL'])).gateway;
    expect(() => unlike.readOptStates(['a@x.com'])).toThrow(KeapUnavailableError);
    const unlikeAgain = scriptedGateway(answer(['MANUAL', 'SINGLE_OPT_IN'])).gateway;
    expect(wordsOf(() => unlikeAgain.readOptStates(['a@x.com']))).toMatch(/could not read/);
  });

  it('stops with KeapUnavailableError in plain words when Keap cannot answer a read', () => {
    const { gateway } = scriptedGateway(() => json(503, {}));
    expect(() => gateway.readContacts([1])).toThrow(KeapUnavailableError);
    expect(wordsOf(() => gateway.readContacts([1]))).toMatch(/server error \(HTTP 503\)/);
    const refused = scriptedGateway(() => json(400, { message: 'Invalid filter' })).gateway;
    expect(wordsOf(() => refused.readOptStates(['a@x.com']))).toContain(
      'Keap refused to list email statuses: Invalid filter',
    );
    const garbled = scriptedGateway(() => ({ status: 200, headers: {}, body: '<html>' })).gateway;
    expect(wordsOf(() => garbled.readContacts([1]))).toMatch(/could not read/);
  });
});

describe('KeapGateway writes', () => {
  const writes: KeapWrite[] = [
    { kind: 'setEmails', contactId: 1, emails: [{ field: 'EMAIL1', email: 'new@x.com' }] },
    { kind: 'optOut', email: 'bo@y.com', reason: 'asked' },
  ];

  it('sends email changes and REST opt-outs together, reads the opt-outs back, one result per write', () => {
    const { http, gateway } = scriptedGateway(miniKeap());
    expect(gateway.write(writes)).toEqual([{ ok: true }, { ok: true }]);
    expect(http.sent.map((s) => `${s.request.method} ${new URL(s.request.url).pathname}`)).toEqual([
      'patch /crm/rest/v2/contacts/1',
      'patch /crm/rest/v2/emailAddresses/bo%40y.com/status',
      'get /crm/rest/v2/emailAddresses',
    ]);
    expect(gateway.counts()).toEqual(expect.objectContaining({ writes: 2, reads: 1 }));
  });

  it('words each failure for the row: Keap’s refusal, a missing contact, throttling', () => {
    const handler = miniKeap({
      patch: (id) =>
        id === 1
          ? json(400, {
              code: 400,
              message: 'Email address is invalid',
              status: 'INVALID_ARGUMENT',
            })
          : id === 2
            ? json(404, { message: 'Contact not found' })
            : json(429, { code: '429', message: 'Quota Exceeded' }),
    });
    const { gateway } = scriptedGateway(handler);
    const results = gateway.write(
      [1, 2, 3].map((contactId) => ({ kind: 'setEmails', contactId, emails: [] })),
    );
    // Typed: the sync words them (test/unit/sync/failureWords.test.ts).
    expect(results).toEqual([
      {
        ok: false,
        failure: { kind: 'refused', status: 400, keapMessage: 'Email address is invalid' },
      },
      { ok: false, failure: { kind: 'not-found', keapMessage: 'Contact not found' } },
      { ok: false, failure: { kind: 'throttled' } },
    ]);
  });

  it('returns writes not started before the deadline as unattempted', () => {
    const { http, gateway } = scriptedGateway(miniKeap(), { deadlineInMs: 1500 });
    const many: KeapWrite[] = Array.from({ length: 60 }, (_, i) => ({
      kind: 'setEmails',
      contactId: i + 1,
      emails: [{ field: 'EMAIL1', email: `n${i}@x.com` }],
    }));
    const results = gateway.write(many);
    const done = results.filter((r) => r.ok).length;
    expect(done).toBe(http.sent.length);
    expect(done).toBeLessThan(60);
    for (const result of results.slice(done)) {
      expect(result).toEqual({ ok: false, failure: { kind: 'not-sent' } });
    }
  });
});

describe('the gateway and Keap daily quota', () => {
  /** miniKeap whose answers report `left()` requests left today (one fewer per request). */
  function countingKeap(startLeft: number) {
    const keap = miniKeap();
    let left = startLeft;
    const handler = (request: HttpRequest): HttpResponse => {
      if (left <= 0) return json(429, { code: '429', message: 'Quota Exceeded' }, quotaLeft(0));
      left -= 1;
      const answer = keap(request);
      return { ...answer, headers: { ...answer.headers, ...quotaLeft(left) } };
    };
    return { handler, spend: () => (left = 0) };
  }
  const quotaLeft = (n: number) => ({
    'x-keap-product-quota-available': String(n),
    'x-keap-product-quota-expiry-time': String(Date.UTC(2026, 0, 6)),
  });
  const optOuts = (n: number): KeapWrite[] =>
    Array.from({ length: n }, (_, i) => ({ kind: 'optOut', email: `c${i}@x.com`, reason: 'r' }));

  it('finishes the opt-outs it sent (their read-back uses the reserve), sends no more, says until when', () => {
    const keap = countingKeap(QUOTA_RESERVE + 30);
    const { gateway, http } = scriptedGateway(keap.handler);
    gateway.readContacts([1]);
    const results = gateway.write(optOuts(40));
    // 129 left after the read: 24 opt-outs leave 105; 24 more would dip into the reserve.
    expect(results.slice(0, 24).every((r) => r.ok)).toBe(true);
    expect(results.slice(24).map((r) => !r.ok && r.failure.kind !== 'not-sent')).toEqual(
      Array(16).fill(false),
    );
    expect(gateway.dailyLimitResetsAt?.()).toBe(Date.UTC(2026, 0, 6));
    expect(http.sent.filter((s) => s.request.method === 'patch')).toHaveLength(24);
  });

  it('refuses new reads once stopped, as a daily-limit error', () => {
    const keap = countingKeap(QUOTA_RESERVE + 30);
    const { gateway } = scriptedGateway(keap.handler);
    gateway.readContacts([1]);
    gateway.write(optOuts(40));
    expect(() => gateway.readContacts([2])).toThrow(KeapDailyLimitError);
  });

  it('stops on a 429 for a quota someone else spent, without retrying', () => {
    const keap = countingKeap(50_000);
    const { gateway, http } = scriptedGateway(keap.handler);
    gateway.readContacts([1]);
    keap.spend();
    const before = http.sent.length;
    expect(() => gateway.readContacts([2, 3])).toThrow(KeapDailyLimitError);
    expect(http.sent.length - before).toBe(1);
    expect(gateway.dailyLimitResetsAt?.()).toBe(Date.UTC(2026, 0, 6));
  });
});
