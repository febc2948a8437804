import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  WireNetworkError,
  type WireHandler,
  type WireMethod,
  type WireRequest,
} from '../support/wire';

/** The same WireHandler over plain HTTP on loopback, for the playground (real clock). */

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

const METHODS: WireMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
const MAX_BODY_BYTES = 5 * 1024 * 1024;
/** A slow-response fault waits for real here; cap it so a test cannot hang the server. */
const MAX_DELAY_MS = 30_000;

export function serveOverHttp(
  handler: WireHandler,
  port: number,
  host = '127.0.0.1',
): Promise<RunningServer> {
  const pending = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    readBody(req)
      .then((body) => respond(handler, toWireRequest(req, body, host), res, pending))
      .catch(() => {
        if (!res.headersSent)
          res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request');
      });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      const shownHost = host.includes(':') ? `[${host}]` : host;
      resolve({
        url: `http://${shownHost}:${bound}`,
        close: () =>
          new Promise<void>((done) => {
            for (const t of pending) clearTimeout(t);
            pending.clear();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}

function toWireRequest(req: IncomingMessage, body: string, host: string): WireRequest {
  const method = (req.method ?? 'GET').toUpperCase() as WireMethod;
  if (!METHODS.includes(method)) throw new Error(`unsupported method ${method}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined)
      headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  const authority = req.headers.host ?? host;
  return { method, url: `http://${authority}${req.url ?? '/'}`, headers, body };
}

function respond(
  handler: WireHandler,
  request: WireRequest,
  res: ServerResponse,
  pending: Set<NodeJS.Timeout>,
): void {
  let send: () => void;
  let delayMs: number;
  try {
    const answer = handler(request);
    delayMs = answer.delayMs ?? 0;
    send = () => res.writeHead(answer.status, answer.headers).end(answer.body);
  } catch (err) {
    if (!(err instanceof WireNetworkError)) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`Simulator error: ${String(err)}`);
      return;
    }
    delayMs = err.delayMs;
    send = () => res.socket?.destroy();
  }
  if (delayMs <= 0) return send();
  const timer = setTimeout(
    () => {
      pending.delete(timer);
      send();
    },
    Math.min(delayMs, MAX_DELAY_MS),
  );
  pending.add(timer);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
