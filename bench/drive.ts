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
  /** False when the chain was cut at MAX_EXECUTIONS_PER_RUN. */
  ended: boolean;
}

/**
 * Runs `start`, then advances the clock to each pending continuation trigger until none is
 * left. `measure` wraps each stretch of executions (the bench clocks their CPU time with it).
 */
export function runWithContinuations(
  rt: AppsScriptRuntime,
  user: string,
  start: () => ExecutionResult,
  measure: <T>(fn: () => T) => T = (fn) => fn(),
): DrivenRun {
  const executions = [measure(start)];
  for (let next = nextOneOffTrigger(rt, user); next !== null;) {
    if (executions.length >= MAX_EXECUTIONS_PER_RUN) return { executions, ended: false };
    const due = Math.max(next, rt.clock.now());
    executions.push(...measure(() => rt.advanceTo(due)));
    next = nextOneOffTrigger(rt, user);
  }
  return { executions, ended: true };
}
