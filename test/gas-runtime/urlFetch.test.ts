import { WireNetworkError } from '../support/wire';
import { MAX_URL_LENGTH } from './urlFetch';
import { json, network, removeBundles, runtimeWith } from './testSupport';

afterAll(removeBundles);

const BUNDLE = `
function postForm() {
  var r = UrlFetchApp.fetch('https://api.example.com/token', {
    method: 'post', payload: { grant_type: 'refresh_token', note: 'a b&c=d' }, headers: { Authorization: 'Basic xyz' }
  });
  return [r.getResponseCode(), JSON.parse(r.getContentText()).ok];
}
function postJson() {
  return UrlFetchApp.fetch('https://api.example.com/contacts', {
    method: 'post', contentType: 'application/json', payload: JSON.stringify({ email: 'a@example.com' })
  }).getResponseCode();
}
function batch(n) {
  var requests = [];
  for (var i = 1; i <= n; i++) requests.push({ url: 'https://api.example.com/contacts/' + i, muteHttpExceptions: true });
  return UrlFetchApp.fetchAll(requests).map(function (r) { return r.getResponseCode(); });
}
function one(url, mute) { return UrlFetchApp.fetch(url, { muteHttpExceptions: !!mute }).getResponseCode(); }
function longUrl(length) {
  var base = 'https://api.example.com/contacts?ids=';
  return UrlFetchApp.fetch(base + new Array(length - base.length + 1).join('1')).getResponseCode();
}
function caught(url) { try { UrlFetchApp.fetch(url); } catch (e) { return [e instanceof Error, e.name, e.message]; } }
`;

function api() {
  return network((req) => {
    if (req.url === 'https://api.example.com/token') return json(200, { ok: true });
    if (req.url.startsWith('https://api.example.com/contacts/')) {
      const id = Number(req.url.split('/').pop());
      return id === 3 ? json(404, { message: 'not found' }, 900) : json(200, { id }, id * 100);
    }
    if (req.url === 'https://api.example.com/contacts' && req.method === 'POST')
      return json(201, {});
    if (req.url.startsWith('https://api.example.com/contacts?')) return json(200, {});
    if (req.url === 'https://api.example.com/fail') return json(500, { message: 'x'.repeat(300) });
    if (req.url === 'https://down.example.com/') throw new WireNetworkError('connect ECONNREFUSED');
    if (req.url === 'https://slow.example.com/') throw new WireNetworkError('timeout', 60000);
    return undefined;
  });
}

describe('UrlFetchApp', () => {
  test('an object payload is sent form-encoded with its headers', () => {
    const net = api();
    const rt = runtimeWith(BUNDLE, { network: net });
    expect(rt.run('postForm').value).toEqual([200, true]);
    const sent = net.seen[0];
    expect(sent?.method).toBe('POST');
    expect(sent?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(sent?.headers.authorization).toBe('Basic xyz');
    expect(new URLSearchParams(sent?.body).get('note')).toBe('a b&c=d');
    expect(new URLSearchParams(sent?.body).get('grant_type')).toBe('refresh_token');
  });

  test('a string payload is sent as it is with its content type', () => {
    const net = api();
    const rt = runtimeWith(BUNDLE, { network: net });
    expect(rt.run('postJson').value).toBe(201);
    expect(net.seen[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(net.seen[0]?.body ?? '')).toEqual({ email: 'a@example.com' });
  });

  test('fetchAll runs its batch in parallel: it costs the slowest request, not the sum', () => {
    const rt = runtimeWith(BUNDLE, { network: api(), latency: { fetchMs: 300 } });
    const r = rt.run('batch', [4]);
    expect(r.value).toEqual([200, 200, 404, 200]);
    expect(r.ledger.virtualMs).toBe(300 + 900);
    expect(r.ledger.fetchAllBatches).toBe(1);
    expect(r.ledger.requestCount).toBe(4);
    expect(r.ledger.requests).toEqual({ 'GET api.example.com/contacts/{id}': 4 });
  });

  test('a single fetch costs latency plus the server delay', () => {
    const rt = runtimeWith(BUNDLE, { network: api(), latency: { fetchMs: 250 } });
    expect(rt.run('one', ['https://api.example.com/contacts/2']).ledger.virtualMs).toBe(250 + 200);
  });

  test('a URL longer than 2 KB is refused before it is sent', () => {
    const net = api();
    const rt = runtimeWith(BUNDLE, { network: net });
    expect(rt.run('longUrl', [MAX_URL_LENGTH]).value).toBe(200);
    const r = rt.run('longUrl', [MAX_URL_LENGTH + 1]);
    expect(r.error?.message).toBe('Limit Exceeded: URLFetch URL Length.');
    expect(net.seen).toHaveLength(1);
  });

  test("an HTTP error throws Apps Script's message unless muted", () => {
    const rt = runtimeWith(BUNDLE, { network: api() });
    const [isError, name, message] = rt.run<[boolean, string, string]>('caught', [
      'https://api.example.com/fail',
    ]).value as [boolean, string, string];
    expect(isError).toBe(true);
    expect(name).toBe('Exception');
    expect(message).toBe(
      `Request failed for https://api.example.com returned code 500. Truncated server response: {"message":"${'x'.repeat(88)}... (use muteHttpExceptions option to examine full response)`,
    );
    expect(rt.run('one', ['https://api.example.com/fail', true]).value).toBe(500);
  });

  test('a network failure becomes an Apps Script exception and costs its time', () => {
    const rt = runtimeWith(BUNDLE, { network: api() });
    expect(rt.run('caught', ['https://down.example.com/']).value).toEqual([
      true,
      'Exception',
      'Address unavailable: https://down.example.com/',
    ]);
    const slow = rt.run('caught', ['https://slow.example.com/']);
    expect(slow.value).toEqual([true, 'Exception', 'Timeout: https://slow.example.com/']);
    expect(slow.ledger.virtualMs).toBe(300 + 60000);
    expect(rt.requests.map((r) => r.networkError)).toEqual(['connect ECONNREFUSED', 'timeout']);
  });
});
