import { describeFailure, keapErrorMessage, scrubSecrets } from '../../../src/keap/keapErrors';

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

  it('marks throttling, server errors and network faults as retry-later, refusals as final', () => {
    const refusal = () => 'refused';
    const answered = (status: number) => ({
      kind: 'answered' as const,
      response: { status, headers: {}, body: '{}' },
    });
    expect(describeFailure(answered(429), refusal)).toMatchObject({
      retryLater: true,
      attempted: true,
    });
    expect(describeFailure(answered(502), refusal)).toMatchObject({ retryLater: true });
    expect(describeFailure({ kind: 'unreachable' }, refusal)).toMatchObject({ retryLater: true });
    expect(describeFailure({ kind: 'unconfirmed' }, refusal)).toEqual({
      error: expect.stringMatching(/could not check whether the change arrived/),
      retryLater: true,
      attempted: true,
    });
    expect(describeFailure(answered(422), refusal)).toEqual({
      error: 'refused',
      retryLater: false,
      attempted: true,
    });
    expect(describeFailure({ kind: 'not-sent' }, refusal)).toMatchObject({
      attempted: false,
      retryLater: true,
    });
  });
});
