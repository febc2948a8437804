/**
 * A synchronous WireHandler over real HTTP, for the playground: UrlFetchApp is synchronous,
 * so each request is handed to a worker thread that does the HTTP exchange while this
 * thread blocks on Atomics.wait; the answer comes back through a MessagePort read with
 * receiveMessageOnPort. The server must not run on the thread that blocks (it would never
 * answer): run it in another process or worker.
 */
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import {
  WireNetworkError,
  type WireHandler,
  type WireRequest,
  type WireResponse,
} from '../support/wire';

export interface HttpWireOptions {
  /** Real ms before a request counts as timed out; default 10000. */
  timeoutMs?: number;
  /**
   * Called as each request starts and every few ms while it waits for its answer: the
   * playground runs other executions there (dev/playground/front.ts). It may make requests
   * of its own.
   */
  meanwhile?: () => void;
}

/** How often `meanwhile` is called while a request waits. */
const MEANWHILE_EVERY_MS = 20;

export type HttpWire = WireHandler & { close(): Promise<void> };

interface Reply {
  id: number;
  response?: WireResponse;
  error?: { code: string; message: string };
}

const WORKER_SOURCE = `
const { workerData, parentPort } = require('node:worker_threads');
const http = require('node:http');
const https = require('node:https');
const { flag, port } = workerData;

function answer(reply) {
  port.postMessage(reply);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

parentPort.on('message', ({ id, request, timeoutMs }) => {
  let done = false;
  const finish = (reply) => { if (!done) { done = true; answer(reply); } };
  try {
    const url = new URL(request.url);
    const mod = url.protocol === 'https:' ? https : http;
    const headers = { ...request.headers };
    if (request.body) headers['content-length'] = String(Buffer.byteLength(request.body));
    const req = mod.request(url, { method: request.method, headers, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const out = {};
        for (const [k, v] of Object.entries(res.headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : String(v);
        finish({ id, response: { status: res.statusCode, headers: out, body: Buffer.concat(chunks).toString('utf8') } });
      });
      res.on('error', (e) => finish({ id, error: { code: e.code || 'ERR', message: e.message } }));
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    req.on('error', (e) => finish({ id, error: { code: e.code || 'ERR', message: e.message } }));
    req.end(request.body || undefined);
  } catch (e) {
    finish({ id, error: { code: 'EINVAL', message: String(e && e.message) } });
  }
});
`;

export function createHttpWire(options: HttpWireOptions = {}): HttpWire {
  const timeoutMs = options.timeoutMs ?? 10000;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { flag, port: port2 },
    transferList: [port2],
  });
  worker.unref();
  let nextId = 0;
  /**
   * Answers read for requests still waiting: a request made from `meanwhile` (nested in
   * another's wait) may read the outer request's answer first, and keeps it here for it.
   */
  const waiting = new Set<number>();
  const answered = new Map<number, Reply>();

  const answerOf = (request: WireRequest, reply: Reply): WireResponse => {
    if (reply.response) return reply.response;
    const code = reply.error?.code ?? 'ERR';
    if (code === 'ETIMEDOUT') throw new WireNetworkError(`Timeout: ${request.url}`, timeoutMs);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
      throw new WireNetworkError(`DNS error: ${request.url}`);
    throw new WireNetworkError(`Address unavailable: ${request.url} (${code})`);
  };

  const handler = (request: WireRequest): WireResponse => {
    const id = ++nextId;
    waiting.add(id);
    Atomics.store(flag, 0, 0);
    worker.postMessage({ id, request, timeoutMs });
    // The worker's own timeout answers first; this one only guards against a stuck worker.
    const deadline = Date.now() + timeoutMs + 2000;
    try {
      // Also before each wait: a quick answer never leaves the wait by its timeout.
      options.meanwhile?.();
      for (;;) {
        const mine = answered.get(id);
        if (mine) return answerOf(request, mine);
        const left = deadline - Date.now();
        if (left <= 0) throw new WireNetworkError(`Timeout: ${request.url}`, timeoutMs);
        const slice = options.meanwhile ? Math.min(left, MEANWHILE_EVERY_MS) : left;
        if (Atomics.wait(flag, 0, 0, slice) === 'timed-out') {
          options.meanwhile?.();
          continue;
        }
        Atomics.store(flag, 0, 0);
        for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) {
          const reply = m.message as Reply;
          // A late answer to a request that already timed out is dropped.
          if (waiting.has(reply.id)) answered.set(reply.id, reply);
        }
      }
    } finally {
      waiting.delete(id);
      answered.delete(id);
    }
  };

  return Object.assign(handler, {
    async close() {
      port1.close();
      await worker.terminate();
    },
  });
}
