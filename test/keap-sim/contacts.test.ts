import { bearer, call, connect, json, newSim, patchEmails, TENANT, V2 } from './testKit';

interface ContactBody {
  id: string;
  given_name?: string;
  email_addresses?: {
    email: string;
    field: string;
    email_opt_status?: string;
    is_opt_in?: boolean;
  }[];
}

function seeded() {
  const { sim, clock } = newSim();
  const ids = [
    sim.addContact(TENANT, { givenName: 'Ann', email1: 'ann@x.com', email2: 'ann.work@x.com' }),
    sim.addContact(TENANT, { givenName: 'Bob', email1: 'bob@x.com' }),
    sim.addContact(TENANT, { id: 40, givenName: 'Cy', email1: 'cy@x.com', email3: 'cy3@x.com' }),
  ];
  const token = connect(sim).access_token;
  return { sim, clock, ids, token };
}

describe('GET /v2/contacts', () => {
  it('returns the contacts named by ids==, with string ids as the spec types them', () => {
    const { sim, ids, token } = seeded();
    const r = call(
      sim,
      'GET',
      `${V2}/contacts?filter=ids%3D%3D${ids[0]},${ids[2]},999&fields=email_addresses&page_size=1000`,
      bearer(token),
    );
    expect(r.status).toBe(200);
    const body = json<{ contacts: ContactBody[]; next_page_token: string }>(r);
    expect(body.contacts.map((c) => c.id)).toEqual([String(ids[0]), '40']);
    expect(body.contacts[0].email_addresses?.map((e) => [e.field, e.email])).toEqual([
      ['EMAIL1', 'ann@x.com'],
      ['EMAIL2', 'ann.work@x.com'],
    ]);
    expect(body.contacts[0].given_name).toBeUndefined();
    expect(body.next_page_token).toBe('');
    expect(sim.specViolations).toEqual([]);
  });

  it('pages with page_size and next_page_token until every contact was seen', () => {
    const { sim, token } = seeded();
    for (let i = 0; i < 4; i++) sim.addContact(TENANT, { email1: `p${i}@x.com` });
    const seen: string[] = [];
    let pageToken = '';
    let pages = 0;
    do {
      const q = new URLSearchParams({
        page_size: '3',
        ...(pageToken ? { page_token: pageToken } : {}),
      });
      const body = json<{ contacts: ContactBody[]; next_page_token: string }>(
        call(sim, 'GET', `${V2}/contacts?${q}`, bearer(token)),
      );
      seen.push(...body.contacts.map((c) => c.id));
      pageToken = body.next_page_token;
      pages++;
    } while (pageToken);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(7);
  });

  it('rejects an unknown filter field with a v2 error body', () => {
    const { sim, token } = seeded();
    const r = call(sim, 'GET', `${V2}/contacts?filter=shoe_size%3D%3D9`, bearer(token));
    expect(r.status).toBe(400);
    expect(json(r)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT', details: [] });
  });
});

describe('GET /v2/contacts/{id}', () => {
  it('returns one contact, and 404 with a v2 error for an unknown id', () => {
    const { sim, ids, token } = seeded();
    const one = json<ContactBody>(
      call(sim, 'GET', `${V2}/contacts/${ids[1]}?fields=email_addresses,given_name`, bearer(token)),
    );
    expect(one).toMatchObject({ id: String(ids[1]), given_name: 'Bob' });
    expect(one.email_addresses?.[0]).toMatchObject({
      email: 'bob@x.com',
      field: 'EMAIL1',
      email_opt_status: 'SINGLE_OPT_IN',
    });
    const missing = call(sim, 'GET', `${V2}/contacts/777`, bearer(token));
    expect(missing.status).toBe(404);
    expect(json(missing)).toMatchObject({ code: 404, status: 'NOT_FOUND' });
  });

  it('is served on api.keap.com too, and only the accounts hosts serve the authorize page', () => {
    const { sim, ids, token } = seeded();
    const r = call(
      sim,
      'GET',
      `https://api.keap.com/crm/rest/v2/contacts/${ids[0]}`,
      bearer(token),
    );
    expect(json<ContactBody>(r).id).toBe(String(ids[0]));
    expect(call(sim, 'GET', 'https://api.infusionsoft.com/app/oauth/authorize').status).toBe(404);
    expect(sim.specViolations).toEqual([]);
  });

  it('keeps each account separate', () => {
    const { sim, ids } = seeded();
    sim.addTenant('other1');
    const otherToken = connect(sim, 'other1').access_token;
    expect(call(sim, 'GET', `${V2}/contacts/${ids[0]}`, bearer(otherToken)).status).toBe(404);
  });
});

describe('PATCH /v2/contacts/{id}?update_mask=email_addresses', () => {
  it('replaces the whole list: slots left out are deleted', () => {
    const { sim, ids, token } = seeded();
    const r = patchEmails(sim, token, ids[0], [{ email: 'ann.new@x.com', field: 'EMAIL1' }]);
    expect(r.status).toBe(200);
    expect(sim.contact(TENANT, ids[0])?.emails).toEqual([
      { field: 'EMAIL1', email: 'ann.new@x.com' },
    ]);
    expect(json<ContactBody>(r).email_addresses).toHaveLength(1);
  });

  it('keeps slots that are sent back unchanged', () => {
    const { sim, token } = seeded();
    patchEmails(sim, token, 40, [
      { email: 'cy.new@x.com', field: 'EMAIL1' },
      { email: 'cy3@x.com', field: 'EMAIL3' },
    ]);
    expect(sim.contact(TENANT, 40)?.emails).toEqual([
      { field: 'EMAIL1', email: 'cy.new@x.com' },
      { field: 'EMAIL3', email: 'cy3@x.com' },
    ]);
  });

  it('refuses an EMAIL1 longer than 75 characters and changes nothing', () => {
    const { sim, ids, token } = seeded();
    const long = `${'a'.repeat(70)}@x.com`; // 76 characters
    const r = patchEmails(sim, token, ids[1], [{ email: long, field: 'EMAIL1' }]);
    expect(r.status).toBe(400);
    expect(json(r)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(json<{ message: string }>(r).message).toContain('75');
    expect(sim.contact(TENANT, ids[1])?.emails).toEqual([{ field: 'EMAIL1', email: 'bob@x.com' }]);
    const ok = patchEmails(sim, token, ids[1], [{ email: long.slice(1), field: 'EMAIL1' }]);
    expect(ok.status).toBe(200);
  });

  it('gives a new address a status record that is not marketable', () => {
    const { sim, ids, token } = seeded();
    patchEmails(sim, token, ids[1], [{ email: 'fresh@x.com', field: 'EMAIL1' }]);
    expect(sim.emailStatus(TENANT, 'fresh@x.com')).toEqual({
      status: 'NON_MARKETABLE',
      optedIn: false,
    });
  });

  it('answers 404 for a contact that does not exist', () => {
    const { sim, token } = seeded();
    expect(patchEmails(sim, token, 555, [{ email: 'a@x.com', field: 'EMAIL1' }]).status).toBe(404);
  });
});

describe('GET /v2/contacts?filter=email==', () => {
  const search = (sim: ReturnType<typeof seeded>['sim'], token: string, filterValue: string) => {
    const r = call(
      sim,
      'GET',
      `${V2}/contacts?filter=email%3D%3D${filterValue}&fields=email_addresses&page_size=1000`,
      bearer(token),
    );
    expect(r.status).toBe(200);
    return json<{ contacts: ContactBody[] }>(r).contacts.map((c) => c.id);
  };

  it('finds every contact with the address in any slot, ignoring case; none is an empty list', () => {
    const { sim, token } = seeded();
    sim.addContact(TENANT, { id: 77, email1: 'other@x.com', email2: 'Cy3@X.com' });
    expect(search(sim, token, 'CY3%40x.com')).toEqual(['40', '77']);
    expect(search(sim, token, 'ann.work%40x.com')).toHaveLength(1);
    expect(search(sim, token, 'nobody%40x.com')).toEqual([]);
  });

  it('reads a trailing * as a wildcard (prefix), as the spec says', () => {
    const { sim, token } = seeded();
    expect(search(sim, token, 'ann%2A')).toHaveLength(1);
    expect(search(sim, token, 'b%2A').length + search(sim, token, 'c%2A').length).toBe(2);
  });
});
