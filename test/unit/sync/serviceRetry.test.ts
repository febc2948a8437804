import { KeapUnavailableError } from '../../../src/keap/model';
import { isTransientServiceError, withServiceRetry } from '../../../src/sync/serviceRetry';

describe('Google service errors are tried again', () => {
  it('retries a passing Google error with short pauses, then gives the answer', () => {
    const pauses: number[] = [];
    let calls = 0;
    const value = withServiceRetry(
      () => {
        calls += 1;
        if (calls < 3)
          throw new Error('Service Spreadsheets failed while accessing document with id x.');
        return 'ok';
      },
      (ms) => pauses.push(ms),
    );
    expect(value).toBe('ok');
    expect(pauses).toEqual([500, 1000]);
  });

  it('gives up after three more tries', () => {
    let calls = 0;
    expect(() =>
      withServiceRetry(
        () => {
          calls += 1;
          throw new Error('Service unavailable: Properties');
        },
        () => undefined,
      ),
    ).toThrow(/Service unavailable/);
    expect(calls).toBe(4);
  });

  it.each([
    'Service Spreadsheets failed while accessing document with id abc.',
    'Service unavailable: Properties',
    'Service error: Spreadsheets',
    "We're sorry, a server error occurred. Please wait a bit and try again.",
  ])('counts "%s" as passing', (message) => {
    expect(isTransientServiceError(new Error(message))).toBe(true);
  });

  it.each([
    'Service invoked too many times in a short time: properties rateMax.',
    'Keap is unavailable right now (Service unavailable)',
    'You do not have permission to call SpreadsheetApp.openById',
    'Exceeded maximum execution time',
  ])('does not retry "%s"', (message) => {
    expect(isTransientServiceError(new Error(message))).toBe(false);
  });

  it("never retries the add-on's own Keap errors, whatever they say", () => {
    expect(
      isTransientServiceError(
        new KeapUnavailableError({ kind: 'connection', fault: { kind: 'lock-busy' } }),
      ),
    ).toBe(false);
    let calls = 0;
    expect(() =>
      withServiceRetry(
        () => {
          calls += 1;
          throw new KeapUnavailableError({
            kind: 'connection',
            fault: { kind: 'described', text: 'Service unavailable' },
          });
        },
        () => undefined,
      ),
    ).toThrow();
    expect(calls).toBe(1);
  });
});
