import { RETRY_LIMITS } from '../../../src/keap/config';
import type { HttpRequest, HttpResponse } from '../../../src/keap/httpPort';
import {
  KeapUnavailableError,
  type EmailOptState,
  type EmailSlot,
  type KeapContact,
  type KeapWrite,
} from '../../../src/keap/model';
import type { RequestOutcome } from '../../../src/keap/requestRunner';
import {
  applyWritesAtMostOnce,
  isWriteApplied,
  readsToConfirm,
  type KeapStateReader,
} from '../../../src/keap/writeRecovery';
import { parseMethodCall } from '../../keap-sim/xmlrpcCodec';
import { FakeClock, json, NoAnswer, scriptedGateway } from './fakes';

const email1 = (email: string): EmailSlot[] => [{ field: 'EMAIL1', email }];
const setEmails = (contactId: number, email: string): KeapWrite => ({
  kind: 'setEmails',
  contactId,
  emails: email1(email),
});
const optOut = (email: string): KeapWrite => ({ kind: 'optOut', email, reason: 'asked' });

describe('isWriteApplied', () => {
  const contacts = new Map<number, KeapContact>([
    [
      1,
      {
        id: 1,
        emails: [
          { field: 'EMAIL2', email: 'work@x.com' },
          { field: 'EMAIL1', email: 'New@X.com' },
        ],
      },
    ],
  ]);
  const states = new Map<string, EmailOptState>([
    ['out@x.com', { email: 'out@x.com', optedOut: true, status: 'MANUAL' }],
    ['in@x.com', { email: 'in@x.com', optedOut: false, status: 'SINGLE_OPT_IN' }],
  ]);

  it('sees an email change Keap has, whatever the slot order and email case', () => {
    const write: KeapWrite = {
      kind: 'setEmails',
      contactId: 1,
      emails: [
        { field: 'EMAIL1', email: 'new@x.com' },
        { field: 'EMAIL2', email: 'work@x.com' },
      ],
    };
    expect(isWriteApplied(write, contacts, states)).toBe(true);
  });

  it('does not take a different list, a missing slot or an unknown contact for applied', () => {
    expect(isWriteApplied(setEmails(1, 'new@x.com'), contacts, states)).toBe(false);
    const moved: KeapWrite = {
      kind: 'setEmails',
      contactId: 1,
      emails: [
        { field: 'EMAIL1', email: 'work@x.com' },
        { field: 'EMAIL2', email: 'new@x.com' },
      ],
    };
    expect(isWriteApplied(moved, contacts, states)).toBe(false);
    expect(isWriteApplied(setEmails(2, 'new@x.com'), contacts, states)).toBe(false);
  });

  it('sees an opt-out only when Keap has the email opted out', () => {
    expect(isWriteApplied(optOut(' Out@X.com'), contacts, states)).toBe(true);
    expect(isWriteApplied(optOut('in@x.com'), contacts, states)).toBe(false);
    expect(isWriteApplied(optOut('unknown@x.com'), contacts, states)).toBe(false);
  });
});

describe('readsToConfirm', () => {
  it('names each contact and each (lower-cased) email once', () => {
    expect(
      readsToConfirm([
        setEmails(3, 'a@x.com'),
        optOut('B@x.com'),
        setEmails(3, 'a@x.com'),
        optOut('b@x.com '),
      ]),
    ).toEqual({ contactIds: [3], emails: ['b@x.com'] });
  });
});

/**
 * A Keap whose state the writes change, read through `reader`; `send` answers from
 * `answers` (a queue of outcomes per write key) and applies the write when it succeeds or
 * when the test says it arrived without an answer.
 */
function scriptedKeap() {
  const emails = new Map<number, EmailSlot[]>();
  const optedOut = new Set<string>();
  const sent: string[] = [];
  /** key -> what happens on each send: 'ok', 'lost-after-applying', 'lost-before-arriving'. */
  const script = new Map<string, string[]>();
  const keyOf = (write: KeapWrite) =>
    write.kind === 'setEmails' ? `patch ${write.contactId}` : `optOut ${write.email}`;
  const apply = (write: KeapWrite) => {
    if (write.kind === 'setEmails') emails.set(write.contactId, write.emails);
    else optedOut.add(write.email.toLowerCase());
  };
  let readFailure: Error | null = null;
  const reader: KeapStateReader = {
    readContacts: (ids) => {
      if (readFailure) throw readFailure;
      const found = new Map<number, KeapContact>();
      for (const id of ids)
        found.set(id, { id, emails: emails.get(id) ?? email1(`old${id}@x.com`) });
      return found;
    },
    readOptStates: (list) => {
      if (readFailure) throw readFailure;
      return new Map(
        list.map((email) => [
          email,
          { email, optedOut: optedOut.has(email), status: optedOut.has(email) ? 'MANUAL' : 'X' },
        ]),
      );
    },
  };
  const send = (writes: KeapWrite[]): RequestOutcome[] =>
    writes.map((write) => {
      const key = keyOf(write);
      sent.push(key);
      const step = script.get(key)?.shift() ?? 'ok';
      if (step === 'ok') {
        apply(write);
        return { kind: 'answered', response: json(200, {}) };
      }
      if (step === 'lost-after-applying') apply(write);
      return { kind: 'unconfirmed' };
    });
  return {
    sent,
    script,
    reader,
    send,
    failReads: (error: Error) => (readFailure = error),
  };
}

function recover(
  keap: ReturnType<typeof scriptedKeap>,
  writes: KeapWrite[],
  deadlineInMs = 600000,
) {
  const clock = new FakeClock();
  const results = applyWritesAtMostOnce(writes, {
    send: keap.send,
    reader: keap.reader,
    resultOf: (_write, outcome) =>
      outcome.kind === 'answered' ? { ok: true } : { ok: false, failure: { kind: outcome.kind } },
    applied: () => ({ ok: true }),
    clock,
    deadline: clock.now() + deadlineInMs,
    retry: RETRY_LIMITS,
  });
  return { results, clock };
}

describe('applyWritesAtMostOnce', () => {
  it('does not send again a write Keap applied though its answer was lost; sends again the one that never arrived', () => {
    const keap = scriptedKeap();
    keap.script.set('patch 1', ['lost-after-applying']);
    keap.script.set('patch 2', ['lost-before-arriving']);
    keap.script.set('optOut c@x.com', ['lost-after-applying']);
    const { results } = recover(keap, [
      setEmails(1, 'a@x.com'),
      setEmails(2, 'b@x.com'),
      optOut('c@x.com'),
    ]);
    expect(results).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    expect(keap.sent.filter((key) => key === 'patch 1')).toHaveLength(1);
    expect(keap.sent.filter((key) => key === 'optOut c@x.com')).toHaveLength(1);
    expect(keap.sent.filter((key) => key === 'patch 2')).toHaveLength(2);
  });

  it('waits longer before each new try and stops after the bounded retries, saying Keap was not reached', () => {
    const keap = scriptedKeap();
    keap.script.set('patch 5', Array(20).fill('lost-before-arriving'));
    const { results, clock } = recover(keap, [setEmails(5, 'e@x.com')]);
    expect(keap.sent).toHaveLength(1 + RETRY_LIMITS.maxServerRetries);
    expect(results).toEqual([{ ok: false, failure: { kind: 'unreachable' } }]);
    for (let i = 1; i < clock.slept.length; i += 1) {
      expect(clock.slept[i]).toBeGreaterThan(clock.slept[i - 1]);
    }
  });

  it('leaves the writes for the next run, sending nothing again, when Keap cannot be read to check', () => {
    const keap = scriptedKeap();
    keap.script.set('patch 1', ['lost-before-arriving']);
    keap.script.set('optOut c@x.com', ['lost-after-applying']);
    keap.failReads(new KeapUnavailableError({ kind: 'server-error', status: 503 }));
    const { results } = recover(keap, [
      setEmails(1, 'a@x.com'),
      optOut('c@x.com'),
      setEmails(3, 'z@x.com'),
    ]);
    expect(keap.sent).toEqual(['patch 1', 'optOut c@x.com', 'patch 3']);
    expect(results).toEqual([
      { ok: false, failure: { kind: 'unconfirmed' } },
      { ok: false, failure: { kind: 'unconfirmed' } },
      { ok: true },
    ]);
  });

  it('lets a lost connection through (the run stops and asks for a reconnect)', () => {
    const keap = scriptedKeap();
    keap.script.set('patch 1', ['lost-before-arriving']);
    keap.failReads(new Error('Keap no longer accepts this connection.'));
    expect(() => recover(keap, [setEmails(1, 'a@x.com')])).toThrow('no longer accepts');
  });

  it('does not wait past the deadline to try again: the write comes back not sent', () => {
    const keap = scriptedKeap();
    keap.script.set('patch 1', ['lost-before-arriving']);
    const { results } = recover(keap, [setEmails(1, 'a@x.com')], 500);
    expect(keap.sent).toEqual(['patch 1']);
    expect(results).toEqual([{ ok: false, failure: { kind: 'not-sent' } }]);
  });
});

/**
 * A stateful Keap over HTTP: contacts with one email each, email statuses, PATCH and the
 * XML-RPC opt-out change them. `lose` decides which requests get no answer (checked before
 * the request reaches Keap, like a dropped connection).
 */
function statefulKeap(lose: (request: HttpRequest) => boolean) {
  const contacts = new Map<number, EmailSlot[]>();
  for (let id = 1; id <= 8; id += 1) contacts.set(id, email1(`c${id}@x.com`));
  const statuses = new Map<string, string>();
  const applied: string[] = [];
  const handler = (request: HttpRequest): HttpResponse => {
    if (lose(request)) throw new NoAnswer();
    const url = new URL(request.url);
    const filter = url.searchParams.get('filter') ?? '';
    if (request.method === 'get' && url.pathname.endsWith('/contacts')) {
      const ids = filter.slice('ids=='.length).split(',').map(Number);
      return json(200, {
        contacts: ids
          .filter((id) => contacts.has(id))
          .map((id) => ({ id: String(id), email_addresses: contacts.get(id) })),
      });
    }
    if (request.method === 'get' && url.pathname.endsWith('/emailAddresses')) {
      const emails = filter.slice('emails=='.length).split(',');
      return json(200, {
        email_addresses: emails.map((email) => ({
          email,
          status: statuses.get(email) ?? 'SINGLE_OPT_IN',
        })),
      });
    }
    const optOutPath = /\/emailAddresses\/([^/]+)\/status$/.exec(url.pathname);
    if (request.method === 'patch' && optOutPath) {
      const email = decodeURIComponent(optOutPath[1]).toLowerCase();
      statuses.set(email, 'MANUAL');
      applied.push(`optOut ${email}`);
      return json(200, { email, opted_in: false, status: 'MANUAL' });
    }
    if (request.method === 'patch') {
      const id = Number(url.pathname.split('/').pop());
      const body = JSON.parse(request.body ?? '{}') as { email_addresses: EmailSlot[] };
      contacts.set(id, body.email_addresses);
      applied.push(`patch ${id}`);
      return json(200, { id: String(id) });
    }
    const call = parseMethodCall(request.body ?? '');
    const email = String(call.params[1]).toLowerCase();
    statuses.set(email, 'MANUAL');
    applied.push(`optOut ${email}`);
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: '<methodResponse><params><param><value><boolean>1</boolean></value></param></params></methodResponse>',
    };
  };
  return { contacts, statuses, applied, handler };
}

const once = (matches: (request: HttpRequest) => boolean) => {
  let left = 1;
  return (request: HttpRequest) => {
    if (left > 0 && matches(request)) {
      left -= 1;
      return true;
    }
    return false;
  };
};

describe('KeapGateway.write when one request of a batch gets no answer', () => {
  it('applies every PATCH exactly once: only the lost one is sent again', () => {
    const keap = statefulKeap(once((r) => r.method === 'patch' && r.url.includes('/contacts/4?')));
    const { gateway } = scriptedGateway(keap.handler);
    const writes = [1, 2, 3, 4, 5].map((id) => setEmails(id, `new${id}@x.com`));
    expect(gateway.write(writes)).toEqual(writes.map(() => ({ ok: true })));
    expect(keap.applied.sort()).toEqual(['patch 1', 'patch 2', 'patch 3', 'patch 4', 'patch 5']);
    expect(keap.contacts.get(4)).toEqual(email1('new4@x.com'));
    expect(gateway.counts().reads).toBe(1); // the one check of Keap's state
  });

  it('opts every email out exactly once when one opt-out of the batch is lost', () => {
    const keap = statefulKeap(once((r) => r.method === 'patch' && r.url.includes('b%40x.com')));
    const { gateway } = scriptedGateway(keap.handler);
    const writes = ['a@x.com', 'b@x.com', 'c@x.com'].map(optOut);
    expect(gateway.write(writes)).toEqual(writes.map(() => ({ ok: true })));
    expect(keap.applied.sort()).toEqual(['optOut a@x.com', 'optOut b@x.com', 'optOut c@x.com']);
  });

  it('sends nothing again when Keap cannot be read to check, and words it for the row', () => {
    let writesSent = 0;
    const keap = statefulKeap((r) => {
      if (r.method === 'get') return true;
      writesSent += 1;
      return writesSent === 2;
    });
    const { gateway } = scriptedGateway(keap.handler);
    const results = gateway.write([1, 2, 3].map((id) => setEmails(id, `new${id}@x.com`)));
    expect(keap.applied.sort()).toEqual(['patch 1', 'patch 3']);
    expect(writesSent).toBe(3);
    expect(results).toEqual([1, 2, 3].map(() => ({ ok: false, failure: { kind: 'unconfirmed' } })));
  });
});
