/**
 * Drives one run the way it happens for real: a first execution, then whatever continuation
 * triggers the script left behind (a quick one-off, or the recurring carrier a manual run gets
 * when the daily sync is off: src/sync/triggers.ts), fired by the runtime's clock when due. The
 * add-on removes its carrier when the run ends, so the chain ends with the run.
 */
import type { AppsScriptRuntime, ExecutionResult } from '../test/gas-runtime';

/** A guard against a chain that never ends (the add-on caps itself well below this). */
export const MAX_EXECUTIONS_PER_RUN = 200;

/** The handler of every trigger that continues a manual run (one-off or recurring carrier). */
const CONTINUATION_HANDLER = 'continueSync';

/** When the next continuation trigger of `user` is due, or null when none is pending. */
export function nextOneOffTrigger(rt: AppsScriptRuntime, user: string): number | null {
  const due = rt
    .triggers(user)
    .filter((t) => t.handler === CONTINUATION_HANDLER && t.nextRunAt !== null)
    .map((t) => t.nextRunAt as number);
  return due.length === 0 ? null : Math.min(...due);
}

export interface DrivenRun {
  executions: ExecutionResult[];
  /** Node CPU time (process.cpuUsage, user + system) spent inside the executions, in ms. */
  cpuMs: number;
  /** False when the chain was cut at MAX_EXECUTIONS_PER_RUN. */
  ended: boolean;
}

/** Runs `start`, then advances the clock to each pending continuation trigger until none is left. */
export function runWithContinuations(
  rt: AppsScriptRuntime,
  user: string,
  start: () => ExecutionResult,
): DrivenRun {
  const cpu = { ms: 0 };
  const executions = [timed(cpu, start)];
  for (let next = nextOneOffTrigger(rt, user); next !== null;) {
    if (executions.length >= MAX_EXECUTIONS_PER_RUN) {
      return { executions, ended: false, cpuMs: cpu.ms };
    }
    const due = Math.max(next, rt.clock.now());
    executions.push(...timed(cpu, () => rt.advanceTo(due)));
    next = nextOneOffTrigger(rt, user);
  }
  return { executions, ended: true, cpuMs: cpu.ms };
}

/** Runs `fn`, adding the process's CPU time it took (user + system) to `cpu.ms`. */
export function timed<T>(cpu: { ms: number }, fn: () => T): T {
  const before = process.cpuUsage();
  try {
    return fn();
  } finally {
    const used = process.cpuUsage(before);
    cpu.ms += (used.user + used.system) / 1000;
  }
}
