/**
 * The runtime's clock for the playground: it follows the wall clock, like the simulator child
 * (which reads Date.now()), so token lifetimes and trigger times agree on both sides. Time the
 * script spends on purpose (Utilities.sleep, lock waits) is really waited for up to a short cap;
 * anything longer is added as an offset so a long wait cannot freeze the page.
 */
import { VirtualClock } from '../../test/gas-runtime';

const MAX_REAL_WAIT_MS = 2_000;

export class WallClock extends VirtualClock {
  private offsetMs = 0;
  private readonly sleeper = new Int32Array(new SharedArrayBuffer(4));

  /**
   * @param meanwhile called every few ms while a script really waits (server.ts runs the
   *   sidebar's calls there)
   */
  constructor(private readonly meanwhile?: () => void) {
    super(Date.now());
  }

  override now(): number {
    return Date.now() + this.offsetMs;
  }

  override advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`WallClock.advance: bad duration ${ms}`);
    const real = Math.min(ms, MAX_REAL_WAIT_MS);
    const until = Date.now() + real;
    for (let left = real; left > 0; left = until - Date.now()) {
      Atomics.wait(this.sleeper, 0, 0, this.meanwhile ? Math.min(left, 20) : left);
      this.meanwhile?.();
    }
    this.offsetMs += ms - real;
  }

  override set(ms: number): void {
    if (!Number.isFinite(ms)) throw new Error(`WallClock.set: bad time ${ms}`);
    // The clock never goes back: a trigger due "now" may have been due a moment ago.
    this.offsetMs = Math.max(this.offsetMs, ms - Date.now());
  }
}
