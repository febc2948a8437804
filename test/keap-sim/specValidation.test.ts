import { bearer, call, connect, json, newSim, patchEmails, TENANT, V2 } from './testKit';

describe('REST v2 requests are checked against the OpenAPI spec', () => {
  function setUp(validateRequests?: boolean) {
    const { sim } = newSim(validateRequests === undefined ? {} : { validateRequests });
    const id = sim.addContact(TENANT, { email1: 'a@x.com' });
    return { sim, id, token: connect(sim).access_token };
  }

  it('answers 400 and records a violation for a misspelt update_mask, changing nothing', () => {
    const { sim, id, token } = setUp();
    const r = call(
      sim,
      'PATCH',
      `${V2}/contacts/${id}?update_mask=email_adresses`,
      { ...bearer(token), 'content-type': 'application/json' },
      JSON.stringify({ email_addresses: [{ email: 'b@x.com', field: 'EMAIL1' }] }),
    );
    expect(r.status).toBe(400);
    expect(json(r)).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(sim.specViolations).toHaveLength(1);
    expect(sim.specViolations[0]).toMatch(/update_mask.*email_adresses/);
    expect(sim.contact(TENANT, id)?.emails[0].email).toBe('a@x.com');
    expect(sim.log[sim.log.length - 1].validationErrors.length).toBeGreaterThan(0);
  });

  it.each([
    ['a page_size above 1000', `contacts?page_size=5000`],
    ['a query parameter the spec does not have', `contacts?limit=10`],
    ['a path the spec does not have', `contacts/1/emails`],
  ])('flags %s', (_what, path) => {
    const { sim, token } = setUp();
    const r = call(sim, 'GET', `${V2}/${path}`, bearer(token));
    expect(r.status).toBeGreaterThanOrEqual(400);
    expect(sim.specViolations).toHaveLength(1);
  });

  it("flags a JSON body sent as a form (UrlFetchApp's default content type) with 415", () => {
    const { sim, id, token } = setUp();
    const r = call(
      sim,
      'PATCH',
      `${V2}/contacts/${id}?update_mask=email_addresses`,
      { ...bearer(token), 'content-type': 'application/x-www-form-urlencoded' },
      '{"email_addresses":[]}',
    );
    expect(r.status).toBe(415);
    expect(sim.specViolations).toHaveLength(1);
    expect(sim.contact(TENANT, id)?.emails).toHaveLength(1);
  });

  it('flags an email slot name outside the enum', () => {
    const { sim, id, token } = setUp();
    expect(patchEmails(sim, token, id, [{ email: 'b@x.com', field: 'EMAIL4' }]).status).toBe(400);
    expect(sim.specViolations).toHaveLength(1);
  });

  it('records violations even from requests that fail authentication', () => {
    const { sim } = setUp();
    const r = call(sim, 'GET', `${V2}/contacts?page_size=-1`, bearer('nope'));
    expect(r.status).toBe(401);
    expect(sim.specViolations).toHaveLength(1);
  });

  it('accepts the requests the add-on is meant to send', () => {
    const { sim, id, token } = setUp();
    call(
      sim,
      'GET',
      `${V2}/contacts?filter=ids%3D%3D${id}&fields=email_addresses&page_size=1000`,
      bearer(token),
    );
    call(sim, 'GET', `${V2}/contacts/${id}?fields=email_addresses`, bearer(token));
    patchEmails(sim, token, id, [{ email: 'b@x.com', field: 'EMAIL1' }]);
    call(
      sim,
      'GET',
      `${V2}/emailAddresses?filter=emails%3D%3Db%40x.com&page_size=1000`,
      bearer(token),
    );
    call(sim, 'GET', `${V2}/emailAddresses/b%40x.com/status`, bearer(token));
    expect(sim.specViolations).toEqual([]);
  });

  it('does not check when validateRequests is false', () => {
    const { sim, token } = setUp(false);
    const r = call(sim, 'GET', `${V2}/contacts?limit=10`, bearer(token));
    expect(r.status).toBe(200);
    expect(sim.specViolations).toEqual([]);
  });
});
