import { urlFetchHttp } from '../../../src/keap/urlFetchHttp';

/** UrlFetchApp answering every request with these headers. */
function answeringWith(headers: Record<string, unknown>) {
  const response = {
    getAllHeaders: () => ({ ...headers }),
    getResponseCode: () => 200,
    getContentText: () => '{}',
  };
  (globalThis as { UrlFetchApp?: unknown }).UrlFetchApp = {
    fetch: () => response,
    fetchAll: (requests: unknown[]) => requests.map(() => response),
  };
}

afterEach(() => {
  delete (globalThis as { UrlFetchApp?: unknown }).UrlFetchApp;
});

const request = { url: 'https://api.example.com/x', method: 'get' as const, headers: {} };

describe('UrlFetchApp answers', () => {
  it('give their headers by lower-case name, one text value each', () => {
    answeringWith({ 'Content-Type': 'application/json', 'Set-Cookie': ['a=1', 'b=2'], Age: 3 });
    const [answer] = urlFetchHttp().fetchAll([request]);
    expect(answer).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json', 'set-cookie': 'a=1, b=2', age: '3' },
      body: '{}',
    });
  });

  it('keep headers that are already so as they are', () => {
    const headers = { 'content-type': 'application/json', 'x-keap-product-throttle-limit': '1500' };
    answeringWith(headers);
    expect(urlFetchHttp().fetch(request).headers).toEqual(headers);
    answeringWith({ ...headers, 'retry-after': 5 });
    expect(urlFetchHttp().fetch(request).headers).toEqual({ ...headers, 'retry-after': '5' });
    answeringWith({ ...headers, 'X-Ünï': 'v' });
    expect(urlFetchHttp().fetch(request).headers).toEqual({ ...headers, 'x-ünï': 'v' });
  });
});
