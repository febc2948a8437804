import {
  exchangeFailure,
  providerFailure,
  type ConsentFailure,
} from '../../../src/connection/callbackPage';
import { consentFailureWords, consentPage } from '../../../src/ui/consentPage';

/** The page of a failed consent (words chosen in src/ui/consentPage.ts). */
const failedPage = (failure: ConsentFailure) => consentPage({ kind: 'failed', failure });
/** A failure's sentence, as the page says it. */
const exchangeFailureReason = (error: unknown, secrets: string[]) =>
  consentFailureWords(exchangeFailure(error, secrets));
const providerErrorReason = (error: string, description: string | undefined) =>
  consentFailureWords(providerFailure(error, description));

describe('the page after Keap’s consent screen', () => {
  it('says connected, which account, and that the tab can be closed', () => {
    const page = consentPage({ kind: 'connected', account: 'xy123.infusionsoft.com' });
    expect(page.outcome).toBe('connected');
    expect(page.account).toBe('xy123.infusionsoft.com');
    expect(page.closeHint).toMatch(/close this tab/);
  });

  it('says plainly that nothing was connected after a denial', () => {
    const page = consentPage({ kind: 'denied' });
    expect(page.outcome).toBe('denied');
    expect(page.message).toMatch(/not granted/);
    expect(page.account).toBeNull();
  });

  it('explains an expired or reused code', () => {
    const failure = exchangeFailure(
      new Error('Error retrieving token: invalid_grant, Invalid code'),
      [],
    );
    expect(failedPage(failure).message).toMatch(/expired or was already used/);
  });

  it('never shows the client secret or the code from a failure message', () => {
    const reason = exchangeFailureReason(
      new Error('Error retrieving token: 500: {"echo":"client_secret=TopSecret123&code=abcd1234"}'),
      ['TopSecret123', 'abcd1234'],
    );
    expect(reason).not.toContain('TopSecret123');
    expect(reason).not.toContain('abcd1234');
  });

  it('passes on Keap’s own error words, shortened', () => {
    const reason = providerErrorReason('server_error', 'x'.repeat(500));
    expect(reason.length).toBeLessThan(260);
    expect(providerErrorReason('invalid_scope', undefined)).toContain('invalid_scope');
  });
});
