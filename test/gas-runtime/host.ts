/** What the services share across executions: the runtime's state, seen from a service. */
import type { WireHandler } from '../support/wire';
import type { CacheStores } from './cache';
import type { VirtualClock } from './clock';
import type { LockTable } from './locks';
import type { LogRecord } from './logging';
import type { SentMail } from './mail';
import type { PropertyStores } from './properties';
import type { Workbook } from './sheetModel';
import type { StateTokenRegistry } from './stateTokens';
import type { TriggerRegistry } from './triggers';
import type { RecordedRequest } from './urlFetch';

export interface Faults {
  /** Return true to make a property write of this key fail (Apps Script's server error). */
  failPropertyWrites?: (key: string) => boolean;
}

export interface Host {
  readonly clock: VirtualClock;
  readonly scriptId: string;
  readonly timeZone: string;
  readonly redirectUri: string;
  readonly addOnMode: boolean;
  /** In add-on mode: a one-off trigger fires no sooner than an hour after it was made. */
  readonly addOnHourlyRule: boolean;
  readonly latency: { fetchMs: number; spreadsheetCallMs: number };
  readonly network: WireHandler;
  readonly workbooks: Map<string, Workbook>;
  readonly properties: PropertyStores;
  readonly caches: CacheStores;
  readonly locks: LockTable;
  readonly triggers: TriggerRegistry;
  readonly stateTokens: StateTokenRegistry;
  readonly authorizationRequired: Set<string>;
  readonly mail: SentMail[];
  readonly logs: LogRecord[];
  readonly requests: RecordedRequest[];
  readonly faults: Faults;
  /** The content of NAME.html beside the bundle, or null. */
  readHtmlFile(name: string): string | null;
  /** Seeded: ids and tokens are the same on every run. */
  random(): number;
}
