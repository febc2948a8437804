import { checkApiKeyFormat, keyCheckProblem } from '../../../src/connection/apiKey';
import { apiKeyProblemWords } from '../../../src/ui/apiKeyWords';

/** The words the sidebar shows for Keap's answer (null when the key works). */
function describeKeyCheck(answer: Parameters<typeof keyCheckProblem>[0]): string | null {
  const problem = keyCheckProblem(answer);
  return problem === null ? null : apiKeyProblemWords(problem);
}

describe('the API key format check', () => {
  it('accepts a Service Account Key and a Personal Access Token, trimmed', () => {
    expect(checkApiKeyFormat('  KeapAK-1234567890abcdef \n')).toEqual({
      ok: true,
      key: 'KeapAK-1234567890abcdef',
      kind: 'service-account-key',
    });
    expect(checkApiKeyFormat('KeapPAT-abcdef')).toMatchObject({
      ok: true,
      kind: 'personal-access-token',
    });
  });

  it.each([
    ['', /Paste/],
    ['   ', /Paste/],
    [undefined, /Paste/],
    ['KeapAK abc', /spaces/],
    ['KeapAK-abc\ndef', /spaces/],
    ['Keap€key', /does not look like/],
    ['x'.repeat(600), /does not look like/],
  ])('refuses %p in plain words', (raw, words) => {
    const result = checkApiKeyFormat(raw);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(apiKeyProblemWords(result.problem)).toMatch(words);
  });
});

describe('Keap’s answer to the key check', () => {
  it('is fine on 2xx', () => {
    expect(describeKeyCheck({ status: 200, body: '{"contacts":[]}' })).toBeNull();
  });

  it.each([
    [{ status: 401, body: '{}' }, /did not accept this key/],
    [{ status: 403, body: '{}' }, /did not accept this key/],
    [{ status: 429, body: '{}' }, /busy/],
    [{ status: 502, body: '' }, /server error \(HTTP 502\)/],
    [{ status: 400, body: '{"message":"Bad header"}' }, /refused the key check: Bad header/],
    ['unreachable' as const, /Could not reach Keap/],
  ])('words %p', (answer, words) => {
    expect(describeKeyCheck(answer)).toMatch(words);
  });
});
