import { answerFailure, keapErrorMessage, scrubSecrets } from '../../../src/keap/keapErrors';

describe('Keap error words', () => {
  it.each([
    ['{"code":400,"message":"Email is invalid","status":"INVALID_ARGUMENT"}', 'Email is invalid'],
    ['{"message":"v1 style"}', 'v1 style'],
    ['{"fault":{"faultstring":"Invalid Access Token","detail":{}}}', 'Invalid Access Token'],
    [
      '{"error":"invalid_grant","error_description":"Invalid refresh token"}',
      'Invalid refresh token',
    ],
    ['<html>oops</html>', null],
    ['{}', null],
  ])('reads Keap’s message from %s', (body, message) => {
    expect(keapErrorMessage(body)).toBe(message);
  });

  it('shortens a long message', () => {
    expect(
      keapErrorMessage(JSON.stringify({ message: 'x'.repeat(1000) }))!.length,
    ).toBeLessThanOrEqual(200);
  });

  it('hides secrets wherever they appear', () => {
    expect(scrubSecrets('token abcdef1234 and abcdef1234', ['abcdef1234', '', null])).toBe(
      'token [hidden] and [hidden]',
    );
  });

  it('tells failures apart by the HTTP status only, keeping Keap’s message as data', () => {
    const answered = (status: number, body = '{}') => ({
      kind: 'answered' as const,
      response: { status, headers: {}, body },
    });
    expect(answerFailure(answered(429, '{"message":"Server error"}'))).toEqual({
      kind: 'throttled',
    });
    expect(answerFailure(answered(502))).toEqual({ kind: 'server-error', status: 502 });
    expect(answerFailure({ kind: 'unreachable' })).toEqual({ kind: 'unreachable' });
    expect(answerFailure({ kind: 'unconfirmed' })).toEqual({ kind: 'unconfirmed' });
    expect(answerFailure({ kind: 'not-sent' })).toEqual({ kind: 'not-sent' });
    expect(answerFailure(answered(404, '{"message":"Contact not found"}'))).toEqual({
      kind: 'not-found',
      keapMessage: 'Contact not found',
    });
    expect(answerFailure(answered(403))).toEqual({ kind: 'forbidden', keapMessage: null });
    expect(answerFailure(answered(422, '{"message":"throttled, will retry"}'))).toEqual({
      kind: 'refused',
      status: 422,
      keapMessage: 'throttled, will retry',
    });
  });
});
