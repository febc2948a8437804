import type { UnitResult } from '../../../src/sync/plan';
import {
  clockTimeOf,
  restContinues,
  runEndedByChange,
  unitStatus,
} from '../../../src/sync/statusText';

const result = (change: Partial<UnitResult>): UnitResult => ({
  plan: {} as UnitResult['plan'],
  emailChangedTo: null,
  optedOut: false,
  alreadyOptedOut: false,
  failure: null,
  ...change,
});

describe('status texts', () => {
  it.each<[Partial<UnitResult>, string | null]>([
    [{ emailChangedTo: 'a@b.com' }, 'Updated: email changed to a@b.com'],
    [{ optedOut: true }, 'Updated: opted out'],
    [{ emailChangedTo: 'a@b.com', optedOut: true }, 'Updated: email changed to a@b.com; opted out'],
    [{}, 'Up to date'],
    [{ alreadyOptedOut: true }, 'Up to date'],
    [{ failure: { kind: 'retry', reason: 'busy' } }, 'Will retry: Keap was busy'],
    [
      { failure: { kind: 'retry', reason: 'unreachable' } },
      'Will retry: Keap could not be reached',
    ],
    [{ failure: { kind: 'pending' } }, null],
    [
      { failure: { kind: 'error', message: 'contact 5 was not found in Keap' } },
      'Error: Contact 5 was not found in Keap',
    ],
    [
      {
        emailChangedTo: 'a@b.com',
        failure: { kind: 'error', message: 'Keap refused the opt-out: no' },
      },
      'Error: Email changed to a@b.com, but Keap refused the opt-out: no',
    ],
  ])('%p -> %p', (change, text) => {
    expect(unitStatus(result(change))).toBe(text);
  });
});

describe('the log row of a pending run that another account or tab ended', () => {
  it('names what changed in words people know', () => {
    expect(
      runEndedByChange({
        kind: 'account',
        from: 'xy123.infusionsoft.com',
        to: 'sbx42.infusionsoft.com',
      }),
    ).toBe(
      'This sync stopped before finishing: the Keap connection changed from Keap account xy123 to Keap account sbx42 while it was under way. A new sync for the account now connected started in its place.',
    );
    expect(runEndedByChange({ kind: 'account', from: 'key-1', to: 'key-2' })).toMatch(
      /: the Keap connection changed to another API key while/,
    );
    expect(runEndedByChange({ kind: 'tab', from: 'Contacts', to: 'People' })).toMatch(
      /the tab to sync changed from 'Contacts' to 'People' while it was under way\. A new sync of 'People' started/,
    );
  });
});

describe('when the rest of a run continues', () => {
  const at = Date.parse('2025-01-06T10:00:00Z');
  it.each([
    [{ kind: 'soon', at } as const, 'the rest continues automatically in a few minutes.'],
    [{ kind: 'hourly', at } as const, 'the rest continues automatically at about 11:00.'],
    [
      { kind: 'stopped' } as const,
      'Keap was disconnected, so the rest is synced by the next sync once Keap is connected again.',
    ],
    [
      { kind: 'none' } as const,
      'no follow-up run could be set up, so the rest is synced by the next sync.',
    ],
  ])('%j', (next, words) => {
    expect(restContinues(next, { timeZone: 'Europe/Berlin', locale: 'de_DE' })).toBe(words);
  });

  it('reads the clock in UTC when the time zone is unknown', () => {
    expect(clockTimeOf(at, { timeZone: 'Not/AZone', locale: 'de_DE' })).toBe('10:00');
  });
});
