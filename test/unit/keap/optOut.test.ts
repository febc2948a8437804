import { KEAP_REST_V2_BASE, KEAP_XML_RPC_URL, XML_RPC_SUNSET_MS } from '../../../src/keap/config';
import {
  KeapUnavailableError,
  type EmailOptState,
  type WriteResult,
} from '../../../src/keap/model';
import {
  confirmOptOuts,
  isOptedOutStatus,
  isXmlRpcInService,
  OPTED_OUT_STATUSES,
  readRestAttempt,
  readXmlRpcAttempt,
  restOptOutRequest,
  xmlRpcOptOutRequest,
  type AttemptAnswer,
  type RestAttempt,
  type OptOutDeps,
  type OptOutWrite,
} from '../../../src/keap/optOut';
import { keapFailureWords } from '../../../src/sync/statusText';
import type { RequestOutcome } from '../../../src/keap/requestRunner';
import { decodeMethodResponse } from '../../../src/keap/xmlRpc';
function paramsOf(body: string): unknown[] {
  return [...body.matchAll(/<param>(<value>[\s\S]*?<\/value>)<\/param>/g)].map((m) => {
    const answer = decodeMethodResponse(
      `<methodResponse><params><param>${m[1]}</param></params></methodResponse>`,
    );
    return answer.kind === 'value' ? answer.value : null;
  });
}

const TRUE_ANSWER =
  '<?xml version="1.0"?><methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>';

function answered(status: number, body: string, contentType = 'text/xml'): RequestOutcome {
  return { kind: 'answered', response: { status, headers: { 'content-type': contentType }, body } };
}

function fault(text: string): string {
  return (
    '<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>8</int></value></member>' +
    `<member><name>faultString</name><value>${text}</value></member></struct></value></fault></methodResponse>`
  );
}

describe('the REST v2 opt-out request', () => {
  it('PATCHes the address status with opted_in false and the reason, the email encoded as one path segment', () => {
    const request = restOptOutRequest(' Zoë+news/x@exämple.com ', '  Asked by phone  ');
    expect(request.method).toBe('patch');
    expect(request.url).toBe(
      `${KEAP_REST_V2_BASE}/emailAddresses/Zo%C3%AB%2Bnews%2Fx%40ex%C3%A4mple.com/status`,
    );
    expect(request.contentType).toBe('application/json');
    expect(JSON.parse(request.body ?? '')).toEqual({ opted_in: false, reason: 'Asked by phone' });
  });

  it('gives a reason when the sheet gave none (the spec requires one)', () => {
    expect(JSON.parse(restOptOutRequest('a@x.com', '  ').body ?? '').reason).toMatch(
      /Keap Sheets Sync/,
    );
  });

  it("takes any 2xx as accepted, a 4xx as refused with Keap's words, 5xx as busy", () => {
    expect(readRestAttempt(answered(200, 'not even json'))).toEqual({ kind: 'accepted' });
    expect(readRestAttempt(answered(400, '{"code":400,"message":"No opt-out here"}'))).toEqual({
      kind: 'refused',
      keapMessage: 'No opt-out here',
    });
    expect(readRestAttempt(answered(503, 'x')).kind).toBe('busy');
    expect(readRestAttempt({ kind: 'not-sent' }).kind).toBe('not-sent');
  });
});

describe('the XML-RPC fallback request and its answers', () => {
  it('posts APIEmailService.optOut as XML with a placeholder key, the email and the reason', () => {
    const request = xmlRpcOptOutRequest('a&b@x.com', '  Asked by phone <2026>  ');
    expect(request.method).toBe('post');
    expect(request.url).toBe(KEAP_XML_RPC_URL);
    expect(request.contentType).toBe('text/xml');
    const body = request.body ?? '';
    expect(body).toContain('<methodName>APIEmailService.optOut</methodName>');
    const [key, email, reason] = paramsOf(body);
    expect(typeof key).toBe('string');
    expect(key).not.toBe('');
    expect(email).toBe('a&b@x.com');
    expect(reason).toBe('Asked by phone <2026>');
  });

  it('reads true as accepted, false or a fault as refused', () => {
    expect(readXmlRpcAttempt(answered(200, TRUE_ANSWER))).toEqual({ kind: 'accepted' });
    expect(
      readXmlRpcAttempt(answered(200, TRUE_ANSWER.replace('<boolean>1', '<boolean>0'))),
    ).toEqual({
      kind: 'refused',
      keapMessage: null,
    });
    expect(readXmlRpcAttempt(answered(200, fault('Email not found')))).toEqual({
      kind: 'refused',
      keapMessage: 'Email not found',
    });
  });

  it.each([
    ['a brownout page', answered(503, '<html><body>brownout</body></html>', 'text/html')],
    ['the shutdown page', answered(404, '<html><body>Not Found</body></html>', 'text/html')],
    ['410 Gone', answered(410, 'gone', 'text/plain')],
    [
      'a 200 HTML page',
      answered(200, '<!DOCTYPE html><html><body>maintenance</body></html>', 'text/html'),
    ],
    ['no answer at all', { kind: 'unreachable' } as RequestOutcome],
    ['an answer lost on the way', { kind: 'unconfirmed' } as RequestOutcome],
  ])('%s means the opt-out service is unavailable', (_what, outcome) => {
    expect(readXmlRpcAttempt(outcome)).toEqual({ kind: 'unavailable' });
  });

  it.each([
    ['a fault with a character reference outside Unicode', fault('bad &#x110000; char')],
    ['a fault with a huge decimal reference', fault('bad &#99999999999; char')],
    ['a truncated answer', TRUE_ANSWER.slice(0, 60)],
    ['an answer without a value', '<methodResponse><params></params></methodResponse>'],
  ])('%s is unreadable (retried), never a refusal and never a crash', (_what, body) => {
    expect(readXmlRpcAttempt(answered(200, body))).toEqual({ kind: 'unreadable' });
  });
});

describe('the XML-RPC sunset', () => {
  it('is in service until 2026-12-31T23:59:59.999Z and never from 2027-01-01T00:00Z on', () => {
    expect(XML_RPC_SUNSET_MS).toBe(Date.UTC(2027, 0, 1));
    expect(isXmlRpcInService(Date.UTC(2026, 11, 31, 23, 59, 59, 999))).toBe(true);
    expect(isXmlRpcInService(Date.UTC(2027, 0, 1))).toBe(false);
  });
});

describe('confirming opt-outs against what Keap shows', () => {
  const BEFORE = Date.UTC(2026, 11, 4);
  const AFTER = Date.UTC(2027, 0, 2);
  const writes: OptOutWrite[] = [
    { kind: 'optOut', email: 'Ann@x.com', reason: 'r' },
    { kind: 'optOut', email: 'bob@x.com', reason: 'r' },
  ];

  function world(options: {
    now: number;
    statuses: Record<string, string>;
    afterXmlRpc?: Record<string, string>;
    xmlRpc?: AttemptAnswer;
    readFails?: boolean;
  }) {
    let statuses = options.statuses;
    const calls = { reads: 0, xmlRpc: [] as string[] };
    const deps: OptOutDeps = {
      now: () => options.now,
      xmlRpc: { down: false },
      readOptStates: (emails) => {
        calls.reads += 1;
        if (options.readFails) throw new KeapUnavailableError({ kind: 'unreachable' });
        const found = new Map<string, EmailOptState>();
        for (const email of emails) {
          const status = statuses[email];
          if (status) found.set(email, { email, status, optedOut: isOptedOutStatus(status) });
        }
        return found;
      },
      sendXmlRpc: (fallback) => {
        calls.xmlRpc.push(...fallback.map((w) => w.email));
        if (options.afterXmlRpc) statuses = options.afterXmlRpc;
        return fallback.map(() => options.xmlRpc ?? { kind: 'accepted' });
      },
    };
    return { deps, calls };
  }
  const accepted: RestAttempt[] = [{ kind: 'accepted' }, { kind: 'accepted' }];
  /** The row's words of a result (chosen by the sync: src/sync/statusText.ts). */
  const words = (result: WriteResult): string =>
    result.ok ? '' : keapFailureWords(result.failure);
  const retries = (result: WriteResult): boolean =>
    !result.ok && result.failure.kind !== 'opt-out-not-done';

  it('counts an opt-out done only where the batched read-back shows it opted out', () => {
    const { deps, calls } = world({
      now: BEFORE,
      statuses: { 'ann@x.com': 'MANUAL', 'bob@x.com': 'SINGLE_OPT_IN' },
      afterXmlRpc: { 'ann@x.com': 'MANUAL', 'bob@x.com': 'MANUAL' },
    });
    expect(confirmOptOuts(writes, accepted, deps)).toEqual([{ ok: true }, { ok: true }]);
    // One read for both, then XML-RPC for bob alone, then one read for bob.
    expect(calls).toEqual({ reads: 2, xmlRpc: ['bob@x.com'] });
  });

  it('after the sunset never calls XML-RPC and says plainly Keap did not opt the person out', () => {
    const { deps, calls } = world({ now: AFTER, statuses: { 'ann@x.com': 'SINGLE_OPT_IN' } });
    const results = confirmOptOuts(
      writes,
      [{ kind: 'refused', keapMessage: 'no' }, { kind: 'accepted' }],
      deps,
    );
    expect(calls.xmlRpc).toEqual([]);
    expect(results).toEqual([
      {
        ok: false,
        failure: {
          kind: 'opt-out-not-done',
          shows: { email: 'Ann@x.com', status: 'SINGLE_OPT_IN' },
        },
      },
      {
        ok: false,
        failure: { kind: 'opt-out-not-done', shows: { email: 'bob@x.com', status: null } },
      },
    ]);
    expect(words(results[0])).toBe(
      'Keap did not opt this person out (Keap shows Ann@x.com as SINGLE_OPT_IN). Opt them out in Keap; the next run tries again',
    );
    expect(words(results[1])).toContain('Keap has no status for bob@x.com');
  });

  it('an unavailable XML-RPC is a retry, and is not called again in the same execution', () => {
    const { deps, calls } = world({
      now: BEFORE,
      statuses: { 'ann@x.com': 'SINGLE_OPT_IN', 'bob@x.com': 'SINGLE_OPT_IN' },
      xmlRpc: { kind: 'unavailable' },
    });
    const first = confirmOptOuts(writes.slice(0, 1), accepted.slice(0, 1), deps);
    expect(first).toEqual([
      {
        ok: false,
        failure: {
          kind: 'opt-out-unavailable',
          shows: { email: 'Ann@x.com', status: 'SINGLE_OPT_IN' },
        },
      },
    ]);
    expect(words(first[0])).toBe(
      "Keap's opt-out service is unavailable; Keap has not opted this person out yet (Keap shows Ann@x.com as SINGLE_OPT_IN)",
    );
    const second = confirmOptOuts(writes.slice(1), accepted.slice(1), deps);
    expect(retries(second[0])).toBe(true);
    expect(calls.xmlRpc).toEqual(['Ann@x.com']);
  });

  it('an unreadable XML-RPC answer is a retry, not a refusal, unless Keap shows it done', () => {
    const { deps } = world({
      now: BEFORE,
      statuses: { 'ann@x.com': 'SINGLE_OPT_IN', 'bob@x.com': 'SINGLE_OPT_IN' },
      afterXmlRpc: { 'ann@x.com': 'MANUAL', 'bob@x.com': 'SINGLE_OPT_IN' },
      xmlRpc: { kind: 'unreadable' },
    });
    const [ann, bob] = confirmOptOuts(writes, accepted, deps);
    expect(ann).toEqual({ ok: true });
    expect(bob).toEqual(
      expect.objectContaining({ failure: expect.objectContaining({ kind: 'opt-out-unreadable' }) }),
    );
    expect(words(bob)).toMatch(/could not read/);
  });

  it('when Keap cannot be read back, nothing counts as done', () => {
    const { deps, calls } = world({ now: BEFORE, statuses: {}, readFails: true });
    const results = confirmOptOuts(writes, accepted, deps);
    expect(results.every(retries)).toBe(true);
    expect(calls.xmlRpc).toEqual([]);
  });
});

describe('which Keap statuses count as opted out', () => {
  it.each([
    'LOCKDOWN',
    'BOUNCE',
    'HARD_BOUNCE',
    'MANUAL',
    'ADMIN',
    'SYSTEM',
    'LIST_UNSUBSCRIBE',
    'FEEDBACK',
    'SPAM',
    'INVALID',
    'DEACTIVATED',
  ])('%s is opted out', (status) => {
    expect(isOptedOutStatus(status)).toBe(true);
  });

  it.each([
    'UNENGAGED_MARKETABLE',
    'SINGLE_OPT_IN',
    'DOUBLE_OPT_IN',
    'CONFIRMED',
    'UNENGAGED_NON_MARKETABLE',
    'NON_MARKETABLE',
  ])('%s is not opted out', (status) => {
    expect(isOptedOutStatus(status)).toBe(false);
  });

  it('has exactly the eleven opted-out statuses', () => {
    expect(OPTED_OUT_STATUSES.size).toBe(11);
  });
});
