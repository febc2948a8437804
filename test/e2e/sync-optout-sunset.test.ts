/**
 * Opt-outs that outlive XML-RPC (issue 13): every opt-out goes through REST v2
 * `PATCH /v2/emailAddresses/{email}/status`, counts as done only when Keap's status read shows
 * it, falls back to XML-RPC only while Keap still runs it (before 2027-01-01 and not in a
 * brownout), and otherwise says on the row what Keap shows and what to do. Each combination of
 * the simulator's opt-out modes, through the built bundle, with Keap's exact final state.
 */
import type { OptOutModes, RestOptOutMode, XmlRpcMode } from '../keap-sim';
import { World } from './world';
import { DEFAULT_REASON, keapState } from './support/sync';
import { sentOptOuts, syncNow, SYNC_STATUS, SYNC_RECORD } from './support/reliability';

const DEC_31_EVENING = Date.UTC(2026, 11, 31, 20, 0);
const JAN_1_EVENING = Date.UTC(2027, 0, 1, 20, 0);
const SUNSET = Date.UTC(2027, 0, 1);

/** Row 2 keeps its email and opts out; row 3 changes email and opts the new one out; row 4 does neither. */
const ROWS = [
  [1, 'ann@example.com', true, 'Asked by phone'],
  [2, 'bo.new@example.com', true, ''],
  [3, 'cy@example.com', false, ''],
];

function worldAt(at: number, modes: Partial<OptOutModes>, rows: unknown[][] = ROWS): World {
  const w = new World({ rows, sim: { optOut: modes } });
  w.clock.advance(at - w.clock.now());
  w.addContact(1, 'ann@example.com');
  w.addContact(2, 'bo@example.com');
  w.addContact(3, 'cy@example.com');
  w.connect();
  return w;
}

function statuses(w: World): unknown[] {
  return w.column(SYNC_STATUS);
}

const OPTED_OUT_STATE = {
  1: [{ field: 'EMAIL1', email: 'ann@example.com', status: 'MANUAL', reason: 'Asked by phone' }],
  2: [{ field: 'EMAIL1', email: 'bo.new@example.com', status: 'MANUAL', reason: DEFAULT_REASON }],
  3: [{ field: 'EMAIL1', email: 'cy@example.com', status: 'SINGLE_OPT_IN' }],
};
const NOT_OPTED_OUT_STATE = {
  1: [{ field: 'EMAIL1', email: 'ann@example.com', status: 'SINGLE_OPT_IN' }],
  2: [{ field: 'EMAIL1', email: 'bo.new@example.com', status: 'NON_MARKETABLE' }],
  3: [{ field: 'EMAIL1', email: 'cy@example.com', status: 'SINGLE_OPT_IN' }],
};
const OPTED_OUT_ROWS = [
  'Updated: opted out',
  'Updated: email changed to bo.new@example.com; opted out',
  'Up to date',
];
const UNAVAILABLE_ROWS = [
  "Will retry: Keap's opt-out service is unavailable; Keap has not opted this person out yet (Keap shows ann@example.com as SINGLE_OPT_IN)",
  "Will retry: email changed to bo.new@example.com, but Keap's opt-out service is unavailable; Keap has not opted this person out yet (Keap shows bo.new@example.com as NON_MARKETABLE)",
  'Up to date',
];
const NOT_DONE_ROWS = [
  'Error: Keap did not opt this person out (Keap shows ann@example.com as SINGLE_OPT_IN). Opt them out in Keap; the next run tries again',
  'Error: Email changed to bo.new@example.com, but Keap did not opt this person out (Keap shows bo.new@example.com as NON_MARKETABLE). Opt them out in Keap; the next run tries again',
  'Up to date',
];

function ways(w: World): string[] {
  return sentOptOuts(w).map((o) => `${o.via} ${o.email} ${o.status}`);
}

describe('opt-outs on 2026-12-31, XML-RPC still scheduled to run', () => {
  // bo.new's opt-out goes after its email change, in the next write call: ann's comes first.
  const REST_ONLY = (answer: number) => [
    `rest ann@example.com ${answer}`,
    `rest bo.new@example.com ${answer}`,
  ];
  const FALLBACK = (answer: number) => [
    `rest ann@example.com ${answer}`,
    'xmlrpc ann@example.com 200',
    `rest bo.new@example.com ${answer}`,
    'xmlrpc bo.new@example.com 200',
  ];
  // A brownout's 503 is retried by the request runner (4 retries), then XML-RPC is left alone
  // for the rest of the execution; the shutdown page (404) is not retried.
  const DOWN = (answer: number, xmlRpc: number, tries: number) => [
    `rest ann@example.com ${answer}`,
    ...Array.from({ length: tries }, () => `xmlrpc ann@example.com ${xmlRpc}`),
    `rest bo.new@example.com ${answer}`,
  ];
  const cases: [RestOptOutMode, XmlRpcMode, unknown[], object, string[]][] = [
    ['works', 'up', OPTED_OUT_ROWS, OPTED_OUT_STATE, REST_ONLY(200)],
    ['works', 'brownout', OPTED_OUT_ROWS, OPTED_OUT_STATE, REST_ONLY(200)],
    ['works', 'gone', OPTED_OUT_ROWS, OPTED_OUT_STATE, REST_ONLY(200)],
    ['refused', 'up', OPTED_OUT_ROWS, OPTED_OUT_STATE, FALLBACK(400)],
    ['noop', 'up', OPTED_OUT_ROWS, OPTED_OUT_STATE, FALLBACK(200)],
    ['refused', 'brownout', UNAVAILABLE_ROWS, NOT_OPTED_OUT_STATE, DOWN(400, 503, 5)],
    ['noop', 'brownout', UNAVAILABLE_ROWS, NOT_OPTED_OUT_STATE, DOWN(200, 503, 5)],
    ['refused', 'gone', UNAVAILABLE_ROWS, NOT_OPTED_OUT_STATE, DOWN(400, 404, 1)],
    ['noop', 'gone', UNAVAILABLE_ROWS, NOT_OPTED_OUT_STATE, DOWN(200, 404, 1)],
  ];

  it.each(cases)('REST %s, XML-RPC %s', (restOptOut, xmlRpc, rows, state, sent) => {
    const w = worldAt(DEC_31_EVENING, { restOptOut, xmlRpc });
    const result = syncNow(w);
    expect(result.error).toBeUndefined();
    expect(result.value?.outcome).toBe('completed');
    expect(statuses(w)).toEqual(rows);
    expect(keapState(w, [1, 2, 3])).toEqual(state);
    expect(ways(w)).toEqual(sent);
    // Every REST request, the opt-out PATCH included, stayed inside Keap's OpenAPI spec.
    expect(w.sim.specViolations).toEqual([]);
    // One status read to plan, then one read-back per write call (two: the first wave and
    // bo.new's after its email change), and one more after each XML-RPC call that answered.
    const reads = w.sim.log.filter((e) => e.route === 'emailAddresses.list');
    expect(reads.length).toBe(restOptOut === 'works' || xmlRpc !== 'up' ? 3 : 5);
  });

  it('a brownout is tried once per execution: later opt-outs do not wait on XML-RPC again', () => {
    const w = worldAt(DEC_31_EVENING, { restOptOut: 'refused', xmlRpc: 'brownout' });
    syncNow(w);
    // ann's opt-out met the brownout (its 503s retried by the runner); bo.new's was not sent to XML-RPC.
    const xmlRpcCalls = w.sim.log.filter((e) => e.route === 'xmlrpc.optOut');
    expect(xmlRpcCalls).toHaveLength(5);
    expect(statuses(w)).toEqual(UNAVAILABLE_ROWS);
  });
});

describe('opt-outs from 2027-01-01 on: XML-RPC is never called', () => {
  it.each([
    ['works', OPTED_OUT_ROWS, OPTED_OUT_STATE],
    ['refused', NOT_DONE_ROWS, NOT_OPTED_OUT_STATE],
    ['noop', NOT_DONE_ROWS, NOT_OPTED_OUT_STATE],
  ] as [RestOptOutMode, unknown[], object][])('REST %s', (restOptOut, rows, state) => {
    const w = worldAt(JAN_1_EVENING, { restOptOut, xmlRpc: 'up' });
    const result = syncNow(w);
    expect(result.value?.outcome).toBe('completed');
    expect(statuses(w)).toEqual(rows);
    expect(keapState(w, [1, 2, 3])).toEqual(state);
    expect(w.rt.requests.filter((r) => r.request.url.includes('/xmlrpc/'))).toEqual([]);
    expect(sentOptOuts(w).map((o) => o.via)).toEqual(['rest', 'rest']);
    expect(w.sim.specViolations).toEqual([]);
  });

  it('a row Keap did not opt out is tried again by the next run without an edit', () => {
    const w = worldAt(JAN_1_EVENING, { restOptOut: 'refused' });
    syncNow(w);
    expect(statuses(w)).toEqual(NOT_DONE_ROWS);
    // Its record does not mark it synced.
    expect(w.column(SYNC_RECORD).slice(0, 2)).toEqual([
      expect.stringMatching(/\|retry\|/),
      expect.stringMatching(/\|retry\|/),
    ]);
    w.clock.advance(24 * 3600_000);
    syncNow(w);
    expect(statuses(w)).toEqual(
      NOT_DONE_ROWS.map((s) =>
        s.replace(/^Error: Email changed to bo.new@example.com, but /, 'Error: '),
      ),
    );
    w.sim.setOptOutModes({ restOptOut: 'works' });
    w.clock.advance(24 * 3600_000);
    syncNow(w);
    expect(statuses(w)).toEqual(['Updated: opted out', 'Updated: opted out', 'Up to date']);
    expect(keapState(w, [1, 2, 3])).toEqual(OPTED_OUT_STATE);
    expect(sentOptOuts(w).filter((o) => o.via === 'rest')).toHaveLength(6);
  });
});

describe('a sync that spans the sunset', () => {
  it('Dec 31 in a brownout: will retry; Jan 1: no XML-RPC, says what Keap shows; REST fixed: done', () => {
    const w = worldAt(DEC_31_EVENING, { restOptOut: 'refused', xmlRpc: 'brownout' });
    syncNow(w);
    expect(statuses(w)).toEqual(UNAVAILABLE_ROWS);
    const xmlRpcBefore = w.sim.log.filter((e) => e.route === 'xmlrpc.optOut').length;
    expect(xmlRpcBefore).toBeGreaterThan(0);

    // The brownout ends, but it is 2027 now: XML-RPC is gone and the add-on does not call it.
    w.sim.setOptOutModes({ xmlRpc: 'up' });
    w.clock.advance(JAN_1_EVENING - w.clock.now());
    expect(w.sim.currentOptOutModes().xmlRpc).toBe('gone');
    syncNow(w);
    expect(w.sim.log.filter((e) => e.at >= SUNSET && e.route === 'xmlrpc.optOut')).toEqual([]);
    expect(statuses(w)).toEqual([
      NOT_DONE_ROWS[0],
      'Error: Keap did not opt this person out (Keap shows bo.new@example.com as NON_MARKETABLE). Opt them out in Keap; the next run tries again',
      'Up to date',
    ]);
    expect(keapState(w, [1, 2, 3])).toEqual(NOT_OPTED_OUT_STATE);

    w.sim.setOptOutModes({ restOptOut: 'works' });
    w.clock.advance(24 * 3600_000);
    syncNow(w);
    expect(statuses(w)).toEqual(['Updated: opted out', 'Updated: opted out', 'Up to date']);
    expect(keapState(w, [1, 2, 3])).toEqual(OPTED_OUT_STATE);
  });

  it('Dec 31 through the XML-RPC fallback, Jan 1 a new opt-out through REST alone', () => {
    const w = worldAt(DEC_31_EVENING, { restOptOut: 'noop', xmlRpc: 'up' });
    syncNow(w);
    expect(statuses(w)).toEqual(OPTED_OUT_ROWS);
    w.sim.setOptOutModes({ restOptOut: 'works' });
    w.clock.advance(JAN_1_EVENING - w.clock.now());
    w.sheet().setValues(4, 1, [[3, 'cy@example.com', true, 'Unsubscribed by letter']]);
    syncNow(w);
    expect(statuses(w)).toEqual([OPTED_OUT_ROWS[0], OPTED_OUT_ROWS[1], 'Updated: opted out']);
    expect(keapState(w, [3])).toEqual({
      3: [
        {
          field: 'EMAIL1',
          email: 'cy@example.com',
          status: 'MANUAL',
          reason: 'Unsubscribed by letter',
        },
      ],
    });
    expect(ways(w).slice(4)).toEqual(['rest cy@example.com 200']);
  });
});

describe('odd answers and odd addresses', () => {
  it('an XML-RPC fault with a bad character reference retries that row and the run goes on', () => {
    const w = worldAt(DEC_31_EVENING, { restOptOut: 'refused', xmlRpc: 'up' });
    w.sim.inject({
      kind: 'status',
      status: 200,
      route: 'xmlrpc.optOut',
      times: 1,
      when: (t) => t.request.body.includes('ann@example.com'),
      body:
        '<?xml version="1.0"?><methodResponse><fault><value><struct><member><name>faultCode</name><value><int>2</int></value></member>' +
        '<member><name>faultString</name><value>Bad &#x110000; character</value></member></struct></value></fault></methodResponse>',
    });
    const result = syncNow(w);
    expect(result.error).toBeUndefined();
    expect(result.value?.outcome).toBe('completed');
    expect(statuses(w)).toEqual([
      'Will retry: Keap sent an opt-out answer the add-on could not read; Keap has not opted this person out yet (Keap shows ann@example.com as SINGLE_OPT_IN)',
      OPTED_OUT_ROWS[1],
      'Up to date',
    ]);
    // The next run tries it again without an edit.
    w.clock.advance(3600_000);
    syncNow(w);
    expect(statuses(w)[0]).toBe('Updated: opted out');
  });

  it('emails with + and non-ASCII letters travel encoded in the path; a shared address is opted out once', () => {
    const rows = [
      [4, '', true, ''],
      [5, '', true, ''],
      [6, '', true, 'r'],
    ];
    const w = new World({ rows });
    w.clock.advance(DEC_31_EVENING - w.clock.now());
    w.addContact(4, 'Zoë+news@exämple.com');
    w.addContact(5, 'shared+team@example.com');
    w.addContact(6, 'shared+team@example.com');
    w.connect();
    syncNow(w);
    expect(statuses(w)).toEqual(['Updated: opted out', 'Updated: opted out', 'Updated: opted out']);
    const paths = w.sim.log
      .filter((e) => e.route === 'emailAddresses.updateStatus')
      .map((e) => e.path);
    expect(paths.sort()).toEqual([
      '/crm/rest/v2/emailAddresses/Zo%C3%AB%2Bnews%40ex%C3%A4mple.com/status',
      '/crm/rest/v2/emailAddresses/shared%2Bteam%40example.com/status',
    ]);
    expect(w.sim.emailStatus('xy123', 'zoë+news@exämple.com')?.status).toBe('MANUAL');
    expect(w.sim.emailStatus('xy123', 'shared+team@example.com')?.status).toBe('MANUAL');
    expect(w.sim.specViolations).toEqual([]);
  });

  it('a status read that keeps answering 429 after the opt-outs: nothing is called opted out', () => {
    const w = worldAt(JAN_1_EVENING, { restOptOut: 'works' });
    let reads = 0;
    w.sim.inject({
      kind: 'throttle',
      route: 'emailAddresses.list',
      when: () => (reads += 1) > 1,
    });
    syncNow(w);
    const shown = statuses(w);
    expect(shown.slice(0, 2).every((s) => String(s).startsWith('Will retry:'))).toBe(true);
    expect(shown.join('\n')).not.toMatch(/opted out$/m);
    w.sim.clearFaults();
    w.clock.advance(3600_000);
    syncNow(w);
    expect(statuses(w)).toEqual(['Up to date', 'Up to date', 'Up to date']);
    expect(keapState(w, [1, 2, 3])).toEqual(OPTED_OUT_STATE);
  });
});
