/**
 * Starts the Keap simulator in a child process (keapSimChild.ts under tsx) and talks to it:
 * its URL once it listens, dev-only control commands, and a clean stop.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { OptOutModes, SeededKey, SimSeed } from '../../test/keap-sim';
import type { ChildReply, ParentMessage, SimCommand } from './simProtocol';

export interface SimProcess {
  url: string;
  apiKeys: SeededKey[];
  tenants: string[];
  command(command: SimCommand): Promise<unknown>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 5_000;

export function startSimProcess(
  seed: SimSeed,
  options: {
    validateRequests?: boolean;
    optOut?: Partial<OptOutModes>;
    browserRedirects?: Record<string, string>;
  } = {},
): Promise<SimProcess> {
  const child = fork(join(__dirname, 'keapSimChild.ts'), [], {
    execArgv: ['--import', pathToFileURL(require.resolve('tsx')).href],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      for (const p of pending.values()) p.reject(new Error('the Keap simulator stopped'));
      pending.clear();
      resolve();
    }),
  );

  const send = (message: ParentMessage): void => {
    if (!exited && child.connected) child.send(message);
  };

  return new Promise<SimProcess>((resolve, reject) => {
    const timer = setTimeout(() => {
      kill(child);
      reject(new Error(`the Keap simulator did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the Keap simulator exited with code ${code} before it was ready`));
    });
    child.on('message', (raw) => {
      const message = raw as ChildReply;
      if (message.type === 'failed') {
        clearTimeout(timer);
        reject(new Error(`the Keap simulator failed to start: ${message.message}`));
      } else if (message.type === 'result') {
        const waiter = pending.get(message.id);
        pending.delete(message.id);
        if (!waiter) return;
        if (message.ok) waiter.resolve(message.value);
        else waiter.reject(new Error(String(message.value)));
      } else if (message.type === 'ready') {
        clearTimeout(timer);
        resolve({
          url: message.url,
          apiKeys: message.apiKeys,
          tenants: message.tenants,
          command: (command) =>
            new Promise((done, fail) => {
              if (exited) {
                fail(new Error('the Keap simulator stopped'));
                return;
              }
              const id = ++nextId;
              pending.set(id, { resolve: done, reject: fail });
              send({ ...command, id } as ParentMessage);
            }),
          stop: async () => {
            if (exited) return;
            send({ type: 'stop' });
            const force = setTimeout(() => kill(child), STOP_TIMEOUT_MS);
            await exit;
            clearTimeout(force);
          },
        });
      }
    });
    send({
      type: 'start',
      seed,
      validateRequests: options.validateRequests ?? true,
      ...(options.optOut ? { optOut: options.optOut } : {}),
      ...(options.browserRedirects ? { browserRedirects: options.browserRedirects } : {}),
    });
  });
}

function kill(child: ChildProcess): void {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
