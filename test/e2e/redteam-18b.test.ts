/**
 * Second red team of issue 18 (rows without a Contact ID, the Keap Email Status column),
 * through the built bundle against the simulator. Attacks already tried in redteam-18.test.ts
 * are not repeated. Each `test.failing` is a defect found (its comment says what happens and
 * what should); the plain tests are attacks that held up.
 */
import { changeInKeap, connectedWorld, keapState, keapWrites, type Summary } from './support/sync';
import { withAnyDay } from './support/nextTry';
import { CLIENT_ID, OWNER, TENANT, type World } from './world';

const HEADERS = ['Contact ID', 'Email', 'Opt Out', 'Opt Out Reason'];
const SEARCH_PATH = '/crm/rest/v2/contacts';
const STATUS_PATH = '/crm/rest/v2/emailAddresses';
const DAY_MS = 24 * 3600 * 1000;
const NOT_TICKED =
  '. Opt Out is not ticked here; Keap keeps it opted out (this add-on never opts anyone back in)';

function searches(w: World): string[] {
  return w.rt.requests
    .map((r) => r.request.url)
    .filter((url) => new URL(url).pathname === SEARCH_PATH && url.includes('filter=email'));
}

function statusReads(w: World): string[] {
  return w.rt.requests
    .map((r) => r.request.url)
    .filter((url) => new URL(url).pathname === STATUS_PATH);
}

function statuses(w: World): unknown[] {
  return w.column('Sync Status').map(withAnyDay);
}

function today(w: World): string {
  return new Date(w.clock.now()).toISOString().slice(0, 10);
}

function contactsBody(contacts: { id: string; emails: string[] }[], next = ''): string {
  return JSON.stringify({
    contacts: contacts.map((c) => ({
      id: c.id,
      email_addresses: c.emails.map((email, i) => ({ email, field: `EMAIL${i + 1}` })),
    })),
    next_page_token: next,
  });
}

function headerIndex(w: World, header: string): number {
  return (w.sheet().values()[0] as unknown[]).indexOf(header) + 1;
}

describe('redteam-18b: odd contact search answers', () => {
  // A search answered over two pages: the second page holds a second contact with the address.
  it('held: a search answered over two pages counts the contacts of both pages; nothing is sent', () => {
    const w = connectedWorld([HEADERS, ['', 'a@example.com', 'yes', '']], {
      keapEmailStatus: false,
    });
    w.addContact(12, 'a@example.com');
    w.addContact(40, 'a@example.com');
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'contacts.list',
      times: 1,
      when: ({ request }) => !request.url.includes('page_token='),
      body: contactsBody([{ id: '12', emails: ['a@example.com'] }], 'page-two'),
    });
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'contacts.list',
      times: 1,
      when: ({ request }) => request.url.includes('page_token=page-two'),
      body: contactsBody([{ id: '40', emails: ['A@Example.com'] }]),
    });
    w.call('syncNow');
    expect(searches(w)).toHaveLength(2);
    expect(statuses(w)).toEqual([
      'Error: 2 Keap contacts share this email: 12, 40; put the one meant in Contact ID. Trying again on <day>, or when the row is edited',
    ]);
    expect(keapWrites(w)).toEqual([]);
    expect(w.sim.emailStatus(TENANT, 'a@example.com')?.status).toBe('SINGLE_OPT_IN');
  });

  // A search answer naming a second contact whose id is not a number Keap could have: the add-on
  // cannot tell which contact that is, but it does know two contacts have the address.
  it('held: a search answer with a second contact whose id is unreadable is not taken as exactly one match', () => {
    const w = connectedWorld([HEADERS, ['', 'a@example.com', 'yes', '']], {
      keapEmailStatus: false,
    });
    w.addContact(12, 'a@example.com');
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'contacts.list',
      times: 1,
      body: contactsBody([
        { id: '12', emails: ['a@example.com'] },
        { id: 'x-40', emails: ['a@example.com'] },
      ]),
    });
    w.call('syncNow');
    expect(keapWrites(w)).toEqual([]);
    expect(String(statuses(w)[0])).not.toMatch(/^(Updated|Up to date)/);
  });

  it('held: the search failing (503) on every try leaves the row to retry, sends nothing for it, and the row with an id is still synced', () => {
    const w = connectedWorld(
      [HEADERS, [1, 'new1@example.com', '', ''], ['', 'a@example.com', 'yes', '']],
      { keapEmailStatus: false },
    );
    w.addContact(1, 'one@example.com');
    w.addContact(12, 'a@example.com');
    w.sim.inject({ kind: 'status', status: 503, route: 'contacts.list', when: isSearch });
    const summary = w.call<Summary>('syncNow');
    expect(summary.outcome).not.toBe('completed');
    expect(statuses(w)[0]).toBe('Updated: email changed to new1@example.com');
    expect(String(statuses(w)[1])).toMatch(/^Will retry: /);
    expect(keapWrites(w).map((e) => e.route)).toEqual(['contacts.patch']);
    expect(w.sim.emailStatus(TENANT, 'a@example.com')?.status).toBe('SINGLE_OPT_IN');
    w.sim.clearFaults();
    w.clock.advance(DAY_MS);
    w.call('syncNow');
    expect(statuses(w)[1]).toBe('Updated: opted out (Keap contact 12, found by email)');
    expect(w.sim.emailStatus(TENANT, 'a@example.com')?.status).toBe('MANUAL');
  });

  it('held: a search that times out once is tried again in the same run', () => {
    const w = connectedWorld([HEADERS, ['', 'a@example.com', 'yes', '']], {
      keapEmailStatus: false,
    });
    w.addContact(12, 'a@example.com');
    w.sim.inject({ kind: 'network', message: 'timeout', route: 'contacts.list', times: 1 });
    w.call('syncNow');
    expect(statuses(w)).toEqual(['Updated: opted out (Keap contact 12, found by email)']);
    expect(w.sim.emailStatus(TENANT, 'a@example.com')?.status).toBe('MANUAL');
  });

  it("held: Keap's daily limit reached between two searches: nothing is sent, every row without an id waits", () => {
    const rows = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => ['', `${x}@example.com`, 'yes', '']);
    const w = connectedWorld([HEADERS, ...rows], { keapEmailStatus: false });
    ['a', 'b', 'c', 'd', 'e', 'f'].forEach((x, i) => w.addContact(10 + i, `${x}@example.com`));
    const app = { clientId: CLIENT_ID };
    // Room for a few requests above the add-on's reserve (100): it runs out among the searches.
    w.sim.spendDailyQuota(app, w.sim.dailyQuotaLeft(app) - 103);
    const summary = w.call<Summary>('syncNow');
    expect(summary.outcome).toBe('daily-limit');
    expect(keapWrites(w)).toEqual([]);
    for (const s of statuses(w))
      expect(s).toMatch(/^Will retry: Keap's daily request limit was reached; continues after /);
    for (const x of ['a', 'b', 'c', 'd', 'e', 'f'])
      expect(w.sim.emailStatus(TENANT, `${x}@example.com`)?.status).toBe('SINGLE_OPT_IN');
  });
});

function isSearch({ request }: { request: { url: string } }): boolean {
  return request.url.includes('filter=email');
}

describe('redteam-18b: Keap changed since the match was remembered', () => {
  it('held: several contacts shared the address; one loses it; on the retry day the one left is used', () => {
    const w = connectedWorld([HEADERS, ['', 'a@example.com', 'yes', 'by phone']], {
      keapEmailStatus: false,
    });
    w.addContact(12, 'a@example.com');
    w.addContact(40, 'a@example.com', 'forty@example.com');
    w.call('syncNow');
    expect(statuses(w)[0]).toMatch(/^Error: 2 Keap contacts share this email: 12, 40;/);
    changeInKeap(w, 40, { EMAIL1: 'forty@example.com' });
    w.clock.advance(3 * DAY_MS);
    w.call('syncNow');
    expect(statuses(w)).toEqual(['Updated: opted out (Keap contact 12, found by email)']);
    expect(keapState(w, [12, 40])).toEqual({
      12: [{ field: 'EMAIL1', email: 'a@example.com', status: 'MANUAL', reason: 'by phone' }],
      40: [{ field: 'EMAIL1', email: 'forty@example.com', status: 'SINGLE_OPT_IN' }],
    });
  });

  // The matched contact lost the address (merged away in Keap, the address now on contact 40),
  // and the person, meanwhile, unsubscribed. The user then ticks Opt Out on the row.
  test('a ticked row whose address Keap already shows opted out does not name a contact that no longer has it', () => {
    // DEFECT (low): nothing is sent (right), but the row, just edited, is rewritten "Up to date
    // (Keap contact 12, found by email)": contact 12 has no such address any more (Keap shows it
    // on 40). needsSearch (src/sync/emailRows.ts:190) skips the search when Keap shows the
    // address opted out, and emailRowSync.ts matchContacts returns the remembered contact.
    // Should: an edited row's status names only a contact Keap shows with the address (search
    // again, one read, or leave the contact out of the words).
    const w = connectedWorld([HEADERS, ['', 'a@example.com', '', '']], {
      keapEmailStatus: false,
    });
    w.addContact(12, 'a@example.com', 'keep@example.com');
    w.call('syncNow');
    expect(statuses(w)).toEqual(['Up to date (Keap contact 12, found by email)']);
    changeInKeap(w, 12, { EMAIL1: 'keep@example.com' });
    w.addContact(40, 'a@example.com');
    w.sim.setEmailStatus(TENANT, 'a@example.com', 'LIST_UNSUBSCRIBE');
    const before = keapWrites(w).length;
    w.sheet().setCell(2, 3, true);
    w.call('syncNow');
    expect(keapWrites(w).slice(before)).toEqual([]);
    expect(statuses(w)).toEqual(['Up to date (Keap contact 40, found by email)']);
  });
});

describe('redteam-18b: a row with an id and a row without one, same address', () => {
  it('held: the row without an id opts the address out; the id row that does not tick it is told', () => {
    const w = connectedWorld(
      [HEADERS, [12, 'a@example.com', '', ''], ['', 'a@example.com', 'yes', 'asked']],
      { keapEmailStatus: true },
    );
    w.addContact(12, 'a@example.com');
    w.call('syncNow');
    expect(statuses(w)).toEqual([
      'Up to date',
      'Updated: opted out (Keap contact 12, found by email)',
    ]);
    expect(w.column('Keap Email Status')).toEqual([
      `Opted out in Keap (by a Keap user or an app)${NOT_TICKED}`,
      `Opted out by this add-on on ${today(w)}`,
    ]);
    expect(keapState(w, [12])).toEqual({
      12: [{ field: 'EMAIL1', email: 'a@example.com', status: 'MANUAL', reason: 'asked' }],
    });
    expect(keapWrites(w)).toHaveLength(1);
  });

  it('held: both rows tick it with different reasons: one opt-out is sent, the first reason kept', () => {
    const w = connectedWorld(
      [HEADERS, [12, 'a@example.com', 'yes', 'by phone'], ['', 'a@example.com', 'yes', 'by mail']],
      { keapEmailStatus: true },
    );
    w.addContact(12, 'a@example.com');
    w.call('syncNow');
    expect(keapWrites(w)).toHaveLength(1);
    expect(keapState(w, [12])).toEqual({
      12: [{ field: 'EMAIL1', email: 'a@example.com', status: 'MANUAL', reason: 'by phone' }],
    });
    expect(statuses(w)).toEqual([
      'Updated: opted out',
      'Up to date (Keap contact 12, found by email)',
    ]);
    const column = w.column('Keap Email Status');
    expect(column[0]).toBe(`Opted out by this add-on on ${today(w)}`);
    // Nit: the same address, opted out by this add-on in this run, is told in two ways.
    expect(column[1]).toMatch(
      /^Opted out (by this add-on on \d{4}-\d{2}-\d{2}|in Keap \(by a Keap user or an app\))$/,
    );
  });
});

describe('redteam-18b: the sheet moved under the add-on', () => {
  it('held: rows sorted between runs keep their matches: no search, no write, same words', () => {
    const w = connectedWorld(
      [
        HEADERS,
        ['', 'a@example.com', 'yes', ''],
        ['', 'b@example.com', '', ''],
        [3, 'c@example.com', '', ''],
        ['', 'nobody@example.com', '', ''],
      ],
      { keapEmailStatus: true },
    );
    w.addContact(12, 'a@example.com');
    w.addContact(13, 'b@example.com');
    w.addContact(3, 'c@example.com');
    w.call('syncNow');
    const byEmail = () => {
      const emails = w.column('Email');
      const keap = w.column('Keap Email Status');
      const sync = statuses(w);
      return Object.fromEntries(emails.map((e, i) => [String(e), [sync[i], keap[i]]]));
    };
    const before = byEmail();
    w.sheet().sortBy(2, { ascending: false });
    w.sheet().insertRowsBefore(3, 1);
    const searched = searches(w).length;
    w.call('syncNow');
    expect(searches(w)).toHaveLength(searched);
    expect(keapWrites(w)).toHaveLength(1);
    const after = byEmail();
    delete after[''];
    expect(after).toEqual(before);
  });

  // The person sorts only the columns they typed (A:D), not the add-on's columns: the record,
  // status and Keap Email Status cells stay where they were while the addresses move.
  it('held: input columns sorted alone: Keap Email Status follows each address after the next run', () => {
    const w = connectedWorld(
      [
        HEADERS,
        ['', 'a@example.com', 'yes', ''],
        ['', 'b@example.com', '', ''],
        [3, 'c@example.com', '', ''],
      ],
      { keapEmailStatus: true },
    );
    w.addContact(12, 'a@example.com');
    w.addContact(13, 'b@example.com');
    w.addContact(3, 'c@example.com');
    w.sim.setEmailStatus(TENANT, 'c@example.com', 'BOUNCE');
    w.call('syncNow');
    const values = w.sheet().values();
    const inputs = values.slice(1).map((row) => row.slice(0, 4));
    inputs.reverse();
    w.sheet().setValues(2, 1, inputs);
    w.call('syncNow');
    const emails = w.column('Email');
    const keap = w.column('Keap Email Status');
    expect(Object.fromEntries(emails.map((e, i) => [String(e), keap[i]]))).toEqual({
      'a@example.com': `Opted out by this add-on on ${today(w)}`,
      'b@example.com': 'Subscribed',
      'c@example.com': `Bounced${NOT_TICKED}`,
    });
    expect(keapWrites(w)).toHaveLength(1);
  });

  // A column the person inserts between the add-on's columns, holding their own formula.
  it("held: a person's column inserted before Keap Email Status keeps its formula and text", () => {
    const w = connectedWorld(
      [HEADERS, [1, 'a@example.com', '', ''], ['', 'b@example.com', '', '']],
      {
        keapEmailStatus: true,
      },
    );
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.call('syncNow');
    const at = headerIndex(w, 'Keap Email Status');
    w.sheet().insertColumnsBefore(at, 1);
    w.sheet().setCell(1, at, 'My notes');
    w.sheet().setFormula(2, at, '=LEN(B2)', 13);
    w.sheet().setCell(3, at, 'call first');
    w.sim.setEmailStatus(TENANT, 'a@example.com', 'LIST_UNSUBSCRIBE');
    w.sim.setEmailStatus(TENANT, 'b@example.com', 'BOUNCE');
    w.call('syncNow');
    expect(w.sheet().formulas()[1][at - 1]).toBe('=LEN(B2)');
    expect(w.sheet().values()[2][at - 1]).toBe('call first');
    expect(w.column('Keap Email Status')).toEqual([
      `Unsubscribed by the person (with their mail app's unsubscribe button)${NOT_TICKED}`,
      `Bounced${NOT_TICKED}`,
    ]);
    expect(keapWrites(w)).toEqual([]);
  });

  it('held: the Keap Email Status column moved before the inputs is still the one refreshed', () => {
    const w = connectedWorld([HEADERS, [1, 'a@example.com', '', '']], { keapEmailStatus: true });
    w.addContact(1, 'a@example.com');
    w.call('syncNow');
    // The person moves the column to the front: a new first column gets its cells, the old is cleared.
    const at = headerIndex(w, 'Keap Email Status');
    const cells = w
      .sheet()
      .values()
      .map((row) => [row[at - 1]]);
    w.sheet().insertColumnsBefore(1, 1);
    w.sheet().setValues(1, 1, cells);
    w.sheet().setValues(
      1,
      at + 1,
      cells.map(() => ['']),
    );
    w.sim.setEmailStatus(TENANT, 'a@example.com', 'SPAM');
    w.call('syncNow');
    const header = w.sheet().values()[0] as unknown[];
    expect(header.filter((h) => h === 'Keap Email Status')).toHaveLength(1);
    expect(w.column('Keap Email Status')).toEqual([`Marked as spam${NOT_TICKED}`]);
    expect(statuses(w)).toEqual(['Up to date']);
  });

  it('held: an email cell holding a formula is read by its value and keeps its formula', () => {
    const w = connectedWorld([HEADERS, ['', '', 'yes', '']], { keapEmailStatus: true });
    w.sheet().setFormula(
      2,
      2,
      '=HYPERLINK("mailto:a@example.com","A@Example.com")',
      'A@Example.com',
    );
    w.addContact(12, 'a@example.com');
    w.call('syncNow');
    expect(statuses(w)).toEqual(['Updated: opted out (Keap contact 12, found by email)']);
    expect(w.sheet().formulas()[1][1]).toBe('=HYPERLINK("mailto:a@example.com","A@Example.com")');
    expect(w.column('Keap Email Status')).toEqual([`Opted out by this add-on on ${today(w)}`]);
  });

  it('held: an email cell whose text is a formula-looking address is an error, never searched, and no cell the add-on writes starts with =', () => {
    const w = connectedWorld(
      [
        HEADERS,
        ['', '\'=HYPERLINK("http://x")@example.com', 'yes', ''],
        ['', "'+1@example.com", 'yes', ''],
      ],
      { keapEmailStatus: true },
    );
    w.addContact(12, '+1@example.com');
    w.call('syncNow');
    const formulas = w
      .sheet()
      .formulas()
      .flat()
      .filter((f) => f !== '');
    expect(formulas).toEqual([]);
    expect(String(statuses(w)[0])).toMatch(/^Error: /);
    expect(statuses(w)[1]).toBe('Updated: opted out (Keap contact 12, found by email)');
    for (const row of w.sheet().values().slice(1))
      for (const cell of row.slice(4)) expect(String(cell)).not.toMatch(/^[=@]/);
    expect(
      searches(w).map((u) => decodeURIComponent(new URL(u).searchParams.get('filter') ?? '')),
    ).toEqual(['email==+1@example.com']);
  });
});

describe('redteam-18b: the Keap Email Status read', () => {
  it('held: the status read throttled on every try leaves the column as it was, the run completes, rows stay true', () => {
    const w = connectedWorld(
      [HEADERS, [1, 'a@example.com', '', ''], ['', 'b@example.com', '', '']],
      {
        keapEmailStatus: true,
      },
    );
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed']);
    w.sim.setEmailStatus(TENANT, 'a@example.com', 'LIST_UNSUBSCRIBE');
    w.sim.inject({ kind: 'throttle', route: 'emailAddresses.list' });
    const summary = w.call<Summary>('syncNow');
    expect(summary.outcome).toBe('completed');
    expect(statuses(w)).toEqual(['Up to date', 'Up to date (Keap contact 2, found by email)']);
    expect(w.column('Keap Email Status')).toEqual(['Subscribed', 'Subscribed']);
    expect(keapWrites(w)).toEqual([]);
    w.sim.clearFaults();
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual([
      `Unsubscribed by the person (with their mail app's unsubscribe button)${NOT_TICKED}`,
      'Subscribed',
    ]);
  });

  it('held: 120 long addresses are read in URL-sized batches, each under 2,000 characters', () => {
    const local = (i: number) => `${String(i).padStart(3, '0')}.${'x'.repeat(50)}`;
    const emails = Array.from({ length: 120 }, (_, i) => `${local(i)}@example-domain.com`);
    const w = connectedWorld([HEADERS, ...emails.map((email, i) => [i + 1, email, '', ''])], {
      keapEmailStatus: true,
    });
    emails.forEach((email, i) => w.addContact(i + 1, email));
    w.sim.setEmailStatus(TENANT, emails[119], 'HARD_BOUNCE');
    w.call('syncNow');
    const reads = statusReads(w);
    expect(reads.length).toBeGreaterThan(1);
    expect(reads.length).toBeLessThanOrEqual(12);
    for (const url of reads) expect(url.length).toBeLessThanOrEqual(2000);
    const column = w.column('Keap Email Status');
    expect(column.slice(0, 119).every((c) => c === 'Subscribed')).toBe(true);
    expect(column[119]).toBe(`Bounced (the address does not exist)${NOT_TICKED}`);
  });

  test('a status Keap answers as an empty word is not shown as a half sentence', () => {
    // DEFECT (low): Keap answers the address with status "" (or spaces). The column shows
    // "Keap status " (keapStatusWords formats `Keap status ${status}` with nothing after it),
    // and once the column is turned off that cell is not recognised as the add-on's words
    // (isKeapStatusWords /^Keap status \S+$/) so it is never emptied. Should: treated as no
    // status ("Keap has no status for this email yet") or left as before. Cause:
    // src/sync/statusText.ts keapStatusWords (status '' is not null) / emailStatusApi.ts
    // parseEmailStatusPage accepts an empty status.
    const w = connectedWorld([HEADERS, [1, 'a@example.com', '', '']], { keapEmailStatus: true });
    w.addContact(1, 'a@example.com');
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'emailAddresses.list',
      body: JSON.stringify({
        email_addresses: [{ email: 'a@example.com', status: '  ' }],
        next_page_token: '',
      }),
    });
    w.call('syncNow');
    expect(w.column('Keap Email Status')[0]).not.toMatch(/^Keap status\s*$/);
    expect(w.column('Keap Email Status')).toEqual(['Keap has no status for this email yet']);
  });

  test('a status Keap names with a space is cleared with the others when the column is turned off', () => {
    // DEFECT (low): an unknown status written with a space ("Opted Out") is shown as "Keap
    // status Opted Out"; when the column is turned off, the other cells are emptied but this one
    // is kept forever (isKeapStatusWords only knows /^Keap status \S+$/), still claiming a Keap
    // status nobody refreshes. Cause: src/sync/statusText.ts UNKNOWN_STATUS_WORDS.
    const w = connectedWorld(
      [HEADERS, [1, 'a@example.com', '', ''], [2, 'b@example.com', '', '']],
      {
        keapEmailStatus: true,
      },
    );
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'emailAddresses.list',
      times: 1,
      body: JSON.stringify({
        email_addresses: [
          { email: 'a@example.com', status: 'Opted Out' },
          { email: 'b@example.com', status: 'SINGLE_OPT_IN' },
        ],
        next_page_token: '',
      }),
    });
    w.call('syncNow');
    // Shown as Keap's codes are written (the words the add-on recognises as its own).
    expect(w.column('Keap Email Status')).toEqual(['Keap status OPTED_OUT', 'Subscribed']);
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
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual(['', '']);
  });
});

describe('redteam-18b: a slow, failing or odd Keap during the search', () => {
  it('held: a search slower than the whole execution kills it; the next run opts each address out once, with the right words', () => {
    const names = Array.from({ length: 14 }, (_, i) => `p${i}@example.com`);
    const w = connectedWorld([HEADERS, ...names.map((email) => ['', email, 'yes', ''])], {
      keapEmailStatus: true,
    });
    names.forEach((email, i) => w.addContact(100 + i, email));
    const before = w.sheet().values();
    w.sim.inject({ kind: 'slow', delayMs: 400_000, route: 'contacts.list' });
    const killed = w.run<Summary>('syncNow');
    expect(killed.error?.message).toBe('Exceeded maximum execution time');
    expect(w.sheet().values()).toEqual(before);
    expect(keapWrites(w)).toEqual([]);
    w.sim.clearFaults();
    w.clock.advance(10 * 60_000);
    expect(w.call<Summary>('syncNow').outcome).toBe('completed');
    expect(statuses(w)).toEqual(
      names.map((_, i) => `Updated: opted out (Keap contact ${100 + i}, found by email)`),
    );
    const optOuts = keapWrites(w).map((e) => e.path);
    expect(new Set(optOuts).size).toBe(14);
    expect(optOuts).toHaveLength(14);
    for (const email of names) expect(w.sim.emailStatus(TENANT, email)?.status).toBe('MANUAL');
    expect(w.column('Keap Email Status')).toEqual(
      names.map(() => `Opted out by this add-on on ${today(w)}`),
    );
  });

  it('held: an execution killed while reading back an opt-out it sent: the next run sends nothing again and says opted out', () => {
    const w = connectedWorld([HEADERS, ['', 'a@example.com', 'yes', 'asked']], {
      keapEmailStatus: true,
    });
    w.addContact(12, 'a@example.com');
    let lists = 0;
    w.sim.inject({
      kind: 'slow',
      delayMs: 400_000,
      route: 'emailAddresses.list',
      when: () => (lists += 1) === 2,
    });
    const killed = w.run<Summary>('syncNow');
    expect(killed.error?.message).toBe('Exceeded maximum execution time');
    expect(keapWrites(w)).toHaveLength(1);
    w.sim.clearFaults();
    w.clock.advance(10 * 60_000);
    w.call('syncNow');
    expect(keapWrites(w)).toHaveLength(1);
    expect(keapState(w, [12])).toEqual({
      12: [{ field: 'EMAIL1', email: 'a@example.com', status: 'MANUAL', reason: 'asked' }],
    });
    expect(statuses(w)[0]).toMatch(
      /^(Updated: opted out|Up to date) \(Keap contact 12, found by email\)$/,
    );
    expect(w.column('Keap Email Status')[0]).toMatch(
      /^Opted out (by this add-on on \d{4}-\d{2}-\d{2}|in Keap \(by a Keap user or an app\))$/,
    );
  });

  it('held: a search answered with an HTML page is unreadable: the row retries and nothing is sent', () => {
    const w = connectedWorld([HEADERS, ['', 'a@example.com', 'yes', '']], {
      keapEmailStatus: false,
    });
    w.addContact(12, 'a@example.com');
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'contacts.list',
      body: '<html><body>Service temporarily unavailable</body></html>',
    });
    w.call('syncNow');
    expect(String(statuses(w)[0])).toMatch(/^Will retry: /);
    expect(keapWrites(w)).toEqual([]);
    expect(w.sim.emailStatus(TENANT, 'a@example.com')?.status).toBe('SINGLE_OPT_IN');
  });

  it('held: the preview with the search failing says it stopped, and does not call the row unmatched', () => {
    const w = connectedWorld(
      [HEADERS, [1, 'a@example.com', 'yes', ''], ['', 'b@example.com', 'yes', '']],
      {
        keapEmailStatus: true,
      },
    );
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.sim.inject({ kind: 'status', status: 503, route: 'contacts.list' });
    const preview = w.call<{
      errors: { row: number; error: string }[];
      changes: { row: number }[];
      stopped?: string | null;
      message: string;
    }>('previewSync');
    expect(JSON.stringify(preview)).not.toMatch(/No Keap contact has this email/);
    expect(preview.changes.map((c) => c.row)).not.toContain(3);
    expect(preview.stopped ?? preview.message).toMatch(/Keap/);
    expect(keapWrites(w)).toEqual([]);
  });

  it('held: identical rows (case and spaces apart) share one search and one opt-out', () => {
    const w = connectedWorld(
      [
        HEADERS,
        ['', 'a@example.com', 'yes', 'asked'],
        ['', ' A@Example.COM ', 'TRUE', 'asked '],
        ['', 'a@EXAMPLE.com', 'x', ' asked'],
      ],
      { keapEmailStatus: true },
    );
    w.addContact(12, 'a@example.com');
    w.call('syncNow');
    expect(searches(w)).toHaveLength(1);
    expect(keapWrites(w)).toHaveLength(1);
    expect(statuses(w)).toEqual([
      'Updated: opted out (Keap contact 12, found by email)',
      'Updated: opted out (Keap contact 12, found by email)',
      'Updated: opted out (Keap contact 12, found by email)',
    ]);
    expect(keapState(w, [12])).toEqual({
      12: [{ field: 'EMAIL1', email: 'a@example.com', status: 'MANUAL', reason: 'asked' }],
    });
    expect(w.column('Keap Email Status')).toEqual([
      `Opted out by this add-on on ${today(w)}`,
      `Opted out by this add-on on ${today(w)}`,
      `Opted out by this add-on on ${today(w)}`,
    ]);
  });

  it('held: a row with an id moves its contact to the address a row without an id opts out, in the same run', () => {
    const w = connectedWorld(
      [HEADERS, [7, 'x@example.com', '', ''], ['', 'x@example.com', 'yes', '']],
      { keapEmailStatus: true },
    );
    w.addContact(7, 'old@example.com');
    w.call('syncNow');
    expect(w.emailsOf(7)).toEqual({ EMAIL1: 'x@example.com' });
    expect(statuses(w)).toEqual([
      'Updated: email changed to x@example.com',
      'Updated: opted out (Keap contact 7, found by email)',
    ]);
    expect(w.sim.emailStatus(TENANT, 'x@example.com')?.status).toBe('MANUAL');
    expect(w.column('Keap Email Status')).toEqual([
      `Opted out in Keap (by a Keap user or an app)${NOT_TICKED}`,
      `Opted out by this add-on on ${today(w)}`,
    ]);
  });

  it("held: Keap's daily limit reached right at the status read: the rows' truths stand", () => {
    const build = () => {
      const w = connectedWorld(
        [HEADERS, [1, 'a@example.com', '', ''], ['', 'b@example.com', 'yes', '']],
        {
          keapEmailStatus: true,
        },
      );
      w.addContact(1, 'a@example.com');
      w.addContact(2, 'b@example.com');
      return w;
    };
    const reference = build();
    const app = { clientId: CLIENT_ID };
    const startLeft = reference.sim.dailyQuotaLeft(app);
    reference.call('syncNow');
    const used = startLeft - reference.sim.dailyQuotaLeft(app);
    const outcomes: string[] = [];
    for (let short = 1; short <= used; short++) {
      const w = build();
      w.sim.spendDailyQuota(app, w.sim.dailyQuotaLeft(app) - (100 + used - short));
      outcomes.push(String(w.call<Summary>('syncNow').outcome));
      const s = statuses(w).map(String);
      const optedOut = w.sim.emailStatus(TENANT, 'b@example.com')?.status === 'MANUAL';
      // The row says opted out only if Keap shows it; never "no contact".
      if (/^Updated: opted out/.test(s[1])) expect(optedOut).toBe(true);
      expect(s[1]).not.toMatch(/No Keap contact/);
      // The column may not be made yet (its first read had no quota): never wrong words.
      const header = w.sheet().values()[0] as unknown[];
      if (header.includes('Keap Email Status'))
        for (const cell of w.column('Keap Email Status'))
          expect(['', 'Subscribed', `Opted out by this add-on on ${today(w)}`]).toContain(cell);
      if (/^Will retry/.test(s[1]))
        expect(w.sim.emailStatus(TENANT, 'b@example.com')?.status).toBe('SINGLE_OPT_IN');
      expect(keapWrites(w).length).toBeLessThanOrEqual(1);
    }
    expect(outcomes.length).toBeGreaterThan(0);
  });

  it('held: the status column header renamed by the person is left to them; a new column is made', () => {
    const w = connectedWorld([HEADERS, [1, 'a@example.com', '', '']], { keapEmailStatus: true });
    w.addContact(1, 'a@example.com');
    w.call('syncNow');
    const at = headerIndex(w, 'Keap Email Status');
    w.sheet().setCell(1, at, 'Status last month');
    w.sim.setEmailStatus(TENANT, 'a@example.com', 'FEEDBACK');
    w.call('syncNow');
    expect(w.column('Status last month')).toEqual(['Subscribed']);
    expect(w.column('Keap Email Status')).toEqual([
      `Unsubscribed by the person (from a Keap email)${NOT_TICKED}`,
    ]);
    expect(keapWrites(w)).toEqual([]);
  });
});

describe('redteam-18b: records and words after the sheet changed between runs', () => {
  // The person sorts only the columns they typed (A:D), as a range stopping short of the
  // add-on's columns: the hidden records stay where they were while the rows move.
  test('a row without an id keeps its remembered match after its inputs are sorted away from its record', () => {
    // DEFECT (low-medium): the first run after the sort realigns the records of rows with an
    // id (src/sheet/recordAlignment.ts misplacedRecords) and writes contact 3's record over
    // the cell that held the only copy of a@'s kse1 record (row 2, now contact 3's row); a@'s
    // record is put nowhere. The next run searches a@ again although the row is unedited
    // (issue 18: "the lookup is not repeated for an unedited row"), rewrites its status, and the
    // Keap Email Status column loses the add-on's opt-out: "Opted out in Keap (by a Keap user or
    // an app)" instead of "Opted out by this add-on on <day 1>". Should: kse1 cells are moved
    // with (or given back to) their address's row, never dropped.
    const w = connectedWorld(
      [
        HEADERS,
        ['', 'a@example.com', 'yes', ''],
        ['', 'b@example.com', '', ''],
        [3, 'c@example.com', '', ''],
      ],
      { keapEmailStatus: true },
    );
    w.addContact(12, 'a@example.com');
    w.addContact(13, 'b@example.com');
    w.addContact(3, 'c@example.com');
    w.call('syncNow');
    const day1 = today(w);
    const searched = searches(w).length;
    const inputs = w
      .sheet()
      .values()
      .slice(1)
      .map((row) => row.slice(0, 4))
      .reverse();
    w.sheet().setValues(2, 1, inputs);
    w.clock.advance(DAY_MS);
    w.call('syncNow');
    w.clock.advance(DAY_MS);
    w.call('syncNow');
    const emails = w.column('Email');
    const keap = w.column('Keap Email Status');
    expect({
      searches: searches(w).length - searched,
      writes: keapWrites(w).length,
      words: keap[emails.indexOf('a@example.com')],
    }).toEqual({ searches: 0, writes: 1, words: `Opted out by this add-on on ${day1}` });
  });

  test('a row whose Opt Out became unreadable does not keep a Keap status Keap no longer shows', () => {
    // DEFECT (low): the row's Opt Out is edited to 'maybe' (the row is now an error row). Keap
    // later shows the address unsubscribed; the column keeps "Subscribed" on every later run:
    // statusColumnRows (src/sync/keapStatusColumn.ts:41) leaves out invalid rows, so their cell
    // is neither refreshed nor emptied (a row whose email is cleared is emptied). Should: the
    // row's address is still readable and is refreshed, or the cell is emptied.
    const w = connectedWorld([HEADERS, [1, 'a@example.com', '', '']], { keapEmailStatus: true });
    w.addContact(1, 'a@example.com');
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual(['Subscribed']);
    w.sheet().setCell(2, 3, 'maybe');
    w.sim.setEmailStatus(TENANT, 'a@example.com', 'LIST_UNSUBSCRIBE');
    w.call('syncNow');
    expect(String(statuses(w)[0])).toMatch(/^Error: /);
    expect(w.column('Keap Email Status')[0]).not.toBe('Subscribed');
  });

  test('a row whose email is edited into an invalid address does not keep the old address status', () => {
    // DEFECT (low): 'a@@example.com' makes the row invalid; the column keeps "Bounced. Opt Out…" (the
    // status of the address the row no longer holds) beside it on every later run. Same cause:
    // src/sync/keapStatusColumn.ts statusColumnRows skips invalid rows. Should: emptied, as a
    // cleared email is.
    const w = connectedWorld([HEADERS, ['', 'a@example.com', '', '']], { keapEmailStatus: true });
    w.addContact(12, 'a@example.com');
    w.sim.setEmailStatus(TENANT, 'a@example.com', 'BOUNCE');
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual([`Bounced${NOT_TICKED}`]);
    w.sheet().setCell(2, 2, 'a@@example.com');
    w.call('syncNow');
    expect(String(statuses(w)[0])).toMatch(/^Error: /);
    expect(w.column('Keap Email Status')).toEqual(['']);
  });

  test('a row emptied of its inputs does not keep a Keap status', () => {
    // DEFECT (low): the person clears the four input cells of a row (keeping the row). The
    // Keap Email Status cell keeps "Subscribed" beside an empty row on every later run:
    // blank rows are not among statusColumnRows (src/sync/keapStatusColumn.ts:41). Should:
    // emptied, like the cell of a row whose email alone is cleared.
    const w = connectedWorld(
      [HEADERS, [1, 'a@example.com', '', ''], [2, 'b@example.com', '', '']],
      {
        keapEmailStatus: true,
      },
    );
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.call('syncNow');
    w.sheet().setValues(2, 1, [['', '', '', '']]);
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual(['', 'Subscribed']);
  });
});

describe('redteam-18b: lists as they come from other tools, and a second Keap account', () => {
  test('a list with an Email and an Opt Out column and no Contact ID column is synced by email', () => {
    // Was DEFECT (medium): the run failed at once, "Row 1 of the 'Contacts' tab has no
    // 'Contact ID' column." Lists from Zapier, Make or a form have no such column at all:
    // with none, every row is a row without an id, matched by email (src/sheet/headers.ts).
    const w = connectedWorld(
      [
        ['Email', 'Opt Out'],
        ['a@example.com', 'yes'],
        ['b@example.com', ''],
      ],
      { keapEmailStatus: true },
    );
    w.addContact(12, 'a@example.com');
    w.addContact(13, 'b@example.com');
    const summary = w.call<Summary>('syncNow');
    expect(summary.outcome).toBe('completed');
    expect(statuses(w)).toEqual([
      'Updated: opted out (Keap contact 12, found by email)',
      'Up to date (Keap contact 13, found by email)',
    ]);
    expect(w.sim.emailStatus(TENANT, 'a@example.com')?.status).toBe('MANUAL');
    expect(w.column('Keap Email Status')).toEqual([
      `Opted out by this add-on on ${today(w)}`,
      'Subscribed',
    ]);
    expect(w.sheet().values()[0]).toEqual([
      'Email',
      'Opt Out',
      'Sync Status',
      'Last Synced',
      'Keap Sync Record',
      'Keap Email Status',
    ]);
    expect(w.column('Email')).toEqual(['a@example.com', 'b@example.com']);
    expect(keapWrites(w).map((e) => e.route)).toEqual(['emailAddresses.updateStatus']);
    expect(keapState(w, [12, 13])).toEqual({
      12: [
        {
          field: 'EMAIL1',
          email: 'a@example.com',
          status: 'MANUAL',
          reason: 'Opted out via Keap Sheets Sync',
        },
      ],
      13: [{ field: 'EMAIL1', email: 'b@example.com', status: 'SINGLE_OPT_IN' }],
    });
  });

  it('held: connected to another Keap account, an unedited row is searched again there and names its contact', () => {
    const w = connectedWorld([HEADERS, ['', 'a@example.com', '', '']], { keapEmailStatus: true });
    w.addContact(12, 'a@example.com');
    w.call('syncNow');
    expect(statuses(w)).toEqual(['Up to date (Keap contact 12, found by email)']);
    w.sim.addTenant('sandbox1');
    w.sim.addContact('sandbox1', { id: 99, email1: 'a@example.com' });
    w.sim.setEmailStatus('sandbox1', 'a@example.com', 'LIST_UNSUBSCRIBE');
    w.call('disconnect');
    w.connect(OWNER, { tenant: 'sandbox1' });
    w.call('syncNow');
    expect(statuses(w)).toEqual(['Up to date (Keap contact 99, found by email)']);
    expect(w.column('Keap Email Status')).toEqual([
      `Unsubscribed by the person (with their mail app's unsubscribe button)${NOT_TICKED}`,
    ]);
    expect(keapWrites(w)).toEqual([]);
    expect(w.sim.emailStatus(TENANT, 'a@example.com')?.status).toBe('SINGLE_OPT_IN');
  });
});

describe('redteam-18b: the settings and the Keap Email Status column', () => {
  test("'Keap Email Status' chosen as the Email column is refused like 'Sync Status'; no email a person typed is erased", () => {
    // DEFECT (high): saveSettings accepts 'Keap Email Status' as the header of the Email input
    // column (it refuses 'Sync Status', 'Last Synced' and 'Keap Sync Record': src/sync/settings.ts:71
    // OWN_COLUMNS lacks KEAP_EMAIL_STATUS_HEADER). The next sync reads the addresses from that
    // column, opts a@ out, then writes its Keap Email Status words into the same column: both
    // addresses the person typed are erased (the cells end empty), the run's own statuses for
    // them are not even written, and the next run says "Error: Contact ID is missing". Should:
    // refused as a column the add-on writes itself; in any case no input cell is ever changed.
    const w = connectedWorld(
      [
        ['Contact ID', 'Keap Email Status', 'Opt Out', 'Opt Out Reason'],
        ['', 'a@example.com', 'yes', ''],
        [1, 'b@example.com', '', ''],
      ],
      { keapEmailStatus: null },
    );
    w.addContact(12, 'a@example.com');
    w.addContact(1, 'b@example.com');
    const settings = {
      sheetName: '',
      headers: {
        contactId: 'Contact ID',
        email: 'Keap Email Status',
        optOut: 'Opt Out',
        optOutReason: 'Opt Out Reason',
      },
      keapEmailStatus: true,
    };
    const saved = w.call<{ ok: boolean }>('saveSettings', [settings]);
    w.call('syncNow');
    w.call('syncNow');
    const inputs = w
      .sheet()
      .values()
      .slice(1)
      .map((row) => row.slice(0, 4));
    expect({ saved: saved.ok, inputs }).toEqual({
      saved: false,
      inputs: [
        ['', 'a@example.com', 'yes', ''],
        [1, 'b@example.com', '', ''],
      ],
    });
  });
});

describe('redteam-18b: a person edits a row without an id while the run is going', () => {
  function editWorld(): World {
    const w = connectedWorld(
      [HEADERS, ['', 'a@example.com', 'yes', ''], [3, 'c@example.com', '', '']],
      { keapEmailStatus: true },
    );
    w.addContact(12, 'a@example.com');
    w.addContact(13, 'b@example.com');
    w.addContact(3, 'c@example.com');
    return w;
  }

  it('held: the email changed at any service call of the run: after the next run the row says what Keap shows for the new address', () => {
    const reference = editWorld();
    let calls = 0;
    let statusWrite = 0;
    reference.rt.run('syncNow', [], {
      user: 'owner@example.com',
      spreadsheetId: reference.spreadsheetId,
      authMode: 'FULL',
      onServiceCall: ({ n, service, method }) => {
        calls = n;
        if (`${service}.${method}` === 'Range.setValues') statusWrite = n;
      },
    });
    const problems: string[] = [];
    for (let at = 1; at <= calls; at += 1) {
      const w = editWorld();
      let done = false;
      w.rt.run('syncNow', [], {
        user: 'owner@example.com',
        spreadsheetId: w.spreadsheetId,
        authMode: 'FULL',
        onServiceCall: ({ n }) => {
          if (n === at && !done) {
            done = true;
            w.sheet().setCell(2, 2, 'b@example.com');
          }
        },
      });
      // Edited before the statuses were written: the row says nothing of a@'s contact.
      const first = String(w.column('Sync Status')[0]);
      if (at <= statusWrite && first.includes('Keap contact 12'))
        problems.push(`edited at ${at}: first run '${first}'`);
      w.call('syncNow');
      const sync = String(statuses(w)[0]);
      const keap = String(w.column('Keap Email Status')[0]);
      if (sync !== 'Updated: opted out (Keap contact 13, found by email)')
        problems.push(`edited at ${at}: sync '${sync}'`);
      if (keap !== `Opted out by this add-on on ${today(w)}`)
        problems.push(`edited at ${at}: keap '${keap}'`);
      if (w.sim.emailStatus(TENANT, 'b@example.com')?.status !== 'MANUAL')
        problems.push(`edited at ${at}: b@ not opted out`);
      if (w.column('Email')[0] !== 'b@example.com') problems.push(`edited at ${at}: input changed`);
    }
    expect(problems).toEqual([]);
  });
});

describe('redteam-18b: more odd status reads', () => {
  it('held: a status list answered over two pages shows each address its own status', () => {
    const w = connectedWorld(
      [HEADERS, [1, 'a@example.com', '', ''], ['', 'b@example.com', '', '']],
      {
        keapEmailStatus: true,
      },
    );
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'emailAddresses.list',
      times: 1,
      when: ({ request }) => !request.url.includes('page_token='),
      body: JSON.stringify({
        email_addresses: [{ email: 'a@example.com', status: 'LIST_UNSUBSCRIBE' }],
        next_page_token: 'p2',
      }),
    });
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'emailAddresses.list',
      times: 1,
      when: ({ request }) => request.url.includes('page_token=p2'),
      body: JSON.stringify({
        email_addresses: [{ email: 'b@example.com', status: 'SPAM' }],
        next_page_token: '',
      }),
    });
    w.call('syncNow');
    expect(w.column('Keap Email Status')).toEqual([
      `Unsubscribed by the person (with their mail app's unsubscribe button)${NOT_TICKED}`,
      `Marked as spam${NOT_TICKED}`,
    ]);
    expect(keapWrites(w)).toEqual([]);
  });

  it('held: the preview with the status read failing says it is incomplete and lists no row as opted out in Keap', () => {
    const w = connectedWorld(
      [HEADERS, [1, 'a@example.com', '', ''], ['', 'b@example.com', '', '']],
      {
        keapEmailStatus: true,
      },
    );
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.sim.setEmailStatus(TENANT, 'a@example.com', 'LIST_UNSUBSCRIBE');
    w.sim.inject({ kind: 'status', status: 503, route: 'emailAddresses.list' });
    const preview = w.call<{
      message: string;
      stopped?: string | null;
      optedOutInKeap?: unknown[];
    }>('previewSync');
    expect(preview.message).toMatch(/^Preview incomplete: /);
    expect(preview.stopped).toMatch(/HTTP 503/);
    expect(preview.optedOutInKeap ?? []).toEqual([]);
    expect(keapWrites(w)).toEqual([]);
  });
});

describe('redteam-18b: a record of a row without an id written over a contact record', () => {
  it('held: after inputs sorted alone and an id-less row edited, an edit made in Keap to the other contact is not undone', () => {
    const w = connectedWorld(
      [HEADERS, [1, 'a@example.com', '', ''], ['', 'b@example.com', '', '']],
      { keapEmailStatus: true },
    );
    w.addContact(1, 'a@example.com');
    w.addContact(2, 'b@example.com');
    w.call('syncNow');
    // Inputs sorted alone: row 2 now holds b@ (no id) beside contact 1's record, and back.
    w.sheet().setValues(2, 1, [
      ['', 'b@example.com', true, ''],
      [1, 'a@example.com', '', ''],
    ]);
    w.call('syncNow');
    expect(w.sim.emailStatus(TENANT, 'b@example.com')?.status).toBe('MANUAL');
    changeInKeap(w, 1, { EMAIL1: 'z@example.com' });
    const before = keapWrites(w).length;
    w.clock.advance(DAY_MS);
    w.call('syncNow');
    expect(keapWrites(w).slice(before)).toEqual([]);
    expect(w.emailsOf(1)).toEqual({ EMAIL1: 'z@example.com' });
    expect(statuses(w)[0]).toBe('Updated: opted out (Keap contact 2, found by email)');
  });
});
