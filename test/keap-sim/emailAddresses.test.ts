import { bearer, call, connect, json, newSim, TENANT, V2 } from './testKit';

interface StatusBody {
  email: string;
  opted_in: boolean;
  status: string;
  create_time: string;
}

function seeded() {
  const { sim } = newSim();
  sim.addContact(TENANT, { email1: 'a@x.com' });
  sim.addContact(TENANT, { email1: 'b@y.com' });
  sim.addContact(TENANT, { email1: 'c@z.com' });
  sim.setEmailStatus(TENANT, 'b@y.com', 'HARD_BOUNCE');
  return { sim, token: connect(sim).access_token };
}

describe('GET /v2/emailAddresses', () => {
  it('returns the statuses of the addresses named by emails==, unknown ones absent', () => {
    const { sim, token } = seeded();
    const filter = encodeURIComponent('emails==a@x.com,B@y.com,nobody@x.com');
    const r = call(
      sim,
      'GET',
      `${V2}/emailAddresses?filter=${filter}&page_size=1000`,
      bearer(token),
    );
    expect(r.status).toBe(200);
    const body = json<{ email_addresses: StatusBody[]; next_page_token: string }>(r);
    expect(body.email_addresses.map((e) => [e.email, e.status, e.opted_in])).toEqual([
      ['a@x.com', 'SINGLE_OPT_IN', true],
      ['b@y.com', 'HARD_BOUNCE', false],
    ]);
    expect(Number.isNaN(Date.parse(body.email_addresses[0].create_time))).toBe(false);
    expect(sim.specViolations).toEqual([]);
  });
});

describe('/v2/emailAddresses/{email}/status', () => {
  it('returns one status, 404 when Keap has no record of the address', () => {
    const { sim, token } = seeded();
    const r = call(
      sim,
      'GET',
      `${V2}/emailAddresses/${encodeURIComponent('c@z.com')}/status`,
      bearer(token),
    );
    expect(json<StatusBody>(r)).toMatchObject({
      email: 'c@z.com',
      opted_in: true,
      status: 'SINGLE_OPT_IN',
    });
    expect(call(sim, 'GET', `${V2}/emailAddresses/none%40x.com/status`, bearer(token)).status).toBe(
      404,
    );
  });

  function patcher(sim: ReturnType<typeof seeded>['sim'], token: string) {
    return (email: string, optedIn: boolean) =>
      call(
        sim,
        'PATCH',
        `${V2}/emailAddresses/${encodeURIComponent(email)}/status`,
        { ...bearer(token), 'content-type': 'application/json' },
        JSON.stringify({ opted_in: optedIn, reason: 'Asked on the phone' }),
      );
  }

  it('opts in from Non-Marketable but not from a hard bounce', () => {
    const { sim, token } = seeded();
    sim.setEmailStatus(TENANT, 'a@x.com', 'NON_MARKETABLE');
    const patch = patcher(sim, token);
    expect(json<StatusBody>(patch('a@x.com', true)).status).toBe('SINGLE_OPT_IN');
    expect(json<StatusBody>(patch('b@y.com', true)).status).toBe('HARD_BOUNCE');
    expect(sim.specViolations).toEqual([]);
  });

  it('opted_in false follows the REST opt-out mode: works, refused (400), noop', () => {
    const { sim, token } = seeded();
    const patch = patcher(sim, token);
    // works (the default): non-marketable MANUAL, the reason kept; a hard bounce stays.
    expect(json<StatusBody>(patch('c@z.com', false))).toMatchObject({
      opted_in: false,
      status: 'MANUAL',
    });
    expect(sim.emailStatus(TENANT, 'c@z.com')?.optOutReason).toBe('Asked on the phone');
    expect(json<StatusBody>(patch('b@y.com', false)).status).toBe('HARD_BOUNCE');
    sim.setOptOutModes({ restOptOut: 'refused' });
    const refused = patch('a@x.com', false);
    expect(refused.status).toBe(400);
    expect(json<{ code: number; status: string }>(refused)).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
    });
    expect(sim.emailStatus(TENANT, 'a@x.com')?.status).toBe('SINGLE_OPT_IN');
    sim.setOptOutModes({ restOptOut: 'noop' });
    expect(json<StatusBody>(patch('a@x.com', false))).toMatchObject({
      opted_in: true,
      status: 'SINGLE_OPT_IN',
    });
    expect(sim.specViolations).toEqual([]);
  });
});
