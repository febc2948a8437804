/**
 * Red team of issue 18 (rows without a Contact ID, the Keap Email Status column), through the
 * built bundle against the simulator. Each `test.failing` is a defect found (the comment says
 * what happens and what should); the plain tests are attacks that held up.
 */
import { connectedWorld, keapWrites, changeInKeap } from './support/sync';
import { withAnyDay } from './support/nextTry';
import { TENANT, type World } from './world';

const HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
const SEARCH_PATH = '/crm/rest/v2/contacts';

function searches(w: World): string[] {
  return w.rt.requests
    .map((r) => r.request.url)
    .filter((url) => new URL(url).pathname === SEARCH_PATH && url.includes('filter=email'));
}

function statuses(w: World): unknown[] {
  return w.column('Sync Status').map(withAnyDay);
}

function statusBody(items: { email: string; status: string }[]): string {
  return JSON.stringify({ email_addresses: items, next_page_token: '' });
}

describe('redteam-18: a kse1 record against a Keap that changed since', () => {
  // DEFECT (medium). The row was matched to contact 12 on the first run; later a second contact
  // gets the same address. The person ticks Opt Out. The spec (issue 18, README "none or several
  // -> nothing sent") wants "2 Keap contacts share this email: 12, 40", nothing sent. What
  // happens: the remembered contact is used without any check (emailRows.ts knownContact,
  // emailRowSync.ts contactsOf), the address is opted out and the row names only contact 12.
  test('an address shared by two contacts since the match is not opted out on the old match', () => {
    const w = connectedWorld([HEADERS, ['', 'a@example.com', '', '']], {
      keapEmailStatus: false,
    });
    w.addContact(12, 'a@example.com');
    w.call('syncNow');
    expect(statuses(w)).toEqual(['Up to date (Keap contact 12, found by email)']);
    w.addContact(40, 'a@example.com');
    w.sheet().setCell(2, 3, true);
    w.call('syncNow');
    expect(keapWrites(w)).toEqual([]);
    expect(statuses(w)[0]).toMatch(/^Error: 2 Keap contacts share this email: 12, 40/);
  });

  // DEFECT (medium). Contact 12 no longer has the address (a Keap user moved it to contact 40,
  // or 12 was merged away). The ticked row is opted out on the remembered match and its status
  // says "Keap contact 12, found by email": a claim Keap does not show (12 has no such
  // address). Should search again (or at least check the remembered contact still has the
  // address) and name 40. Cause: emailRows.ts knownContact (record.found) trusted forever;
  // emailRowSync.ts foundByEmail(status, ids[0]).
  test('an address that moved to another contact is not credited to the old match', () => {
    const w = connectedWorld([HEADERS, ['', 'a@example.com', '', '']], { keapEmailStatus: false });
    w.addContact(12, 'a@example.com', 'keep@example.com');
    w.call('syncNow');
    changeInKeap(w, 12, { EMAIL1: 'keep@example.com' });
    w.addContact(40, 'a@example.com');
    w.sheet().setCell(2, 3, true);
    w.call('syncNow');
    expect(statuses(w)[0]).toBe('Updated: opted out (Keap contact 40, found by email)');
  });

  // DEFECT (medium). Same drift, with no contact left at all: the spec says none -> "No Keap
  // contact has this email", nothing sent. The add-on opts out an address no contact has and
  // the row names contact 12.
  test('an address no contact has any more is not opted out on the old match', () => {
    const w = connectedWorld([HEADERS, ['', 'a@example.com', '', '']], { keapEmailStatus: false });
    w.addContact(12, 'a@example.com', 'keep@example.com');
    w.call('syncNow');
    changeInKeap(w, 12, { EMAIL1: 'keep@example.com' });
    const before = keapWrites(w).length;
    w.sheet().setCell(2, 3, true);
    w.call('syncNow');
    expect(keapWrites(w, 0).slice(before)).toEqual([]);
    expect(statuses(w)[0]).toMatch(/^Error: No Keap contact has this email/);
  });
});

describe('redteam-18: odd status answers and the Keap Email Status column', () => {
  // DEFECT (medium). Keap's status list names the row's address twice with two statuses
  // (SINGLE_OPT_IN and LIST_UNSUBSCRIBE). The column shows whichever came last as if it were
  // Keap's word ("Unsubscribed ..."). Either could be the truth: the answer should be treated
  // as unreadable (as readContacts does with `agree`, gateway.ts readByKey) and the column left
  // as it is with a note. Cause: gateway.ts readOptStates passes no `agree` to readByKey.
  test('an address answered twice with two statuses is not shown as either', () => {
    const w = connectedWorld([HEADERS, [1, 'a@example.com', '', '']], { keapEmailStatus: true });
    w.addContact(1, 'a@example.com');
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual(['Subscribed']);
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'emailAddresses.list',
      body: statusBody([
        { email: 'a@example.com', status: 'SINGLE_OPT_IN' },
        { email: 'a@example.com', status: 'LIST_UNSUBSCRIBE' },
      ]),
    });
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual(['Subscribed']);
  });

  // DEFECT (high). The same doubled answer on the opt-out path: the row asks for an opt-out,
  // the pre-read gets the address twice (subscribed, then opted out). The add-on takes the
  // last copy, sends nothing and the row says it is opted out, while Keap (the sim) keeps the
  // address subscribed. Should: unreadable answer, row retried, never "opted out" unless Keap
  // shows it. Cause: gateway.ts readOptStates (no `agree`), emailRowSync.ts states.get(...).
  test('a doubled status answer never makes a ticked row say opted out while Keap says subscribed', () => {
    const w = connectedWorld([HEADERS, ['', 'a@example.com', 'yes', '']], {
      keapEmailStatus: false,
    });
    w.addContact(12, 'a@example.com');
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'emailAddresses.list',
      times: 1,
      body: statusBody([
        { email: 'a@example.com', status: 'SINGLE_OPT_IN' },
        { email: 'a@example.com', status: 'LIST_UNSUBSCRIBE' },
      ]),
    });
    w.call('syncNow');
    const says = String(statuses(w)[0]);
    // What happens: the row says it is fine, no opt-out was sent, Keap keeps it subscribed,
    // and the record marks the row done, so a later normal run never sends the opt-out either.
    w.sim.clearFaults();
    w.call('syncNow');
    const optedOut = w.sim.emailStatus(TENANT, 'a@example.com')?.status !== 'SINGLE_OPT_IN';
    expect({ says, optedOut }).toEqual({
      says: expect.not.stringMatching(/^(Updated|Up to date)/),
      optedOut: true,
    });
  });

  // Held (a nit): a row that gains its Contact ID after the add-on opted its address out is
  // not sent again; the column then says "Opted out in Keap (by a Keap user or an app)"
  // instead of "Opted out by this add-on on <day>" (the id row's record has no optedOutAt):
  // still true, less precise.
  it('held: a row that gains an id later is not sent again', () => {
    const w = connectedWorld([HEADERS, ['', 'a@example.com', 'yes', '']], {
      keapEmailStatus: true,
    });
    w.addContact(12, 'a@example.com');
    w.call('syncNow');
    const first = [statuses(w)[0], w.column('Keap Email Status')[0]];
    w.sheet().setCell(2, 1, 12);
    w.call('syncNow');
    const second = [statuses(w)[0], w.column('Keap Email Status')[0]];
    expect({ first, second, writes: keapWrites(w).length }).toEqual({
      first: [
        'Updated: opted out (Keap contact 12, found by email)',
        expect.stringMatching(/^Opted out by this add-on on \d{4}-\d{2}-\d{2}$/),
      ],
      second: ['Up to date', 'Opted out in Keap (by a Keap user or an app)'],
      writes: 1,
    });
  });

  // Was a DEFECT (low). Keap's status list answers the address with a trailing space and in
  // another case: the column said "Keap has no status for this email yet" though Keap returned
  // one. Fixed: parseEmailStatusPage keys answers with the add-on's one normaliser (normalEmail).
  test('a status answered with a trailing space is still the address status', () => {
    const w = connectedWorld([HEADERS, [1, 'a@example.com', '', '']], { keapEmailStatus: true });
    w.addContact(1, 'a@example.com');
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'emailAddresses.list',
      body: statusBody([{ email: 'A@example.com ', status: 'LIST_UNSUBSCRIBE' }]),
    });
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual([
      "Unsubscribed by the person (with their mail app's unsubscribe button). Opt Out is not ticked here; Keap keeps it opted out (this add-on never opts anyone back in)",
    ]);
  });

  it("held: an unknown status value is shown as Keap's own word, not as an opt-out or a subscription", () => {
    const w = connectedWorld([HEADERS, [1, 'a@example.com', '', '']], { keapEmailStatus: true });
    w.addContact(1, 'a@example.com');
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'emailAddresses.list',
      body: statusBody([{ email: 'a@example.com', status: 'QUARANTINED_2027' }]),
    });
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual(['Keap status QUARANTINED_2027']);
    expect(keapWrites(w)).toEqual([]);
  });

  it('held: a status answer lacking the address says Keap has none, and writes nothing to Keap', () => {
    const w = connectedWorld([HEADERS, [1, 'a@example.com', '', '']], { keapEmailStatus: true });
    w.addContact(1, 'a@example.com');
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'emailAddresses.list',
      body: statusBody([{ email: 'other@example.com', status: 'LIST_UNSUBSCRIBE' }]),
    });
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual(['Keap has no status for this email yet']);
    expect(keapWrites(w)).toEqual([]);
  });

  it('held: typed-into and moved status cells are put right by the next run, with no Keap write', () => {
    const w = connectedWorld(
      [HEADERS, [1, 'a@example.com', '', ''], ['', 'b@example.com', '', '']],
      {
        keapEmailStatus: true,
      },
    );
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.call('syncNow');
    const header = (w.sheet().values()[0] as unknown[]).indexOf('Keap Email Status') + 1;
    w.sheet().setCell(2, header, 'Bounced (I typed this)');
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed']);
    expect(keapWrites(w)).toEqual([]);
  });

  // Turning the column off: what is left under its header afterwards.
  // Was a DEFECT (low): after the column was turned off it was neither refreshed nor cleared,
  // so a later unsubscribe in Keap left "Subscribed" under the header "Keap Email Status"
  // indefinitely (executionExtras.ts refreshStatusColumn returned early when off). Now the next
  // run empties the cells holding the add-on's words, with no Keap request, and keeps the
  // header, the column and whatever a person typed there; later runs write nothing to it.
  test("a column turned off is emptied of the add-on's words, keeping its header and a person's note", () => {
    const w = connectedWorld(
      [HEADERS, [1, 'a@example.com', '', ''], [2, 'b@example.com', '', '']],
      { keapEmailStatus: true },
    );
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed']);
    const header = (w.sheet().values()[0] as unknown[]).indexOf('Keap Email Status') + 1;
    w.sheet().setCell(3, header, 'VIP, call before mailing');
    const settings = {
      sheetName: '',
      headers: {
        contactId: 'Contact ID',
        email: 'Email',
        optOut: 'Opt Out',
        optOutReason: 'Opt Out Reason',
      },
      keapEmailStatus: false,
    };
    expect(w.call('saveSettings', [settings])).toEqual({ ok: true, errors: [] });
    w.sim.setEmailStatus(TENANT, 'a@example.com', 'LIST_UNSUBSCRIBE');
    const before = w.rt.requests.length;
    w.call('syncNow');
    const cleared = w.sheet().values();
    expect(w.column('Keap Email Status')).toEqual(['', 'VIP, call before mailing']);
    expect(statuses(w)).toEqual(['Up to date', 'Up to date']);
    expect((cleared[0] as unknown[])[header - 1]).toBe('Keap Email Status');
    expect(w.rt.requests.slice(before)).toEqual([]);
    w.call('syncNow');
    expect(w.sheet().values()).toEqual(cleared);
    expect(w.rt.requests.slice(before)).toEqual([]);
  });
});

describe('redteam-18: hostile rows without a Contact ID', () => {
  it('held: odd addresses get their own error, are never searched, and nothing else changes', () => {
    const w = connectedWorld(
      [
        HEADERS,
        ['', 'jösé@example.com', 'yes', ''],
        ['', '"a b"@example.com', 'yes', ''],
        ['', 'a=b@example.com', 'yes', ''],
        ['', 'x*@example.com', 'yes', ''],
        ['', 'plus+tag@example.com', 'yes', ''],
        [1, 'ok@example.com', '', ''],
      ],
      { keapEmailStatus: false },
    );
    w.addContact(1, 'ok@example.com');
    w.addContact(2, 'plus+tag@example.com');
    w.addContact(3, 'xyz@example.com');
    w.call('syncNow');
    const s = statuses(w).map(String);
    for (const i of [0, 1, 2, 3]) expect(s[i]).toMatch(/^Error: /);
    expect(s[4]).toBe('Updated: opted out (Keap contact 2, found by email)');
    expect(s[5]).toBe('Up to date');
    const filters = searches(w).map((url) =>
      decodeURIComponent(new URL(url).searchParams.get('filter') ?? ''),
    );
    expect(filters).toEqual(['email==plus+tag@example.com']);
    expect(keapWrites(w).map((e) => e.path)).toEqual([
      '/crm/rest/v2/emailAddresses/plus%2Btag%40example.com/status',
    ]);
    expect(w.sim.emailStatus(TENANT, 'xyz@example.com')?.status).toBe('SINGLE_OPT_IN');
  });

  it('held: a search answer with the address only in EMAIL3, in another case, matches; the row address alone is opted out', () => {
    const w = connectedWorld([HEADERS, ['', 'c@example.com', 'yes', '']], {
      keapEmailStatus: false,
    });
    w.addContact(7, 'a@example.com', 'b@example.com', 'C@Example.COM');
    w.call('syncNow');
    expect(statuses(w)).toEqual(['Updated: opted out (Keap contact 7, found by email)']);
    expect(w.sim.emailStatus(TENANT, 'a@example.com')?.status).toBe('SINGLE_OPT_IN');
    expect(w.sim.emailStatus(TENANT, 'b@example.com')?.status).toBe('SINGLE_OPT_IN');
  });

  it('held: a search answer listing the contact twice counts it once', () => {
    const w = connectedWorld([HEADERS, ['', 'c@example.com', '', '']], { keapEmailStatus: false });
    w.addContact(7, 'c@example.com');
    const contact = { id: '7', email_addresses: [{ email: 'c@example.com', field: 'EMAIL1' }] };
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'contacts.list',
      times: 1,
      body: JSON.stringify({ contacts: [contact, contact], next_page_token: '' }),
    });
    w.call('syncNow');
    expect(statuses(w)).toEqual(['Up to date (Keap contact 7, found by email)']);
  });

  it('held: a search answer whose contact lacks email_addresses is not read as a match and nothing is sent', () => {
    const w = connectedWorld([HEADERS, ['', 'c@example.com', 'yes', '']], {
      keapEmailStatus: false,
    });
    w.addContact(7, 'c@example.com');
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'contacts.list',
      times: 1,
      body: JSON.stringify({ contacts: [{ id: '7' }], next_page_token: '' }),
    });
    w.call('syncNow');
    expect(keapWrites(w)).toEqual([]);
    expect(String(statuses(w)[0])).not.toMatch(/^(Updated|Up to date)/);
  });

  it('held: the hidden record column holds no email address', () => {
    const w = connectedWorld(
      [HEADERS, ['', 'secret.person@example.com', 'yes', ''], [1, 'other.one@example.com', '', '']],
      { keapEmailStatus: true },
    );
    w.addContact(5, 'secret.person@example.com');
    w.addContact(1, 'other.one@example.com');
    w.call('syncNow');
    const record = w.column('Keap Sync Record').map(String);
    expect(
      record.every((cell) => cell !== '' && !cell.includes('@') && !cell.includes('secret')),
    ).toBe(true);
  });

  it('held: the same address on a row with an id and a row without one: only the row address is touched', () => {
    const w = connectedWorld(
      [HEADERS, [12, 'a@example.com', '', ''], ['', 'a@example.com', 'yes', '']],
      { keapEmailStatus: false },
    );
    w.addContact(12, 'a@example.com', 'two@example.com');
    w.call('syncNow');
    expect(keapWrites(w).map((e) => e.path)).toEqual([
      '/crm/rest/v2/emailAddresses/a%40example.com/status',
    ]);
    expect(w.sim.emailStatus(TENANT, 'two@example.com')?.status).toBe('SINGLE_OPT_IN');
    expect(w.emailsOf(12)).toEqual({ EMAIL1: 'a@example.com', EMAIL2: 'two@example.com' });
  });

  it('held: an id-less address that is another row contact EMAIL2 while that row changes EMAIL1', () => {
    const w = connectedWorld(
      [HEADERS, [7, 'new@example.com', '', ''], ['', 'second@example.com', 'yes', '']],
      { keapEmailStatus: false },
    );
    w.addContact(7, 'old@example.com', 'second@example.com');
    w.call('syncNow');
    expect(w.emailsOf(7)).toEqual({ EMAIL1: 'new@example.com', EMAIL2: 'second@example.com' });
    expect(w.sim.emailStatus(TENANT, 'old@example.com')?.status ?? 'SINGLE_OPT_IN').toBe(
      'SINGLE_OPT_IN',
    );
    expect(w.sim.emailStatus(TENANT, 'second@example.com')?.status).toBe('MANUAL');
    expect(statuses(w)[1]).toBe('Updated: opted out (Keap contact 7, found by email)');
  });

  it('held: editing the email of a matched id-less row searches the new address and leaves the old one alone', () => {
    const w = connectedWorld([HEADERS, ['', 'a@example.com', '', '']], { keapEmailStatus: false });
    w.addContact(12, 'a@example.com');
    w.addContact(13, 'b@example.com');
    w.call('syncNow');
    w.sheet().setCell(2, 2, 'b@example.com');
    w.sheet().setCell(2, 3, true);
    w.call('syncNow');
    expect(statuses(w)).toEqual(['Updated: opted out (Keap contact 13, found by email)']);
    expect(w.sim.emailStatus(TENANT, 'a@example.com')?.status).toBe('SINGLE_OPT_IN');
  });
});

describe('redteam-18: rows sorted mid-run with the Keap Email Status column on', () => {
  function sortWorld(): World {
    const w = connectedWorld(
      [
        HEADERS,
        [1, 'a@example.com', '', ''],
        ['', 'b@example.com', 'yes', ''],
        [3, 'c@example.com', '', ''],
        ['', 'd@example.com', '', ''],
        [5, 'e@example.com', 'yes', ''],
        ['', 'nobody@example.com', '', ''],
      ],
      { keapEmailStatus: true },
    );
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.addContact(3, 'c@example.com');
    w.addContact(4, 'd@example.com');
    w.addContact(5, 'e@example.com');
    w.sim.setEmailStatus(TENANT, 'c@example.com', 'FEEDBACK');
    w.sim.setEmailStatus(TENANT, 'd@example.com', 'BOUNCE');
    return w;
  }

  /** Each row's Keap Email Status and Sync Status, by the row's email. */
  function byEmail(w: World): Record<string, [unknown, unknown]> {
    const emails = w.column('Email');
    const keap = w.column('Keap Email Status');
    const sync = w.column('Sync Status').map(withAnyDay);
    return Object.fromEntries(emails.map((e, i) => [String(e), [keap[i], sync[i]]]));
  }

  // DEFECT (high). Rows sorted between the re-read and the status write (just before
  // Sheet.getRange / Range.setValues of the one block): the Keap Email Status words land on
  // the rows that now hold those positions (a@ 'Keap has no status', nobody@ 'Subscribed',
  // c@ 'Unsubscribed by the person', d@ 'Bounced'...) and stay wrong until the next run.
  // Sync Status, Last Synced and the record are checked and repaired after the write; the
  // Keap Email Status cells are not. Cause: src/sheet/statusRepair.ts:44 SHOWN_FIELDS lists
  // only status, lastSynced and record (the repair neither moves nor restores keapStatus).
  // The second run puts every cell right (checked below too).
  test('sorted at every service call of the run, no row shows another row Keap status', () => {
    const reference = sortWorld();
    let calls = 0;
    const names: string[] = [];
    reference.rt.run('syncNow', [], {
      user: 'owner@example.com',
      spreadsheetId: reference.spreadsheetId,
      authMode: 'FULL',
      onServiceCall: ({ n, service, method }) => {
        calls = n;
        names.push(`${service}.${method}`);
      },
    });
    const expected = byEmail(reference);
    const problems: string[] = [];
    for (let at = 1; at <= calls; at += 1) {
      const w = sortWorld();
      let done = false;
      w.rt.run('syncNow', [], {
        user: 'owner@example.com',
        spreadsheetId: w.spreadsheetId,
        authMode: 'FULL',
        onServiceCall: ({ n }) => {
          if (n === at && !done) {
            done = true;
            w.sheet().sortBy(2, { ascending: false });
          }
        },
      });
      // Right after the sorted run: a cell is either blank (left for the next run) or its own.
      for (const [email, [keap]] of Object.entries(byEmail(w))) {
        if (keap !== '' && keap !== expected[email][0])
          problems.push(
            `sorted at ${at} ${names.slice(at - 3, at + 2).join(' ')}, first run: ${email} keap '${keap}'`,
          );
      }
      w.call('syncNow');
      const got = byEmail(w);
      for (const [email, [keap, sync]] of Object.entries(got)) {
        const want = expected[email];
        if (keap !== want[0])
          problems.push(`sorted at ${at}: ${email} keap '${keap}' not '${want[0]}'`);
        if (
          sync !== want[1] &&
          !(
            typeof sync === 'string' &&
            /^(Up to date|Updated)/.test(sync) &&
            /^(Up to date|Updated)/.test(String(want[1]))
          )
        )
          problems.push(`sorted at ${at}: ${email} sync '${sync}' not '${want[1]}'`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('redteam-18: the column over time', () => {
  // Was a DEFECT (low-medium), fixed: the add-on's opt-out is credited only while Keap shows
  // MANUAL (the kind of opt-out the add-on's API call makes); ADMIN, SYSTEM and a person's own
  // unsubscribe get Keap's words. What follows is the red team's report.
  // The add-on opted the address out on day 1 (MANUAL). The person later
  // re-subscribes through Keap's own confirmation flow (DOUBLE_OPT_IN), and weeks later a Keap
  // administrator opts the address out (ADMIN). The rows are unedited, so not sent again (right),
  // but the column says "Opted out by this add-on on <day 1>" for both rows, although Keap shows
  // ADMIN ("Opted out by a Keap administrator"): a claim Keap does not show. The remembered
  // optedOutAt is trusted for any of MANUAL/ADMIN/SYSTEM, however Keap's status changed since.
  // Cause: src/sync/statusText.ts:216 (byAddOn for every API_OPT_OUT_STATUSES value, line 197)
  // with src/sync/keapStatusColumn.ts:69-75 (optedOutAt from the record, never invalidated).
  test('an opt-out Keap now attributes to an administrator is not credited to the add-on', () => {
    const w = connectedWorld(
      [HEADERS, [1, 'a@example.com', 'yes', ''], ['', 'b@example.com', 'yes', '']],
      { keapEmailStatus: true },
    );
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual([
      expect.stringMatching(/^Opted out by this add-on on /),
      expect.stringMatching(/^Opted out by this add-on on /),
    ]);
    for (const email of ['a@example.com', 'b@example.com']) {
      w.sim.setEmailStatus(TENANT, email, 'DOUBLE_OPT_IN');
    }
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual([
      'Subscribed (confirmed by the person)',
      'Subscribed (confirmed by the person)',
    ]);
    for (const email of ['a@example.com', 'b@example.com']) {
      w.sim.setEmailStatus(TENANT, email, 'ADMIN');
    }
    w.call('syncNow');
    expect(keapWrites(w)).toHaveLength(2);
    expect(w.column('Keap Email Status')).toEqual([
      'Opted out by a Keap administrator',
      'Opted out by a Keap administrator',
    ]);
  });
});
