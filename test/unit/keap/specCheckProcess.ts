/**
 * Validates requests against Keap's REST v2 OpenAPI spec in a separate Node process.
 * openapi-backend pulls in an ES-module-only dependency that Jest's runtime cannot load on
 * Node 20, so the unit test hands its requests to this script (run with tsx) on stdin and
 * reads one result per request from stdout.
 */
import { readFileSync } from 'node:fs';
import OpenAPIBackend from 'openapi-backend';
import { parse } from 'yaml';

export interface SpecInput {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: Record<string, string>;
  body?: unknown;
}

export interface SpecResult {
  operationId: string | null;
  errors: string[];
}

async function main(): Promise<void> {
  const [specPath] = process.argv.slice(2);
  const inputs = JSON.parse(readFileSync(0, 'utf8')) as SpecInput[];
  const api = new OpenAPIBackend({
    definition: parse(readFileSync(specPath, 'utf8')),
    quick: true,
  });
  await api.init();
  const results: SpecResult[] = inputs.map((input) => {
    const operation = api.matchOperation(input);
    const { errors } = api.validateRequest(input);
    return {
      operationId: operation?.operationId ?? null,
      errors: (errors ?? []).map((error) => `${error.instancePath} ${error.message}`),
    };
  });
  process.stdout.write(JSON.stringify(results));
}

void main();
