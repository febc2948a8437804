import { readFileSync } from 'node:fs';
import { OpenAPIBackend, type Operation } from 'openapi-backend';
import { parse } from 'yaml';
import {
  DEFAULT_SPEC_PATH,
  MEDIA_TYPE_ERROR,
  type SpecCheck,
  type SpecRequest,
} from './specValidator';

/**
 * Checks REST v2 requests against Keap's official OpenAPI 3.1 spec with openapi-backend.
 * Runs inside the worker thread of specValidator.ts (see there why).
 *
 * openapi-backend validates a definition only against the OpenAPI 3.0 meta-schema (which
 * rejects 3.1's `$ref` siblings that Keap's spec uses), so the definition check is skipped
 * (quick mode) while routing and request validation are kept. Its Ajv speaks draft-07, not
 * 3.1's 2020-12 dialect; the two agree on every keyword the spec uses, and loading refuses a
 * spec that starts using a 2020-12-only keyword, so that difference can never pass silently.
 */

const DIALECT_2020_ONLY = [
  'prefixItems',
  '$defs',
  '$dynamicRef',
  '$dynamicAnchor',
  'unevaluatedProperties',
  'unevaluatedItems',
  'dependentRequired',
  'dependentSchemas',
  'minContains',
  'maxContains',
  'contentSchema',
];

interface AjvLikeError {
  instancePath?: string;
  message?: string;
  keyword?: string;
  params?: Record<string, unknown>;
  data?: unknown;
}

export class SpecValidator {
  private readonly operations = new Map<string, Operation | undefined>();

  private constructor(private readonly api: OpenAPIBackend) {}

  static load(specPath: string = DEFAULT_SPEC_PATH): SpecValidator {
    const definition = parse(readFileSync(specPath, 'utf8')) as Record<string, unknown>;
    const used = findKeywords(definition, DIALECT_2020_ONLY);
    if (used.length > 0) {
      throw new Error(
        `spec uses JSON Schema 2020-12-only keywords (${used.join(', ')}); the draft-07 validator would ignore them`,
      );
    }
    const api = new OpenAPIBackend({
      definition: definition as never,
      quick: true,
      strict: true,
      ajvOpts: { verbose: true },
    });
    let failure: unknown;
    // In quick mode with an in-memory definition, init finishes synchronously; check that it did.
    api.init().catch((err: unknown) => (failure = err));
    if (!api.initialized)
      throw new Error(`openapi-backend did not initialise synchronously: ${String(failure)}`);
    return new SpecValidator(api);
  }

  validate(req: SpecRequest): SpecCheck {
    const request = {
      method: req.method.toLowerCase(),
      path: req.specPath,
      query: req.query,
      headers: req.headers,
      body: req.body === '' ? undefined : req.body,
    };
    // Matching by path scans every operation (milliseconds); the caller usually knows the id.
    const operation = req.operationId
      ? this.operation(req.operationId)
      : this.api.matchOperation(request);
    if (!operation)
      return { errors: [`no operation in the spec for ${req.method} ${req.specPath}`] };
    const result = this.api.validateRequest(request, operation);
    const errors = ((result.errors ?? []) as AjvLikeError[]).map(describe);
    // openapi-backend parses any string body as JSON; the media type is checked here.
    const mediaTypeError = checkMediaType(operation, req);
    return {
      operationId: operation.operationId,
      errors: mediaTypeError ? [mediaTypeError, ...errors] : errors,
    };
  }

  private operation(operationId: string): Operation | undefined {
    if (!this.operations.has(operationId))
      this.operations.set(operationId, this.api.getOperation(operationId));
    return this.operations.get(operationId);
  }
}

function checkMediaType(operation: Operation, req: SpecRequest): string | undefined {
  const body = operation.requestBody as { content?: Record<string, unknown> } | undefined;
  if (!body?.content || req.body === '') return undefined;
  const sent = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const accepted = Object.keys(body.content);
  return accepted.includes(sent)
    ? undefined
    : `${MEDIA_TYPE_ERROR} '${sent}' (expected ${accepted.join(' or ')})`;
}

function describe(e: AjvLikeError): string {
  const where = e.instancePath || '/';
  let text = `${where} ${e.message ?? e.keyword ?? 'is invalid'}`;
  if (e.params && typeof e.params.additionalProperty === 'string')
    text += `: ${e.params.additionalProperty}`;
  else if (e.keyword === 'enum' || e.keyword === 'type') text += `, got ${JSON.stringify(e.data)}`;
  return text;
}

function findKeywords(root: unknown, keywords: string[]): string[] {
  const found = new Set<string>();
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) stack.push(...node);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (keywords.includes(k)) found.add(k);
        stack.push(v);
      }
    }
  }
  return [...found];
}
