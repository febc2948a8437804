/**
 * The Keap simulator as the playground's child process: test/keap-sim/serve.ts plus a control
 * channel (Node IPC) for the playground's dev-only buttons (revoke tokens, inject a Keap error).
 * It must live in another process: the runtime blocks the playground's thread on each request.
 * Started by simProcess.ts with fork(); exits when the playground disconnects.
 */
import { applySeed, KeapSimulator, type OptOutModes, type SimSeed } from '../../test/keap-sim';
import type { RunningServer } from '../../test/keap-sim';
import type { ChildReply, ParentMessage } from './simProtocol';

let sim: KeapSimulator | undefined;
let server: RunningServer | undefined;
let stopping = false;

function reply(message: ChildReply): void {
  if (process.send) process.send(message);
}

async function start(
  seed: SimSeed,
  validateRequests: boolean,
  optOut: Partial<OptOutModes> = {},
): Promise<void> {
  sim = new KeapSimulator({ clock: { now: () => Date.now() }, validateRequests, optOut });
  const { apiKeys } = applySeed(sim, seed);
  server = await sim.listen(0, '127.0.0.1');
  reply({ type: 'ready', url: server.url, apiKeys, tenants: sim.tenantNames() });
}

function control(message: Extract<ParentMessage, { id: number }>): unknown {
  if (!sim) throw new Error('the simulator has not started');
  switch (message.type) {
    case 'revoke':
      sim.revokeRefreshTokens();
      sim.revokeAccessTokens();
      return null;
    case 'fault':
      sim.inject({
        kind: 'status',
        status: message.status,
        body: JSON.stringify({ code: message.status, message: message.message }),
        route: message.routes,
        ...(message.times === undefined ? {} : { times: message.times }),
      });
      return null;
    case 'clearFaults':
      sim.clearFaults();
      return null;
    case 'stats':
      return { stats: sim.stats(), specViolations: sim.specViolations.slice(0, 20) };
  }
}

function stop(): void {
  if (stopping) return;
  stopping = true;
  const done = (): never => process.exit(0);
  if (server) server.close().then(done, done);
  else done();
}

process.on('message', (raw) => {
  const message = raw as ParentMessage;
  if (message.type === 'start') {
    start(message.seed, message.validateRequests, message.optOut).catch((err: unknown) => {
      reply({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
      process.exit(1);
    });
    return;
  }
  if (message.type === 'stop') {
    stop();
    return;
  }
  try {
    reply({ type: 'result', id: message.id, ok: true, value: control(message) });
  } catch (err) {
    reply({
      type: 'result',
      id: message.id,
      ok: false,
      value: err instanceof Error ? err.message : String(err),
    });
  }
});
// The playground went away (Ctrl-C, crash, test end): do not outlive it.
process.on('disconnect', stop);
process.on('SIGTERM', stop);
process.on('SIGINT', () => {
  // Ctrl-C reaches the whole process group; the playground asks for the stop itself.
});
