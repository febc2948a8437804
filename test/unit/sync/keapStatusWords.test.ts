import { EMAIL_STATUSES } from '../../../test/keap-sim/emailStatus';
import { isOptedOutStatus } from '../../../src/keap/optOut';
import { isReleasedStatusWords as isKeapStatusWords } from '../../../src/sync/legacyStatusWords';
import {
  KEAP_STATUS_WORDS,
  keapStatusWords,
  NOT_IN_KEAP_EMAILS,
  statusCode,
} from '../../../src/sync/statusText';

const plain = (status: string | null, optOutTicked = false) =>
  keapStatusWords({
    status,
    optedOut: status !== null && isOptedOutStatus(status),
    optOutTicked,
    optedOutByAddOnOn: null,
  });

describe('Keap email status in words', () => {
  it('has words for every status value Keap documents', () => {
    for (const status of EMAIL_STATUSES) {
      expect(KEAP_STATUS_WORDS[status]).toEqual(expect.any(String));
    }
    expect(Object.keys(KEAP_STATUS_WORDS).sort()).toEqual([...EMAIL_STATUSES].sort());
  });

  it('says what a person knows, with the box ticked as the status asks', () => {
    expect(plain('SINGLE_OPT_IN')).toBe('Subscribed');
    expect(plain('FEEDBACK', true)).toBe('Unsubscribed by the person (from a Keap email)');
    expect(plain('BOUNCE', true)).toBe('Bounced');
    expect(plain('SPAM', true)).toBe('Marked as spam');
    expect(plain('NON_MARKETABLE')).toBe('No consent yet');
    expect(plain('single_opt_in')).toBe('Subscribed');
    expect(plain(null)).toBe(NOT_IN_KEAP_EMAILS);
    expect(plain('SOMETHING_NEW')).toBe('Keap status SOMETHING_NEW');
  });

  it('shows a blank status as none, and an unknown one as a Keap code', () => {
    expect(plain('')).toBe(NOT_IN_KEAP_EMAILS);
    expect(plain('  ')).toBe(NOT_IN_KEAP_EMAILS);
    expect(plain(' -- ')).toBe(NOT_IN_KEAP_EMAILS);
    expect(plain('Opted Out')).toBe('Keap status OPTED_OUT');
    expect(plain(' quarantined-2027 ')).toBe('Keap status QUARANTINED_2027');
    expect(plain('Single Opt In')).toBe('Subscribed');
    expect(plain('X'.repeat(60))).toBe(`Keap status ${'X'.repeat(40)}`);
    expect(statusCode('a  b__c')).toBe('A_B_C');
  });

  it('names the day this add-on opted the address out, only while Keap shows its kind of opt-out', () => {
    const facts = { optedOut: true, optOutTicked: true, optedOutByAddOnOn: '2026-12-05' };
    expect(keapStatusWords({ ...facts, status: 'MANUAL' })).toBe(
      'Opted out by this add-on on 2026-12-05',
    );
    // A person's own unsubscribe since then is what Keap shows, not the add-on's opt-out.
    expect(keapStatusWords({ ...facts, status: 'SPAM' })).toBe('Marked as spam');
    // Keap naming an administrator or itself is not the add-on's opt-out either.
    expect(keapStatusWords({ ...facts, status: 'ADMIN' })).toBe(
      'Opted out by a Keap administrator',
    );
    expect(keapStatusWords({ ...facts, status: 'SYSTEM' })).toBe('Opted out by Keap');
    expect(keapStatusWords({ ...facts, status: 'LIST_UNSUBSCRIBE' })).toBe(
      KEAP_STATUS_WORDS.LIST_UNSUBSCRIBE,
    );
  });

  it('tells a row whose box is not ticked that Keap keeps the address opted out', () => {
    expect(plain('FEEDBACK')).toBe(
      'Unsubscribed by the person (from a Keap email). Opt Out is not ticked here; Keap keeps it opted out (this add-on never opts anyone back in)',
    );
    // No consent yet is not an opt-out: nothing to say.
    expect(plain('UNENGAGED_NON_MARKETABLE')).toBe(KEAP_STATUS_WORDS.UNENGAGED_NON_MARKETABLE);
  });

  it('knows its own words, and nothing a person would type, when the column is turned off', () => {
    const odd = ['SOMETHING_NEW', 'Opted Out', '  ', 'a-b c', 'Z'.repeat(99), 'ÉTAT'];
    for (const status of [...EMAIL_STATUSES, null, ...odd]) {
      for (const ticked of [false, true])
        expect(isKeapStatusWords(plain(status, ticked))).toBe(true);
    }
    const byAddOn = keapStatusWords({
      status: 'MANUAL',
      optedOut: true,
      optOutTicked: true,
      optedOutByAddOnOn: '2026-12-05',
    });
    expect(isKeapStatusWords(byAddOn)).toBe(true);
    for (const typed of [
      '',
      'VIP',
      'Bounced (I typed this)',
      'Subscribed?',
      'Keap status is odd',
      'Keap status ',
      'Keap status Opted Out',
      'Keap status _OPTED',
      'Keap status OPTED__OUT',
      `Keap status ${'X'.repeat(41)}`,
      'keap status OPTED_OUT',
    ]) {
      expect(isKeapStatusWords(typed)).toBe(false);
    }
  });
});
