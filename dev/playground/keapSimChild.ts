/**
 * The Keap simulator as the playground's child process: test/keap-sim/serve.ts plus a control
 * channel (Node IPC) for the playground's dev-only buttons (revoke tokens, inject a Keap error).
 * It must live in another process: the runtime blocks the playground's thread on each request.
 * Started by simProcess.ts with fork(); exits when the playground disconnects.
 */
import { applySeed, KeapSimulator, type OptOutModes, type SimSeed } from '../../test/keap-sim';
import type { RunningServer } from '../../test/keap-sim';
import { serveOverHttp } from '../../test/keap-sim/httpServer';
import type { WireHandler } from '../../test/support/wire';
import type { ChildReply, ParentMessage } from './simProtocol';

let sim: KeapSimulator | undefined;
let server: RunningServer | undefined;
let stopping = false;

function reply(message: ChildReply): void {
  if (process.send) process.send(message);
}

/**
 * Keap's consent page redirects the browser to the redirect URI the add-on sent, the script's
 * own at script.google.com (the OAuth2 library builds it from the script id). No browser can
 * reach that here, so such a redirect is pointed at the playground's callback page instead,
 * query string and all; everything else Keap answers is left as it is.
 */
function withBrowserRedirects(
  handler: WireHandler,
  redirects: Record<string, string>,
): WireHandler {
  return (request) => {
    const answer = handler(request);
    const location = answer.headers.location;
    if (answer.status < 300 || answer.status >= 400 || !location) return answer;
    for (const [from, to] of Object.entries(redirects)) {
      if (location === from || location.startsWith(`${from}?`)) {
        const headers = { ...answer.headers, location: to + location.slice(from.length) };
        return { ...answer, headers };
      }
    }
    return answer;
  };
}

async function start(
  seed: SimSeed,
  validateRequests: boolean,
  optOut: Partial<OptOutModes> = {},
  browserRedirects: Record<string, string> = {},
): Promise<void> {
  sim = new KeapSimulator({ clock: { now: () => Date.now() }, validateRequests, optOut });
  const { apiKeys } = applySeed(sim, seed);
  server = await serveOverHttp(withBrowserRedirects(sim.handle, browserRedirects), 0, '127.0.0.1');
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
    start(message.seed, message.validateRequests, message.optOut, message.browserRedirects).catch(
      (err: unknown) => {
        reply({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
        process.exit(1);
      },
    );
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
