/**
 * The typed failures of the Keap client (src/keap/failure.ts) and where they become words
 * (src/sync/statusText.ts) and decisions (src/sync/plan.ts, src/sync/stopWords.ts): every
 * kind has words and a decision, and a kind nobody handles does not compile.
 */
import type {
  ConnectionFault,
  ConnectionProblem,
  ConnectionProblemKind,
  KeapFailure,
  KeapFailureKind,
  UnavailableFailure,
  WriteFailure,
} from '../../../src/keap/failure';
import {
  KeapAccessError,
  KeapDailyLimitError,
  KeapUnavailableError,
} from '../../../src/keap/model';
import { planUnit, resolveUnit } from '../../../src/sync/plan';
import {
  connectionFaultWords,
  connectionProblemWords,
  keapFailureWords,
  keapTroubleSentence,
  optOutFailureText,
  unitStatus,
  writeRefusalText,
} from '../../../src/sync/statusText';
import { stopFor } from '../../../src/sync/stopWords';
import type { UnitFailure } from '../../../src/sync/unitFailure';

const shows = { email: 'a@x.com', status: 'SINGLE_OPT_IN' };

/** One failure of every kind: a kind added to the union and missing here does not compile. */
const EVERY_KIND: { [K in KeapFailureKind]: Extract<KeapFailure, { kind: K }> } = {
  'not-sent': { kind: 'not-sent' },
  unreachable: { kind: 'unreachable' },
  unconfirmed: { kind: 'unconfirmed' },
  throttled: { kind: 'throttled' },
  'server-error': { kind: 'server-error', status: 503 },
  'not-found': { kind: 'not-found', keapMessage: null },
  forbidden: { kind: 'forbidden', keapMessage: 'Not yours' },
  refused: { kind: 'refused', status: 400, keapMessage: 'Invalid filter' },
  unreadable: { kind: 'unreadable' },
  'too-long': { kind: 'too-long' },
  'kept-paging': { kind: 'kept-paging' },
  'daily-limit': { kind: 'daily-limit', resetsAt: Date.UTC(2026, 0, 6) },
  unauthorized: {
    kind: 'unauthorized',
    problem: { kind: 'recorded', text: 'Keap refused the app.', instructs: false },
  },
  connection: {
    kind: 'connection',
    fault: { kind: 'described', text: 'Another run held the Keap connection' },
  },
  'opt-out-unconfirmed': { kind: 'opt-out-unconfirmed' },
  'opt-out-unavailable': { kind: 'opt-out-unavailable', shows },
  'opt-out-unreadable': { kind: 'opt-out-unreadable', shows },
  'opt-out-not-done': { kind: 'opt-out-not-done', shows },
};
const failures = Object.values(EVERY_KIND) as KeapFailure[];

describe('every Keap failure has words', () => {
  it.each(failures.map((failure) => [failure.kind, failure]))('%s', (_kind, failure) => {
    for (const reading of [null, 'contacts']) {
      expect(keapFailureWords(failure, reading).trim()).not.toBe('');
      expect(keapTroubleSentence(failure, reading)).toMatch(/^[A-Z].*[.!?]$/);
    }
  });

  it('keeps the words people have always read', () => {
    const words = (failure: KeapFailure, reading: string | null = null) =>
      keapFailureWords(failure, reading);
    expect(words(EVERY_KIND.throttled)).toBe('Keap is busy (throttled); will retry next run');
    expect(words(EVERY_KIND.unreachable)).toBe(
      'Could not reach Keap (network error); will retry next run',
    );
    expect(words(EVERY_KIND['server-error'])).toBe(
      'Keap had a server error (HTTP 503); will retry next run',
    );
    expect(words(EVERY_KIND.refused, 'email statuses')).toBe(
      'Keap refused to list email statuses: Invalid filter',
    );
    expect(words(EVERY_KIND['not-found'], 'contacts')).toBe(
      'Keap refused to list contacts: Keap gave no reason (its error code was 404)',
    );
    expect(words(EVERY_KIND.unreadable, 'contacts')).toBe(
      'Keap sent an answer the add-on could not read; will retry next run (while reading contacts).',
    );
    expect(keapTroubleSentence(EVERY_KIND.refused, 'contacts')).toBe(
      'Keap refused to list contacts: Invalid filter.',
    );
    expect(keapTroubleSentence(EVERY_KIND.connection)).toBe(
      'Another run held the Keap connection.',
    );
  });

  it('words a refused write as the row has always said it', () => {
    const setEmails = { kind: 'setEmails' as const, contactId: 7, emails: [] };
    const optOut = { kind: 'optOut' as const, email: 'a@x.com', reason: '' };
    expect(writeRefusalText(EVERY_KIND['not-found'], setEmails)).toBe(
      'Keap refused the email change: Keap has no contact with id 7',
    );
    expect(writeRefusalText(EVERY_KIND.forbidden, setEmails)).toBe(
      'Keap refused the email change: Keap did not allow the change: Not yours',
    );
    expect(writeRefusalText(EVERY_KIND.refused, setEmails)).toBe(
      'Keap refused the email change: Keap refused the email: Invalid filter',
    );
    expect(writeRefusalText(EVERY_KIND.refused, optOut)).toBe(
      'Keap refused the opt-out: Invalid filter',
    );
    expect(optOutFailureText(EVERY_KIND['opt-out-unconfirmed'])).toBe(
      'Keap accepted the opt-out but its status could not be read back to confirm it; the next run checks',
    );
  });

  it('does not compile a kind nobody handles', () => {
    // @ts-expect-error: 'teapot' is no KeapFailure kind, so it has no words.
    const unknown: KeapFailure = { kind: 'teapot' };
    const notAWriteFailure: WriteFailure = {
      // @ts-expect-error: a write never fails for lack of a connection (that stops the run).
      kind: 'unauthorized',
      problem: { kind: 'not-connected' },
    };
    // @ts-expect-error: an opt-out outcome is a write's, never a read's.
    const notUnavailable: UnavailableFailure = { kind: 'opt-out-not-done', shows };
    expect([unknown, notAWriteFailure, notUnavailable]).toHaveLength(3);
  });
});

describe('every write failure has a decision for its row', () => {
  const plan = planUnit(
    {
      contactId: 10,
      request: { contactId: 10, email: 'new@x.com', optOut: false, reason: null },
      fingerprint: 'v1:x',
      rows: [{ row: 2, key: 'k' }],
    },
    { id: 10, emails: [{ field: 'EMAIL1', email: 'old@x.com' }] },
    new Map(),
  );
  const WRITE_DECISIONS: { [K in WriteFailure['kind']]: UnitFailure['kind'] } = {
    'not-sent': 'pending',
    unreachable: 'retry',
    unconfirmed: 'retry',
    throttled: 'retry',
    'server-error': 'retry',
    'not-found': 'error',
    forbidden: 'error',
    refused: 'error',
    'opt-out-unconfirmed': 'retry',
    'opt-out-unavailable': 'retry',
    'opt-out-unreadable': 'retry',
    'opt-out-not-done': 'error',
  };

  it.each(Object.entries(WRITE_DECISIONS))('%s: %s', (kind, decision) => {
    const failure = EVERY_KIND[kind as WriteFailure['kind']] as WriteFailure;
    const result = resolveUnit(plan, { ok: false, failure }, undefined);
    expect(result.failure?.kind).toBe(decision);
    const status = unitStatus(result);
    if (decision === 'pending') expect(status).toBeNull();
    else expect(status).toMatch(decision === 'retry' ? /^Will retry: / : /^Error: /);
  });
});

describe('every failure the client throws has a stop', () => {
  it.each(failures.map((failure) => [failure.kind, failure]))('%s', (kind, failure) => {
    const error =
      failure.kind === 'unauthorized'
        ? new KeapAccessError(failure.problem)
        : failure.kind === 'daily-limit'
          ? new KeapDailyLimitError(failure.resetsAt)
          : new KeapUnavailableError(failure as UnavailableFailure, 'contacts');
    const stop = stopFor(error);
    expect(stop.outcome).toBe(kind === 'unauthorized' ? 'needs-reconnect' : 'failed');
    expect(stop.message).toMatch(/^[A-Z].*\.$/);
    expect(stop.message).not.toContain('unexpectedly');
  });
});

describe('every connection problem and fault has words', () => {
  const problems: Record<ConnectionProblemKind, ConnectionProblem> = {
    'sign-in-ended': { kind: 'sign-in-ended' },
    'app-rejected': { kind: 'app-rejected' },
    'api-key-rejected': { kind: 'api-key-rejected' },
    'token-refused': { kind: 'token-refused' },
    'not-connected': { kind: 'not-connected' },
    'not-set-up': { kind: 'not-set-up', missing: ['KEAP_CLIENT_ID'] },
    recorded: { kind: 'recorded', text: 'Keap said no.', instructs: true },
  };
  it.each(Object.entries(problems))('%s', (_kind, problem) => {
    expect(connectionProblemWords(problem)).toMatch(/^[A-Z].*\.$/);
    const stop = stopFor(new KeapAccessError(problem));
    expect(stop.outcome).toBe('needs-reconnect');
    expect(stop.message).toMatch(/^[A-Z].*\.$/);
  });

  const faults: Record<ConnectionFault['kind'], ConnectionFault> = {
    'lock-busy': { kind: 'lock-busy' },
    'renewal-failed': { kind: 'renewal-failed' },
    described: { kind: 'described', text: 'Service unavailable.' },
  };
  it.each(Object.entries(faults))('%s', (_kind, fault) => {
    expect(connectionFaultWords(fault)).toMatch(/^[A-Z].*\.$/);
    const stop = stopFor(new KeapUnavailableError({ kind: 'connection', fault }));
    expect(stop.outcome).toBe('failed');
  });
});
