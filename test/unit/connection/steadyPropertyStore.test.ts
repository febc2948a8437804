import { steadyPropertyStore } from '../../../src/connection/steadyPropertyStore';

function flaky(failures: string[]) {
  const values = new Map<string, string>([['oauth2.keap', '{"refresh_token":"r1"}']]);
  const reads: string[] = [];
  const store = {
    getProperty: (key: string) => {
      reads.push(key);
      const failure = failures.shift();
      if (failure) throw new Error(failure);
      return values.get(key) ?? null;
    },
    setProperty: (key: string, value: string) => values.set(key, value),
  } as unknown as GoogleAppsScript.Properties.Properties;
  const pauses: number[] = [];
  const steady = steadyPropertyStore(store, {
    delaysMs: [250, 1000],
    sleep: (ms) => pauses.push(ms),
  });
  return { steady, reads, pauses, values };
}

describe('the token store as the OAuth2 library sees it', () => {
  it("reads again after one of Google's transient service errors", () => {
    const { steady, reads, pauses } = flaky(['Service error: PropertiesService']);
    expect(steady.getProperty('oauth2.keap')).toBe('{"refresh_token":"r1"}');
    expect(reads).toHaveLength(2);
    expect(pauses).toEqual([250]);
  });

  it('gives up after the retries, and never retries an error that is not transient', () => {
    const transient = flaky(['Service unavailable', 'Service unavailable', 'Service unavailable']);
    expect(() => transient.steady.getProperty('oauth2.keap')).toThrow(/Service unavailable/);
    expect(transient.reads).toHaveLength(3);
    const other = flaky(['You do not have permission to call getProperty']);
    expect(() => other.steady.getProperty('oauth2.keap')).toThrow(/permission/);
    expect(other.reads).toHaveLength(1);
  });
});
