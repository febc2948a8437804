import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createHttpWire, type HttpWire } from './httpWire';
import { removeBundles, runtimeWith } from './testSupport';

afterAll(removeBundles);

// The server must live outside this thread: the wire blocks it while a request is out.
const SERVER = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', () => {
    if (req.url === '/hang') return; // never answers
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'application/json', 'x-echo': 'yes' });
    res.end(JSON.stringify({ method: req.method, url: req.url, type: req.headers['content-type'] || null, body }));
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
setTimeout(() => process.exit(0), 30000).unref();
`;

const BUNDLE = `
function call(url) {
  var r = UrlFetchApp.fetch(url, { method: 'post', payload: { a: '1 2' }, muteHttpExceptions: true });
  return [r.getResponseCode(), r.getHeaders()['x-echo'], JSON.parse(r.getContentText())];
}
function get(url) { try { return UrlFetchApp.fetch(url).getResponseCode(); } catch (e) { return e.message; } }
`;

let server: ChildProcess;
let base: string;
let wire: HttpWire;

beforeAll(async () => {
  server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(server.stdout!, 'data')) as [Buffer];
  base = `http://127.0.0.1:${chunk.toString().trim()}`;
  wire = createHttpWire({ timeoutMs: 1500 });
});

afterAll(async () => {
  await wire?.close();
  server?.kill();
});

describe('httpWire: UrlFetchApp over real loopback HTTP', () => {
  test('a request reaches the server and its answer comes back synchronously', () => {
    const rt = runtimeWith(BUNDLE, { network: wire });
    expect(rt.run('call', [`${base}/contacts?x=1`]).value).toEqual([
      200,
      'yes',
      {
        method: 'POST',
        url: '/contacts?x=1',
        type: 'application/x-www-form-urlencoded',
        body: 'a=1%202',
      },
    ]);
    expect(rt.run<unknown[]>('call', [`${base}/missing`]).value?.[0]).toBe(404);
  });

  test('a refused connection and a server that never answers become Apps Script errors', () => {
    const rt = runtimeWith(BUNDLE, { network: wire });
    expect(rt.run('get', ['http://127.0.0.1:9/']).value).toBe(
      'Address unavailable: http://127.0.0.1:9/',
    );
    const started = Date.now();
    expect(rt.run('get', [`${base}/hang`]).value).toBe(`Timeout: ${base}/hang`);
    expect(Date.now() - started).toBeLessThan(5000);
    // The wire still works after a time-out.
    expect(rt.run<unknown[]>('call', [`${base}/after`]).value?.[0]).toBe(200);
  });
});
