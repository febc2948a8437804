import type { WriteFailure } from '../../../src/keap/failure';
import type { EmailOptState, KeapContact, WriteResult } from '../../../src/keap/model';
import {
  DEFAULT_OPT_OUT_REASON,
  firstWave,
  planUnit,
  resolveUnit,
  secondWave,
} from '../../../src/sync/plan';
import type { WorkUnit } from '../../../src/sync/worklist';

function unit(request: Partial<WorkUnit['request']>): WorkUnit {
  return {
    contactId: 10,
    request: { contactId: 10, email: null, optOut: false, reason: null, ...request },
    fingerprint: 'v1:x',
    rows: [{ row: 2, key: 'k' }],
  };
}

const contact: KeapContact = {
  id: 10,
  emails: [
    { field: 'EMAIL2', email: 'Work@Corp.com' },
    { field: 'EMAIL1', email: 'Old@X.com' },
    { field: 'EMAIL3', email: 'third@x.com' },
  ],
};
const noOptStates = new Map<string, EmailOptState>();
const optedOut = (email: string) =>
  new Map<string, EmailOptState>([[email, { email, optedOut: true, status: 'MANUAL' }]]);

describe('planning against Keap', () => {
  it('changes EMAIL1 and sends EMAIL2 and EMAIL3 back exactly', () => {
    const plan = planUnit(unit({ email: 'new@x.com' }), contact, noOptStates);
    expect(plan.emailChange).toEqual({
      from: 'Old@X.com',
      to: 'new@x.com',
      write: {
        kind: 'setEmails',
        contactId: 10,
        emails: [
          { field: 'EMAIL2', email: 'Work@Corp.com' },
          { field: 'EMAIL1', email: 'new@x.com' },
          { field: 'EMAIL3', email: 'third@x.com' },
        ],
      },
    });
    expect(plan.optOut).toBeNull();
  });

  it('adds EMAIL1 to a contact that has none, keeping the others', () => {
    const plan = planUnit(
      unit({ email: 'new@x.com' }),
      { id: 10, emails: [{ field: 'EMAIL2', email: 'w@x.com' }] },
      noOptStates,
    );
    expect(plan.emailChange?.write).toMatchObject({
      emails: [
        { field: 'EMAIL1', email: 'new@x.com' },
        { field: 'EMAIL2', email: 'w@x.com' },
      ],
    });
  });

  it('writes nothing when the email only differs in case', () => {
    const plan = planUnit(unit({ email: 'old@x.com' }), contact, noOptStates);
    expect(plan.emailChange).toBeNull();
    expect(firstWave([plan]).size).toBe(0);
  });

  it("opts out the contact's EMAIL1 when the row has no email, with the default reason", () => {
    const plan = planUnit(unit({ optOut: true }), contact, noOptStates);
    expect(plan.optOut?.write).toEqual({
      kind: 'optOut',
      email: 'Old@X.com',
      reason: DEFAULT_OPT_OUT_REASON,
    });
  });

  it("uses the row's reason", () => {
    const plan = planUnit(unit({ optOut: true, reason: 'asked by phone' }), contact, noOptStates);
    expect(plan.optOut?.reason).toBe('asked by phone');
  });

  it('skips an opt-out Keap already has', () => {
    const plan = planUnit(unit({ optOut: true }), contact, optedOut('old@x.com'));
    expect(plan.optOut).toBeNull();
    expect(plan.alreadyOptedOut).toBe(true);
  });

  it('opts out the NEW email only after the email change succeeded', () => {
    const plan = planUnit(unit({ email: 'new@x.com', optOut: true }), contact, noOptStates);
    const first = firstWave([plan]);
    expect([...first.values()].map((w) => w.kind)).toEqual(['setEmails']);
    const failed: WriteResult = { ok: false, failure: { kind: 'forbidden', keapMessage: 'no' } };
    expect(secondWave([plan], new Map([[plan, failed]])).size).toBe(0);
    const second = secondWave([plan], new Map([[plan, { ok: true }]]));
    expect([...second.values()]).toEqual([
      { kind: 'optOut', email: 'new@x.com', reason: DEFAULT_OPT_OUT_REASON },
    ]);
  });

  it('does not opt out a new email Keap already has opted out', () => {
    const plan = planUnit(
      unit({ email: 'new@x.com', optOut: true }),
      contact,
      optedOut('new@x.com'),
    );
    expect(plan.emailChange).not.toBeNull();
    expect(plan.optOut).toBeNull();
  });

  it('reports a contact Keap does not know and sends nothing', () => {
    const plan = planUnit(unit({ email: 'new@x.com' }), undefined, noOptStates);
    expect(plan.error).toBe('Contact 10 was not found in Keap');
    expect(firstWave([plan]).size).toBe(0);
  });

  it('reports an opt-out with no email anywhere', () => {
    const plan = planUnit(unit({ optOut: true }), { id: 10, emails: [] }, noOptStates);
    expect(plan.error).toMatch(/no email/);
  });
});

describe('results of the writes', () => {
  const both = planUnit(unit({ email: 'new@x.com', optOut: true }), contact, noOptStates);
  const busy: WriteResult = { ok: false, failure: { kind: 'throttled' } };
  const late: WriteResult = { ok: false, failure: { kind: 'not-sent' } };
  const refused: WriteResult = {
    ok: false,
    failure: { kind: 'refused', status: 400, keapMessage: 'invalid email' },
  };

  it('counts both changes when both writes succeeded', () => {
    expect(resolveUnit(both, { ok: true }, { ok: true })).toMatchObject({
      emailChangedTo: 'new@x.com',
      optedOut: true,
      failure: null,
    });
  });

  it('keeps the email change when the opt-out must wait', () => {
    expect(resolveUnit(both, { ok: true }, busy)).toMatchObject({
      emailChangedTo: 'new@x.com',
      optedOut: false,
      failure: { kind: 'retry', reason: 'busy' },
    });
    expect(resolveUnit(both, { ok: true }, late)).toMatchObject({ failure: { kind: 'pending' } });
  });

  it('tells a network failure from a busy Keap by the failure the gateway gives', () => {
    const lost = (failure: WriteFailure): WriteResult => ({ ok: false, failure });
    expect(resolveUnit(both, lost({ kind: 'unreachable' }), undefined).failure).toEqual({
      kind: 'retry',
      reason: 'unreachable',
    });
    expect(resolveUnit(both, lost({ kind: 'unconfirmed' }), undefined).failure).toEqual({
      kind: 'retry',
      reason: 'unreachable',
    });
    expect(resolveUnit(both, lost({ kind: 'throttled' }), undefined).failure).toEqual({
      kind: 'retry',
      reason: 'busy',
    });
    expect(
      resolveUnit(both, lost({ kind: 'server-error', status: 503 }), undefined).failure,
    ).toEqual({
      kind: 'retry',
      reason: 'busy',
    });
  });

  it('explains a refusal', () => {
    expect(resolveUnit(both, refused, undefined)).toMatchObject({
      emailChangedTo: null,
      failure: {
        kind: 'error',
        message: 'Keap refused the email change: Keap refused the email: invalid email',
      },
    });
  });

  it('is up to date when nothing had to be written', () => {
    const same = planUnit(unit({ email: 'old@x.com' }), contact, noOptStates);
    expect(resolveUnit(same, undefined, undefined)).toMatchObject({
      emailChangedTo: null,
      optedOut: false,
      failure: null,
    });
  });
});
