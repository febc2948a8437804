/**
 * The playground's HTTP front: a worker thread that accepts the browser's requests and hands
 * each one, whole (method, URL, content type, body), to the thread that runs the Apps Script
 * runtime, then sends back the answer that thread posts.
 *
 * Why a worker: the runtime's thread blocks while a script waits (UrlFetchApp is synchronous:
 * httpWire.ts waits with Atomics.wait), so a server on that thread could not even accept a
 * connection while a sync runs. Here the requests wait in a MessagePort queue, which that
 * thread reads either from its event loop (when idle) or, while a script waits on a fetch or a
 * sleep, with receiveMessageOnPort (server.ts `meanwhile`): then the sidebar's calls run as
 * executions of their own at that point, as Apps Script runs executions side by side.
 */
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

/** A request as the front hands it over. */
export interface FrontRequest {
  id: number;
  method: string;
  /** Path and query, as the browser sent them. */
  url: string;
  contentType: string;
  body: string;
}

/** The answer to one request. */
export interface FrontReply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface Front {
  /** Where the front listens, e.g. http://127.0.0.1:5173 */
  url: string;
  port: number;
  /** Requests arrive here; answer each with `reply`. */
  requests: MessagePort;
  reply(id: number, answer: FrontReply): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

const FRONT_SOURCE = `
const { workerData } = require('node:worker_threads');
const http = require('node:http');
const { port, listenPort, maxBody } = workerData;
let nextId = 0;
const waiting = new Map();
const server = http.createServer((req, res) => {
  const chunks = [];
  let size = 0;
  let refused = false;
  req.on('data', (chunk) => {
    size += chunk.length;
    if (size > maxBody && !refused) {
      refused = true;
      res.writeHead(413, { 'content-type': 'text/plain' }).end('request body too large');
      req.destroy();
    } else if (!refused) chunks.push(chunk);
  });
  req.on('end', () => {
    if (refused) return;
    const id = ++nextId;
    waiting.set(id, res);
    port.postMessage({
      type: 'request',
      request: {
        id,
        method: req.method || 'GET',
        url: req.url || '/',
        contentType: String(req.headers['content-type'] || ''),
        body: Buffer.concat(chunks).toString('utf8'),
      },
    });
  });
});
port.on('message', (message) => {
  if (message.type === 'reply') {
    const res = waiting.get(message.id);
    waiting.delete(message.id);
    if (res && !res.headersSent) res.writeHead(message.status, message.headers).end(message.body);
  } else if (message.type === 'close') {
    server.close(() => port.postMessage({ type: 'closed' }));
    server.closeAllConnections();
  }
});
server.on('error', (error) => port.postMessage({ type: 'error', message: String(error.message) }));
server.listen(listenPort, '127.0.0.1', () =>
  port.postMessage({ type: 'listening', port: server.address().port }),
);
`;

/** Starts the front on `listenPort` (0: any free port) of 127.0.0.1. */
export function startFront(listenPort: number): Promise<Front> {
  const { port1: requests, port2: control } = new MessageChannel();
  // The worker's end of the control channel; requests and replies share it.
  const worker = new Worker(FRONT_SOURCE, {
    eval: true,
    workerData: { port: control, listenPort, maxBody: MAX_BODY_BYTES },
    transferList: [control],
  });
  return new Promise<Front>((resolve, reject) => {
    const onStart = (message: { type: string; port?: number; message?: string }): void => {
      if (message.type === 'error') {
        requests.off('message', onStart);
        void worker.terminate();
        reject(new Error(message.message));
      } else if (message.type === 'listening') {
        requests.off('message', onStart);
        const port = message.port as number;
        resolve({
          url: `http://127.0.0.1:${port}`,
          port,
          requests,
          reply: (id, answer) => requests.postMessage({ type: 'reply', id, ...answer }),
          close: async () => {
            await new Promise<void>((done) => {
              const timer = setTimeout(done, 2000);
              const onClosed = (m: { type: string }): void => {
                if (m.type !== 'closed') return;
                clearTimeout(timer);
                done();
              };
              requests.on('message', onClosed);
              requests.postMessage({ type: 'close' });
            });
            requests.close();
            await worker.terminate();
          },
        });
      }
    };
    requests.on('message', onStart);
    worker.once('error', reject);
  });
}
