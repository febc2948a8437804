import {
  accountFromScope,
  asKeapToken,
  isTokenOlderThan,
  tokenIssuedAtMs,
} from '../../../src/connection/keapToken';

describe('the Keap account from the token scope', () => {
  it.each([
    ['full|xy123.infusionsoft.com', 'xy123.infusionsoft.com'],
    ['full|XY123.Infusionsoft.com', 'xy123.infusionsoft.com'],
    ['openid full|ab9.keap.app', 'ab9.keap.app'],
  ])('%s -> %s', (scope, account) => {
    expect(accountFromScope(scope)).toBe(account);
  });

  it.each([undefined, null, '', 'full', 'full|', 'full|<script>.com', 'full|nodot'])(
    'no account in %p',
    (scope) => {
      expect(accountFromScope(scope)).toBeNull();
    },
  );
});

describe('token age', () => {
  const now = Date.UTC(2026, 0, 5, 12, 0, 0);
  const issued = (hoursAgo: number) => ({
    access_token: 'a',
    expires_in: 86400,
    expiresAt: (now - hoursAgo * 3600 * 1000) / 1000 + 86400,
  });

  it('tells when the token was issued from the library’s expiresAt', () => {
    expect(tokenIssuedAtMs(issued(3))).toBe(now - 3 * 3600 * 1000);
  });

  it('is older than 12 h only past 12 h, and unknown age counts as old', () => {
    const twelveHours = 12 * 3600 * 1000;
    expect(isTokenOlderThan(issued(11.9), twelveHours, now)).toBe(false);
    expect(isTokenOlderThan(issued(12.1), twelveHours, now)).toBe(true);
    expect(isTokenOlderThan({ access_token: 'a' }, twelveHours, now)).toBe(true);
  });

  it('accepts only tokens with an access token', () => {
    expect(asKeapToken(null)).toBeNull();
    expect(asKeapToken({ refresh_token: 'r' })).toBeNull();
    expect(asKeapToken({ access_token: 'a' })?.access_token).toBe('a');
  });
});
