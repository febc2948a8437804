import { dayStamp, noticeKey, shouldSendNotice } from '../../../src/connection/ownerNotice';

describe('owner e-mails at most once a day per kind', () => {
  const morning = Date.UTC(2026, 2, 10, 7, 5);

  it('sends when nothing was sent, or last on another day', () => {
    expect(shouldSendNotice(null, morning)).toBe(true);
    expect(shouldSendNotice('2026-03-09', morning)).toBe(true);
  });

  it('does not send twice the same UTC day, even hours apart', () => {
    expect(shouldSendNotice(dayStamp(morning), Date.UTC(2026, 2, 10, 23, 59))).toBe(false);
  });

  it('sends again the next day even if that run is a little earlier', () => {
    expect(shouldSendNotice(dayStamp(morning), Date.UTC(2026, 2, 11, 7, 0))).toBe(true);
  });

  it('keeps a separate, safe property key per kind', () => {
    expect(noticeKey('needs-reconnect')).not.toBe(noticeKey('sync-failed'));
    expect(noticeKey('a b/c')).toMatch(/^[\w.-]+$/);
    expect(noticeKey('x').startsWith('oauth2.')).toBe(false);
  });
});
