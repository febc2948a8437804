import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { VirtualClock } from './clock';
import { removeBundles, runtimeWith } from './testSupport';

afterAll(removeBundles);

const BUNDLE = `
function digest(text) { return Utilities.computeDigest(Utilities.DigestAlgorithm.SHA_256, text, Utilities.Charset.UTF_8); }
function roundTrip(text) {
  var encoded = Utilities.base64EncodeWebSafe(text);
  return [encoded, Utilities.newBlob(Utilities.base64DecodeWebSafe(encoded)).getDataAsString()];
}
function rsa(text, key) {
  var sig = Utilities.computeRsaSha256Signature(text, key);
  return [Array.isArray(sig), sig];
}
function format(tz, pattern) { return Utilities.formatDate(new Date(), tz, pattern); }
function uuid() { return Utilities.getUuid(); }
function mail(n) {
  for (var i = 0; i < n; i++) MailApp.sendEmail('ann@example.com', 'Sync report ' + i, 'All rows synced.');
  MailApp.sendEmail({ to: 'bob@example.com', subject: 'HTML', body: 'plain', htmlBody: '<b>rich</b>' });
  return MailApp.getRemainingDailyQuota();
}
function authStatus() {
  var info = ScriptApp.getAuthorizationInfo(ScriptApp.AuthMode.FULL);
  return [String(info.getAuthorizationStatus()), info.getAuthorizationUrl() !== null];
}
`;

describe('Utilities', () => {
  test('computeDigest returns signed bytes, as Java does', () => {
    const rt = runtimeWith(BUNDLE);
    const expected = [...createHash('sha256').update('héllo', 'utf8').digest()].map((b) =>
      b > 127 ? b - 256 : b,
    );
    const bytes = rt.run<number[]>('digest', ['héllo']).value as number[];
    expect(bytes).toEqual(expected);
    expect(bytes.some((b) => b < 0)).toBe(true);
  });

  test('web-safe base64 round-trips through bytes and a blob', () => {
    const rt = runtimeWith(BUNDLE);
    const [encoded, decoded] = rt.run<string[]>('roundTrip', ['a?b>c~ü']).value as string[];
    expect(encoded).toBe(Buffer.from('a?b>c~ü').toString('base64url') + '=');
    expect(decoded).toBe('a?b>c~ü');
  });

  test('computeRsaSha256Signature signs with a PEM key (signed bytes); a bad key is an invalid argument', () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const rt = runtimeWith(BUNDLE);
    const [isArray, bytes] = rt.run<[boolean, number[]]>('rsa', ['héllo', pem]).value as [
      boolean,
      number[],
    ];
    expect(isArray).toBe(true);
    expect(bytes.every((b) => b >= -128 && b <= 127)).toBe(true);
    const signature = Buffer.from(bytes.map((b) => b & 0xff));
    expect(verify('sha256', Buffer.from('héllo', 'utf8'), publicKey, signature)).toBe(true);
    expect(rt.run('rsa', ['x', 'not a key']).error).toMatchObject({
      name: 'Exception',
      message: 'Invalid argument: key',
    });
  });

  test('formatDate prints the virtual time in the given zone', () => {
    const rt = runtimeWith(BUNDLE, { clock: new VirtualClock(Date.UTC(2025, 6, 4, 3, 7, 9)) });
    expect(rt.run('format', ['America/New_York', "yyyy-MM-dd'T'HH:mm:ss XXX"]).value).toBe(
      '2025-07-03T23:07:09 -04:00',
    );
    expect(rt.run('format', ['Etc/UTC', 'EEE d MMM yy, h:mm a']).value).toBe(
      'Fri 4 Jul 25, 3:07 AM',
    );
  });

  test('getUuid gives version-4 UUIDs, different each call', () => {
    const rt = runtimeWith(BUNDLE);
    const a = rt.run<string>('uuid').value;
    const b = rt.run<string>('uuid').value;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a).not.toBe(b);
  });
});

describe('MailApp and authorization info', () => {
  test('mail is recorded with its time, and the daily quota goes down', () => {
    const rt = runtimeWith(BUNDLE);
    expect(rt.run('mail', [2]).value).toBe(97);
    expect(rt.mail.map((m) => [m.to, m.subject, m.htmlBody])).toEqual([
      ['ann@example.com', 'Sync report 0', undefined],
      ['ann@example.com', 'Sync report 1', undefined],
      ['bob@example.com', 'HTML', '<b>rich</b>'],
    ]);
    expect(rt.run('mail', [200]).error?.message).toBe(
      'Service invoked too many times for one day: email.',
    );
  });

  test('getAuthorizationInfo reports what the test set for each user', () => {
    const rt = runtimeWith(BUNDLE);
    rt.setAuthorizationRequired('ann@example.com', true);
    expect(rt.run('authStatus', [], { user: 'ann@example.com' }).value).toEqual(['REQUIRED', true]);
    expect(rt.run('authStatus', [], { user: 'bob@example.com' }).value).toEqual([
      'NOT_REQUIRED',
      false,
    ]);
  });
});
