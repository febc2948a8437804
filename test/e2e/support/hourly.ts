/**
 * Helpers for the one recurring trigger: it fires every hour and mostly does nothing, so
 * tests look at the firings that did work, and let a pending run finish hour by hour.
 */
import type { ExecutionResult } from '../../gas-runtime';
import { OWNER, type World } from '../world';

/** Firings that did work (a firing with nothing to do returns null). */
export function worked<T>(fired: ExecutionResult<T>[]): ExecutionResult<T>[] {
  return fired.filter((e) => e.value !== null || e.error !== undefined);
}

/** The run left to continue (its checkpoint), if any. */
export function pendingRun(world: World, user = OWNER): string | undefined {
  return world.rt.userProperties(user)[`keapSync.checkpoint.${world.spreadsheetId}`];
}

/** Time-driven triggers of `user` that will still fire, as handler names. */
export function liveClockTriggers(world: World, user = OWNER): string[] {
  return world.rt
    .triggers(user)
    .filter((t) => t.eventType === 'CLOCK' && t.nextRunAt !== null)
    .map((t) => t.handler);
}

/** Moves the clock to the next firing of any trigger of `user`; returns the firings that did work. */
export function fireNext<T = unknown>(world: World, user = OWNER): ExecutionResult<T>[] {
  const next = world.rt
    .triggers(user)
    .filter((t) => t.nextRunAt !== null)
    .sort((a, b) => (a.nextRunAt as number) - (b.nextRunAt as number))[0];
  if (!next) throw new Error('no trigger will fire');
  const at = Math.max(next.nextRunAt as number, world.clock.now());
  return worked(world.rt.advanceTo(at) as ExecutionResult<T>[]);
}

/**
 * Lets a pending run finish: moves the clock to each next trigger in turn while a checkpoint
 * is left. Returns the firings that did work.
 */
export function finishPendingRun<T = unknown>(
  world: World,
  maxFirings = 100,
  user = OWNER,
): ExecutionResult<T>[] {
  const done: ExecutionResult<T>[] = [];
  for (let i = 0; i < maxFirings; i += 1) {
    if (pendingRun(world, user) === undefined) return done;
    done.push(...fireNext<T>(world, user));
  }
  if (pendingRun(world, user) === undefined) return done;
  throw new Error(`the run was still pending after ${maxFirings} firings`);
}
