/**
 * One execution: its user, active document, auth mode, cost ledger, and the gate every
 * service call passes through (counting, latency, the 6-minute limit, test kill points and
 * the overlap hook).
 */
import type vm from 'node:vm';
import type { VirtualClock } from './clock';
import { emptyLedger, type Ledger } from './ledger';
import type { Realm } from './realm';
import type { UiEvent } from './ui';

export type AuthMode = 'NONE' | 'LIMITED' | 'FULL';

export interface ExecutionContext {
  /** Who runs it; default 'owner@example.com'. */
  user?: string;
  /** The active document; null = none (a trigger of an add-on, the OAuth callback). */
  spreadsheetId?: string | null;
  authMode?: AuthMode;
  /** Passed as the entry point's first argument when `args` is empty. */
  event?: unknown;
  /** Kill the execution at its Nth service call (that call does not happen). */
  killAfterServiceCalls?: number;
  /**
   * These service calls (their numbers, as killAfterServiceCalls counts) throw a Google
   * service error instead of happening, as Google's servers do now and then.
   */
  failServiceCalls?: number[];
  /** The error those calls throw; default SERVICE_ERROR_MESSAGE. */
  serviceErrorMessage?: string;
  /** Called before each service call; a test may start ANOTHER execution from here. */
  /** `spreadsheet`: the call is a spreadsheet round trip (counted in spreadsheetCalls). */
  onServiceCall?: (info: {
    n: number;
    service: string;
    method: string;
    spreadsheet: boolean;
  }) => void;
  ui?: { alertResponses?: string[]; promptResponses?: { button: string; text: string }[] };
  /** Set by the runtime for time-driven triggers: no UI is available there. */
  timeDriven?: boolean;
}

export interface ExecutionSettings {
  clock: VirtualClock;
  executionLimitMs: number;
  spreadsheetCallMs: number;
}

export const DEFAULT_USER = 'owner@example.com';
const AUTH_RANK: Record<AuthMode, number> = { NONE: 0, LIMITED: 1, FULL: 2 };
export const TIME_LIMIT_MESSAGE = 'Exceeded maximum execution time';
/** What Apps Script throws when a service fails on Google's side (it passes on its own). */
export const SERVICE_ERROR_MESSAGE = 'Service error: Spreadsheets';

export class Execution {
  readonly user: string;
  readonly spreadsheetId: string | null;
  readonly authMode: AuthMode;
  readonly timeDriven: boolean;
  readonly startedAt: number;
  readonly ledger: Ledger = emptyLedger();
  readonly ui: UiEvent[] = [];
  readonly logs: string[] = [];
  readonly alertResponses: string[];
  readonly promptResponses: { button: string; text: string }[];
  killed = false;
  killMessage = '';
  /** The document of the trigger that started a time-driven run (add-on rules count it). */
  triggerDocumentId: string | null = null;
  private realmRef: Realm | undefined;
  private contextRef: vm.Context | undefined;

  constructor(
    readonly id: number,
    readonly fn: string,
    readonly ctx: ExecutionContext,
    private readonly settings: ExecutionSettings,
  ) {
    this.user = ctx.user ?? DEFAULT_USER;
    this.spreadsheetId = ctx.spreadsheetId === undefined ? null : ctx.spreadsheetId;
    this.authMode = ctx.authMode ?? 'FULL';
    this.timeDriven = ctx.timeDriven ?? false;
    this.startedAt = settings.clock.now();
    this.alertResponses = [...(ctx.ui?.alertResponses ?? [])];
    this.promptResponses = [...(ctx.ui?.promptResponses ?? [])];
  }

  get realm(): Realm {
    if (!this.realmRef) throw new Error('Execution has no context yet');
    return this.realmRef;
  }

  get context(): vm.Context {
    if (!this.contextRef) throw new Error('Execution has no context yet');
    return this.contextRef;
  }

  attach(context: vm.Context, realm: Realm): void {
    this.contextRef = context;
    this.realmRef = realm;
  }

  get clock(): VirtualClock {
    return this.settings.clock;
  }

  /** Throws an Apps Script-style error inside the script's realm. */
  fail(message: string, name = 'Exception'): never {
    throw this.realm.error(message, name);
  }

  /** Refuses a call the current auth mode does not allow, as Apps Script does. */
  requireAuth(minimum: AuthMode, what: string): void {
    if (AUTH_RANK[this.authMode] < AUTH_RANK[minimum]) {
      this.fail(`You do not have permission to call ${what}. (AuthMode.${this.authMode})`);
    }
  }

  /** Moves the clock for time this execution spends (latency, sleep, lock waits). */
  spend(ms: number): void {
    if (ms > 0) this.settings.clock.advance(ms);
  }

  /**
   * The gate of every service call. Order: refuse if already killed; count; overlap hook;
   * test kill point; fixed latency; limit check; the call itself (which may spend more
   * time, as a fetch does); limit check again (the effect happened but the script never
   * sees the answer, as when Apps Script kills an execution during a call).
   */
  call<T>(
    service: string,
    method: string,
    body: () => T,
    options: { spreadsheet?: boolean } = {},
  ): T {
    if (this.killed) this.fail(this.killMessage);
    const n = ++this.ledger.serviceCalls;
    this.ctx.onServiceCall?.({ n, service, method, spreadsheet: options.spreadsheet === true });
    if (this.ctx.killAfterServiceCalls !== undefined && n >= this.ctx.killAfterServiceCalls) {
      this.kill(`Execution killed at service call ${n} (${service}.${method})`);
    }
    if (this.ctx.failServiceCalls?.includes(n)) {
      this.fail(this.ctx.serviceErrorMessage ?? SERVICE_ERROR_MESSAGE);
    }
    if (options.spreadsheet) {
      this.ledger.spreadsheetCalls++;
      this.spend(this.settings.spreadsheetCallMs);
    }
    this.checkTimeLimit();
    const result = body();
    this.checkTimeLimit();
    return result;
  }

  /**
   * A service method Apps Script does not count as a call (an HTTPResponse's getters, ...):
   * no count, latency or kill point, but service code all the same, not the script's (the
   * bench's CPU meter clocks it as a service: bench/cpuMeter.ts).
   */
  uncountedCall<T>(body: () => T): T {
    return body();
  }

  private checkTimeLimit(): void {
    if (this.settings.clock.now() - this.startedAt > this.settings.executionLimitMs) {
      this.kill(TIME_LIMIT_MESSAGE);
    }
  }

  private kill(message: string): never {
    this.killed = true;
    this.killMessage = message;
    this.fail(message);
  }
}

/** Base of every service object handed to the script, so String(sheet) reads 'Sheet'. */
class AppsScriptObject {
  constructor(private readonly kind: string) {}
  toString(): string {
    return this.kind;
  }
}

const SELF = Symbol('self');
export type Self = typeof SELF;

/**
 * Wraps an implementation's methods so each call goes through the execution's gate.
 * A method returning `SELF` returns the wrapper (for chaining). Non-function properties
 * (enums) are copied as they are.
 */
export function instrument<T extends object>(
  exec: Execution,
  kind: string,
  impl: T,
  options: { spreadsheet?: boolean; uncounted?: readonly string[] } = {},
): T {
  const out = new AppsScriptObject(kind) as unknown as Record<string, unknown>;
  for (const [key, member] of Object.entries(impl)) {
    if (typeof member !== 'function') {
      out[key] = member;
      continue;
    }
    const fn = member as (...args: unknown[]) => unknown;
    if (options.uncounted?.includes(key)) {
      out[key] = (...args: unknown[]) => {
        const result = exec.uncountedCall(() => fn.apply(impl, args));
        return result === SELF ? out : result;
      };
      continue;
    }
    out[key] = (...args: unknown[]) => {
      const result = exec.call(kind, key, () => fn.apply(impl, args), options);
      return result === SELF ? out : result;
    };
  }
  return out as T;
}

instrument.SELF = SELF;
export { SELF };
