import path from 'node:path';
import { createSyncFn } from 'synckit';

/**
 * Synchronous access to the OpenAPI request validator, which runs in a worker thread.
 *
 * openapi-backend depends on @apidevtools/json-schema-ref-parser 16, an ES-module-only
 * package. Plain Node 20.19+ loads it with require(esm), but Jest's module runtime cannot
 * before Node 24.9, so importing openapi-backend in a Jest test fails. synckit runs it in a
 * worker (plain Node, via tsx) and waits for each answer, which keeps the WireHandler
 * synchronous everywhere: Jest, tsx and the playground alike.
 */

export const DEFAULT_SPEC_PATH =
  process.env.KEAP_OPENAPI_SPEC ??
  path.resolve(__dirname, '../../../shared/keap/keap-rest-v2.openapi.yml');

export interface SpecRequest {
  method: string;
  /** Path as the spec writes it, e.g. /rest/v2/contacts/12 (server base /crm removed). */
  specPath: string;
  /** Raw query string without '?'. */
  query: string;
  headers: Record<string, string>;
  body: string;
  /** The operation the request is meant for, when known; otherwise it is matched by path. */
  operationId?: string;
}

/** Starts the error for a body sent with a content type the operation does not accept. */
export const MEDIA_TYPE_ERROR = 'unsupported content-type';

export interface SpecCheck {
  operationId?: string;
  errors: string[];
}

export interface RequestSpecValidator {
  validate(request: SpecRequest): SpecCheck;
}

/** The first call parses the 1.3 MB spec; later calls take well under a millisecond each. */
const FIRST_CALL_TIMEOUT_MS = 120_000;

let shared: RequestSpecValidator | undefined;

/** One worker per process, started on first use. */
export function sharedSpecValidator(specPath: string = DEFAULT_SPEC_PATH): RequestSpecValidator {
  if (!shared) {
    const call = createSyncFn<(p: string, r: SpecRequest) => Promise<SpecCheck>>(
      path.join(__dirname, 'specWorker.ts'),
      {
        tsRunner: 'tsx',
        // tsx's ESM hook (synckit's default) does not reach the worker's require(); the CJS hook does.
        execArgv: ['--require', require.resolve('tsx/cjs')],
        timeout: FIRST_CALL_TIMEOUT_MS,
      },
    );
    shared = { validate: (request) => call(specPath, request) };
  }
  return shared;
}
