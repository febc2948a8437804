/**
 * Rows with an email and no Contact ID, through the built bundle against the simulator: the
 * address is searched in Keap (one request each), exactly one contact must have it, and the
 * row's job is the opt-out of that address. Exact Keap state and exact row text.
 */
import { inputCells, keapState, keapWrites, runCountingCalls, type Summary } from './support/sync';
import { withAnyDay } from './support/nextTry';
import { CLIENT_ID, TENANT, World } from './world';
import { connectedWorld } from './support/sync';

const HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
const SEARCH_PATH = '/crm/rest/v2/contacts';

function world(): World {
  const w = connectedWorld([
    HEADERS,
    ['', 'One@Example.com', 'yes', 'asked by phone'], // 2: one contact has it, opt out
    ['', 'two@example.com', '', ''], // 3: one contact has it, nothing asked
    ['', 'shared@example.com', 'yes', ''], // 4: three contacts share it
    ['', 'nobody@example.com', 'yes', ''], // 5: no contact has it
    ['', 'jo*@example.com', 'yes', ''], // 6: a wildcard: never searched
    ['', 'dup@example.com', 'yes', ''], // 7: the same address, asking two things
    ['', 'dup@example.com', '', ''], // 8
    [30, 'thirty@example.com', '', ''], // 9: a row with an id, as before
    ['', 'third@example.com', '', ''], // 10: EMAIL3 of contact 30
  ]);
  w.addContact(12, 'one@example.com', 'shared@example.com');
  w.addContact(20, 'TWO@example.com');
  w.addContact(40, 'shared@example.com');
  w.addContact(77, 'other@example.com', undefined, 'Shared@Example.com');
  w.addContact(30, 'thirty@example.com', undefined, 'third@example.com');
  w.addContact(50, 'joanne@example.com');
  w.addContact(51, 'dup@example.com');
  return w;
}

function statuses(w: World): unknown[] {
  return w.column('Sync Status').map(withAnyDay);
}

/** The URLs of the contact searches sent so far. */
function searches(w: World): string[] {
  return w.rt.requests
    .map((r) => r.request.url)
    .filter((url) => new URL(url).pathname === SEARCH_PATH && url.includes('filter=email'));
}

const FIRST_RUN = [
  'Updated: opted out (Keap contact 12, found by email)',
  'Up to date (Keap contact 20, found by email)',
  'Error: 3 Keap contacts share this email: 12, 40, 77; put the one meant in Contact ID. Trying again on <day>, or when the row is edited',
  'Error: No Keap contact has this email. Trying again on <day>, or when the row is edited',
  "Error: This email has '*', which Keap's contact search reads as part of a pattern, so it cannot be looked up safely; put the Contact ID in the row",
  'Error: The email dup@example.com is also on row 8 without a Contact ID and with different values',
  'Error: The email dup@example.com is also on row 7 without a Contact ID and with different values',
  'Up to date',
  'Up to date (Keap contact 30, found by email)',
];

describe('rows with an email and no Contact ID', () => {
  it('finds each address once, opts out only an address exactly one contact has, and changes no input cell', () => {
    const w = world();
    const before = inputCells(w);
    const { result } = runCountingCalls<Summary>(w, 'syncNow');
    expect(result.value?.outcome).toBe('completed');
    expect(statuses(w)).toEqual(FIRST_RUN);
    expect(inputCells(w)).toEqual(before);
    // One search per searchable address with no duplicate question: never the wildcard one.
    expect(
      searches(w)
        .map((url) => decodeURIComponent(new URL(url).searchParams.get('filter') ?? ''))
        .sort(),
    ).toEqual([
      'email==nobody@example.com',
      'email==one@example.com',
      'email==shared@example.com',
      'email==third@example.com',
      'email==two@example.com',
    ]);
    expect(w.sim.log.every((entry) => entry.validationErrors.length === 0)).toBe(true);
    // Exactly one write: the opt-out of the address one contact has.
    expect(keapWrites(w).map((entry) => `${entry.route} ${entry.path}`)).toEqual([
      'emailAddresses.updateStatus /crm/rest/v2/emailAddresses/one%40example.com/status',
    ]);
    expect(keapState(w, [12, 20, 40, 77, 30, 50, 51])).toEqual({
      12: [
        { field: 'EMAIL1', email: 'one@example.com', status: 'MANUAL', reason: 'asked by phone' },
        { field: 'EMAIL2', email: 'shared@example.com', status: 'SINGLE_OPT_IN' },
      ],
      20: [{ field: 'EMAIL1', email: 'TWO@example.com', status: 'SINGLE_OPT_IN' }],
      40: [{ field: 'EMAIL1', email: 'shared@example.com', status: 'SINGLE_OPT_IN' }],
      77: [
        { field: 'EMAIL1', email: 'other@example.com', status: 'SINGLE_OPT_IN' },
        { field: 'EMAIL3', email: 'Shared@Example.com', status: 'SINGLE_OPT_IN' },
      ],
      30: [
        { field: 'EMAIL1', email: 'thirty@example.com', status: 'SINGLE_OPT_IN' },
        { field: 'EMAIL3', email: 'third@example.com', status: 'SINGLE_OPT_IN' },
      ],
      50: [{ field: 'EMAIL1', email: 'joanne@example.com', status: 'SINGLE_OPT_IN' }],
      51: [{ field: 'EMAIL1', email: 'dup@example.com', status: 'SINGLE_OPT_IN' }],
    });
    expect(w.sim.contact(TENANT, 12)?.emails).toHaveLength(2);
  });

  it('remembers what it found: an unedited sheet asks Keap nothing, a row with an opt-out to send is searched again', () => {
    const w = world();
    w.call('syncNow');
    const searched = searches(w).length;
    const { result } = runCountingCalls<Summary>(w, 'syncNow');
    expect(result.value?.outcome).toBe('completed');
    expect(result.ledger.requestCount).toBe(0);
    expect(statuses(w)).toEqual(FIRST_RUN);

    // The box of row 3 ticked: an opt-out to send, so the address is searched again (one
    // request; Keap may have moved it since), then opted out.
    w.sheet().setCell(3, 3, true);
    const writesBefore = keapWrites(w).length;
    w.call('syncNow');
    expect(searches(w)).toHaveLength(searched + 1);
    expect(
      keapWrites(w)
        .slice(writesBefore)
        .map((entry) => entry.path),
    ).toEqual(['/crm/rest/v2/emailAddresses/two%40example.com/status']);
    expect(statuses(w)[1]).toBe('Updated: opted out (Keap contact 20, found by email)');
    expect(w.sim.emailStatus(TENANT, 'two@example.com')).toEqual({
      status: 'MANUAL',
      optedIn: false,
      optOutReason: 'Opted out via Keap Sheets Sync',
    });
  });

  it('a contact created in Keap later is found when the row is tried again', () => {
    const w = world();
    w.call('syncNow');
    w.addContact(90, 'nobody@example.com');
    w.sheet().setCell(5, 4, 'now in Keap');
    w.call('syncNow');
    expect(statuses(w)[3]).toBe('Updated: opted out (Keap contact 90, found by email)');
    expect(w.sim.emailStatus(TENANT, 'nobody@example.com')?.status).toBe('MANUAL');
  });

  it('the preview searches the same way and lists what a sync would do, sending nothing', () => {
    const w = world();
    const preview = w.call<{
      changes: { row: number; contactId: string; optOut: boolean }[];
      errors: { row: number; error: string }[];
    }>('previewSync');
    expect(preview.changes).toEqual([
      { row: 2, contactId: '12', emailFrom: null, emailTo: null, optOut: true, error: null },
    ]);
    expect(preview.errors.map((e) => [e.row, e.error])).toEqual([
      [4, '3 Keap contacts share this email: 12, 40, 77; put the one meant in Contact ID'],
      [5, 'No Keap contact has this email'],
      [
        6,
        "this email has '*', which Keap's contact search reads as part of a pattern, so it cannot be looked up safely; put the Contact ID in the row",
      ],
      [
        7,
        'the email dup@example.com is also on row 8 without a Contact ID and with different values',
      ],
      [
        8,
        'the email dup@example.com is also on row 7 without a Contact ID and with different values',
      ],
    ]);
    expect(keapWrites(w)).toEqual([]);
    expect(w.column('Contact ID')).toEqual(['', '', '', '', '', '', '', 30, '']);
  });

  it("Keap's daily limit reached: the rows without an id wait with the others, nothing is sent", () => {
    const w = world();
    const app = { clientId: CLIENT_ID };
    w.sim.spendDailyQuota(app, w.sim.dailyQuotaLeft(app) - 100);
    const summary = w.call<{ outcome: string }>('syncNow');
    expect(summary.outcome).toBe('daily-limit');
    const waiting = expect.stringMatching(
      /^Will retry: Keap's daily request limit was reached; continues after /,
    );
    expect(statuses(w)).toEqual([
      waiting,
      waiting,
      waiting,
      waiting,
      FIRST_RUN[4],
      FIRST_RUN[5],
      FIRST_RUN[6],
      'Up to date', // the row with an id: its read fitted before the reserve
      waiting,
    ]);
    expect(searches(w)).toEqual([]);
    expect(keapWrites(w)).toEqual([]);
  });
});

describe('a list with no Contact ID column (from Zapier, Make or a form)', () => {
  const LIST = ['Name', 'Email', 'Opt Out', 'Opt Out Reason'];

  function listWorld(keapEmailStatus: boolean): World {
    const w = connectedWorld(
      [
        LIST,
        ['Ann', 'a@example.com', 'yes', 'asked by phone'], // 2: opt out
        ['Bob', 'b@example.com', '', ''], // 3: nothing asked
        ['Cy', 'nobody@example.com', 'yes', ''], // 4: no contact has it
        ['Di', '', 'yes', ''], // 5: nothing says who
        ['Ed', 'e@@example.com', '', ''], // 6: not an address
      ],
      { keapEmailStatus },
    );
    w.addContact(12, 'a@example.com');
    w.addContact(13, 'b@example.com');
    w.sim.setEmailStatus(TENANT, 'b@example.com', 'BOUNCE');
    return w;
  }

  const LIST_RUN = [
    'Updated: opted out (Keap contact 12, found by email)',
    'Up to date (Keap contact 13, found by email)',
    'Error: No Keap contact has this email. Trying again on <day>, or when the row is edited',
    'Error: Email is missing',
    "Error: 'e@@example.com' is not a valid email address",
  ];

  it('opts out by email, shows Keap status, adds only its own columns and changes no input cell', () => {
    const w = listWorld(true);
    const before = inputCells(w);
    const summary = w.call<Summary>('syncNow');
    expect(summary.outcome).toBe('completed');
    expect(statuses(w)).toEqual(LIST_RUN);
    expect(inputCells(w)).toEqual(before);
    const header = w.sheet().values()[0];
    expect(header).toEqual([
      ...LIST,
      'Sync Status',
      'Last Synced',
      'Keap Sync Record',
      'Keap Email Status',
    ]);
    expect(w.sheet().hiddenColumns()).toEqual([7]);
    const day = new Date(w.clock.now()).toISOString().slice(0, 10);
    expect(w.column('Keap Email Status')).toEqual([
      `Opted out by this add-on on ${day}`,
      'Bounced. Opt Out is not ticked here; Keap keeps it opted out (this add-on never opts anyone back in)',
      'Keap has no status for this email yet',
      '',
      '',
    ]);
    expect(keapWrites(w).map((entry) => `${entry.route} ${entry.path}`)).toEqual([
      'emailAddresses.updateStatus /crm/rest/v2/emailAddresses/a%40example.com/status',
    ]);
    expect(keapState(w, [12, 13])).toEqual({
      12: [{ field: 'EMAIL1', email: 'a@example.com', status: 'MANUAL', reason: 'asked by phone' }],
      13: [{ field: 'EMAIL1', email: 'b@example.com', status: 'BOUNCE' }],
    });
  });

  it('an unedited list asks Keap nothing on the next run; an email typed over is only matched, never changed in Keap', () => {
    const w = listWorld(false);
    w.call('syncNow');
    const { result } = runCountingCalls<Summary>(w, 'syncNow');
    expect(result.value?.outcome).toBe('completed');
    expect(result.ledger.requestCount).toBe(0);
    expect(statuses(w)).toEqual(LIST_RUN);

    // Bob's address replaced: with no contact id there is no email to change in Keap; the
    // new address is looked up, and no contact has it.
    w.sheet().setCell(3, 2, 'bob@example.com');
    const searched = searches(w).length;
    w.call('syncNow');
    expect(searches(w)).toHaveLength(searched + 1);
    expect(statuses(w)[1]).toBe(
      'Error: No Keap contact has this email. Trying again on <day>, or when the row is edited',
    );
    expect(keapWrites(w).map((entry) => entry.route)).toEqual(['emailAddresses.updateStatus']);
    expect(keapState(w, [12, 13])).toEqual({
      12: [{ field: 'EMAIL1', email: 'a@example.com', status: 'MANUAL', reason: 'asked by phone' }],
      13: [{ field: 'EMAIL1', email: 'b@example.com', status: 'BOUNCE' }],
    });
  });

  it('rows sorted between runs keep their records: no search, no write, the same words beside each address', () => {
    const w = listWorld(true);
    w.call('syncNow');
    const byEmail = () => {
      const emails = w.column('Email');
      const keap = w.column('Keap Email Status');
      const sync = statuses(w);
      return Object.fromEntries(emails.map((e, i) => [String(e), [sync[i], keap[i]]]));
    };
    const before = byEmail();
    w.sheet().sortBy(2, { ascending: false });
    const searched = searches(w).length;
    w.call('syncNow');
    expect(searches(w)).toHaveLength(searched);
    expect(keapWrites(w)).toHaveLength(1);
    expect(byEmail()).toEqual(before);
    expect(w.column('Email')).toEqual([
      'nobody@example.com',
      'e@@example.com',
      'b@example.com',
      'a@example.com',
      '',
    ]);
  });

  it("input columns sorted alone (the records left behind): each row's match follows its address", () => {
    const w = listWorld(true);
    w.call('syncNow');
    const day1 = new Date(w.clock.now()).toISOString().slice(0, 10);
    const inputs = w
      .sheet()
      .values()
      .slice(1)
      .map((row) => row.slice(0, 4))
      .reverse();
    w.sheet().setValues(2, 1, inputs);
    const searched = searches(w).length;
    w.clock.advance(24 * 3600 * 1000);
    w.call('syncNow');
    w.clock.advance(24 * 3600 * 1000);
    w.call('syncNow');
    const emails = w.column('Email');
    const keap = w.column('Keap Email Status');
    // Statuses a row shows stay in place (as on a tab with ids); the records and Keap's words
    // follow the addresses: a@ and b@ are not searched again, nobody@ is tried on its day.
    expect({
      searches: searches(w).length - searched,
      writes: keapWrites(w).length,
      keap: Object.fromEntries(emails.map((e, i) => [String(e), keap[i]])),
    }).toEqual({
      searches: 1,
      writes: 1,
      keap: {
        'a@example.com': `Opted out by this add-on on ${day1}`,
        'b@example.com':
          'Bounced. Opt Out is not ticked here; Keap keeps it opted out (this add-on never opts anyone back in)',
        'nobody@example.com': 'Keap has no status for this email yet',
        'e@@example.com': '',
        '': '',
      },
    });
  });

  it('the preview searches the same way and lists what a sync would do, sending nothing', () => {
    const w = listWorld(true);
    const preview = w.call<{
      changes: { row: number; contactId: string; optOut: boolean }[];
      errors: { row: number; error: string }[];
    }>('previewSync');
    expect(preview.changes).toEqual([
      { row: 2, contactId: '12', emailFrom: null, emailTo: null, optOut: true, error: null },
    ]);
    expect(preview.errors.map((e) => [e.row, e.error])).toEqual([
      [4, 'No Keap contact has this email'],
      [5, 'Email is missing'],
      [6, "'e@@example.com' is not a valid email address"],
    ]);
    expect(keapWrites(w)).toEqual([]);
    expect(w.sheet().values()[0]).toEqual(LIST);
  });
});
