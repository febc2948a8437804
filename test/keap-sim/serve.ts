/**
 * Runs the Keap simulator over HTTP with the real clock:
 *   npx tsx test/keap-sim/serve.ts --port 0 --seed seed.json [--host 127.0.0.1] [--no-validate]
 * Prints one JSON line {url, apiKeys, tenants} on stdout once listening; SIGINT/SIGTERM close it.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { applySeed, type SimSeed } from './seed';
import { KeapSimulator } from './simulator';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      seed: { type: 'string' },
      'no-validate': { type: 'boolean', default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new Error(`--port must be 0..65535, got ${values.port}`);
  const seed: SimSeed = values.seed
    ? (JSON.parse(readFileSync(values.seed, 'utf8')) as SimSeed)
    : {};
  const sim = new KeapSimulator({
    clock: { now: () => Date.now() },
    validateRequests: !values['no-validate'],
  });
  const { apiKeys } = applySeed(sim, seed);
  const server = await sim.listen(port, values.host);
  process.stdout.write(
    `${JSON.stringify({ url: server.url, apiKeys, tenants: sim.tenantNames() })}\n`,
  );

  let closing = false;
  const stop = (): void => {
    if (closing) return;
    closing = true;
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`keap-sim: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
