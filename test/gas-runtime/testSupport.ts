/** Helpers for this folder's tests: a hand-written bundle in a temp dir, and a tiny network. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WireHandler, WireRequest, WireResponse } from '../support/wire';
import { AppsScriptRuntime, type RuntimeOptions } from './runtime';

const dirs: string[] = [];

/** Writes Code.js (and HTML files) into a fresh temp dir, as rollup writes dist/. */
export function writeBundle(code: string, html: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'gas-runtime-test-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'Code.js'), code);
  for (const [name, content] of Object.entries(html))
    writeFileSync(join(dir, `${name}.html`), content);
  return dir;
}

export function removeBundles(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export type Route = (request: WireRequest) => WireResponse | undefined;

/** A network that answers with the first route that knows the request, else 404; it records every request. */
export function network(...routes: Route[]): WireHandler & { seen: WireRequest[] } {
  const seen: WireRequest[] = [];
  const handler = (request: WireRequest): WireResponse => {
    seen.push(request);
    for (const route of routes) {
      const response = route(request);
      if (response) return response;
    }
    return {
      status: 404,
      headers: { 'content-type': 'text/plain' },
      body: `no route for ${request.method} ${request.url}`,
    };
  };
  return Object.assign(handler, { seen });
}

export function json(status: number, body: unknown, delayMs?: number): WireResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    ...(delayMs === undefined ? {} : { delayMs }),
  };
}

export function runtimeWith(
  code: string,
  options: Partial<RuntimeOptions> = {},
  html: Record<string, string> = {},
): AppsScriptRuntime {
  return new AppsScriptRuntime({
    network: network(),
    ...options,
    bundleDir: writeBundle(code, html),
  });
}
