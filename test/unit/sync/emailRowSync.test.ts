import type { KeapGateway, KeapWrite, WriteResult } from '../../../src/keap/model';
import { parseEmailRecordCell } from '../../../src/sheet/emailRecord';
import { addressKeyOf, emailRowFingerprint, type EmailWork } from '../../../src/sync/emailRows';
import { syncEmailWork } from '../../../src/sync/emailRowSync';

function work(email: string, optOut: boolean, knownContact: number | null = null): EmailWork {
  const request = { email, optOut, reason: null };
  return {
    email,
    addressKey: addressKeyOf(email),
    request,
    fingerprint: emailRowFingerprint(request),
    rows: [{ row: 2, key: email }],
    knownContact,
    previous: undefined,
  };
}

function gateway(
  contacts: Record<string, number[]>,
  optedOut: string[] = [],
  answer: WriteResult = { ok: true },
) {
  const searched: string[][] = [];
  const written: KeapWrite[] = [];
  const fake: KeapGateway = {
    readContacts: () => new Map(),
    findContactsByEmail: (emails) => {
      searched.push(emails);
      return new Map(emails.map((e) => [e, contacts[e] ?? []]));
    },
    readOptStates: (emails) =>
      new Map(
        emails.map((e) => [
          e,
          { email: e, status: 'SINGLE_OPT_IN', optedOut: optedOut.includes(e) },
        ]),
      ),
    write: (writes) => {
      written.push(...writes);
      return writes.map(() => answer);
    },
    counts: () => ({ reads: 0, writes: 0, token: 0 }),
  };
  return { fake, searched, written };
}

const CTX = {
  runId: 'r',
  account: null,
  now: () => 1_000,
  day: () => 'Tue, Dec 8',
  timeZone: () => 'UTC',
};

describe('sending the work of rows without a Contact ID', () => {
  it('opts out only an address exactly one contact has, and records what was found', () => {
    const g = gateway({ 'a@x.com': [12], 'b@x.com': [], 'c@x.com': [3, 1] });
    const results = syncEmailWork(
      g.fake,
      [work('a@x.com', true), work('b@x.com', true), work('c@x.com', true)],
      CTX,
    );
    expect(g.searched).toEqual([['a@x.com', 'b@x.com', 'c@x.com']]);
    expect(g.written).toEqual([
      { kind: 'optOut', email: 'a@x.com', reason: 'Opted out via Keap Sheets Sync' },
    ]);
    expect(results.map((r) => r.statuses?.[0].status)).toEqual([
      'Updated: opted out (Keap contact 12, found by email)',
      'Error: No Keap contact has this email. Trying again on Tue, Dec 8, or when the row is edited',
      'Error: 2 Keap contacts share this email: 3, 1; put the one meant in Contact ID. Trying again on Tue, Dec 8, or when the row is edited',
    ]);
    const record = parseEmailRecordCell(results[0].statuses?.[0].record)?.record;
    expect(record).toMatchObject({ result: 'ok', found: 12, optedOutAt: 1_000 });
  });

  it('does not opt out an address Keap has opted out, and names the contact Keap shows with it now', () => {
    // Contact 12 was found before; the address is on contact 40 now, already opted out.
    const g = gateway({ 'a@x.com': [40] }, ['a@x.com']);
    const [result] = syncEmailWork(g.fake, [work('a@x.com', true, 12)], CTX);
    expect(g.searched).toEqual([['a@x.com']]);
    expect(g.written).toEqual([]);
    expect(result.statuses?.[0].status).toBe('Up to date (Keap contact 40, found by email)');
  });

  it('does not search again an address whose contact is known when the row asks for nothing', () => {
    const g = gateway({});
    const [result] = syncEmailWork(g.fake, [work('a@x.com', false, 12)], CTX);
    expect(g.searched).toEqual([]);
    expect(result.statuses?.[0].status).toBe('Up to date (Keap contact 12, found by email)');
  });

  it('searches again, with the new rows, an address whose contact is known when it has an opt-out to send', () => {
    const g = gateway({ 'a@x.com': [40], 'b@x.com': [12, 40], 'c@x.com': [], 'n@x.com': [7] });
    const results = syncEmailWork(
      g.fake,
      [
        work('a@x.com', true, 12),
        work('b@x.com', true, 12),
        work('c@x.com', true, 12),
        work('d@x.com', false, 12),
        work('n@x.com', false),
      ],
      CTX,
    );
    // One search: the ticked rows and the new row; the row with nothing to send keeps 12.
    expect(g.searched).toEqual([['a@x.com', 'b@x.com', 'c@x.com', 'n@x.com']]);
    expect(g.written).toEqual([
      { kind: 'optOut', email: 'a@x.com', reason: 'Opted out via Keap Sheets Sync' },
    ]);
    expect(results.map((r) => r.statuses?.[0].status)).toEqual([
      'Updated: opted out (Keap contact 40, found by email)',
      'Error: 2 Keap contacts share this email: 12, 40; put the one meant in Contact ID. Trying again on Tue, Dec 8, or when the row is edited',
      'Error: No Keap contact has this email. Trying again on Tue, Dec 8, or when the row is edited',
      'Up to date (Keap contact 12, found by email)',
      'Up to date (Keap contact 7, found by email)',
    ]);
  });

  it('leaves a row without a status when its opt-out was not sent in time', () => {
    const g = gateway({ 'a@x.com': [12] }, [], { ok: false, failure: { kind: 'not-sent' } });
    const [result] = syncEmailWork(g.fake, [work('a@x.com', true)], CTX);
    expect(result.statuses).toBeNull();
  });
});
