/**
 * PropertiesService: script (one), user (per user) and document (per spreadsheet) stores,
 * with Apps Script's size limits (9 KB per value, 500 KB per store), counted reads and
 * writes, and an injectable write failure.
 */
import { instrument, SELF, type Execution } from './execution';
import type { Host } from './host';

export const MAX_VALUE_BYTES = 9 * 1024;
export const MAX_STORE_BYTES = 500 * 1024;
export const STORE_QUOTA_MESSAGE =
  'You have exceeded the property storage quota. Please remove some properties and try again.';
export const SERVER_ERROR_MESSAGE =
  "We're sorry, a server error occurred. Please wait a bit and try again.";

export type Store = Map<string, string>;

export class PropertyStores {
  readonly script: Store = new Map();
  private readonly users = new Map<string, Store>();
  private readonly documents = new Map<string, Store>();

  user(email: string): Store {
    let s = this.users.get(email);
    if (!s) this.users.set(email, (s = new Map()));
    return s;
  }

  document(spreadsheetId: string): Store {
    let s = this.documents.get(spreadsheetId);
    if (!s) this.documents.set(spreadsheetId, (s = new Map()));
    return s;
  }
}

function bytes(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function storeBytes(store: Store): number {
  let total = 0;
  for (const [k, v] of store) total += bytes(k) + bytes(v);
  return total;
}

export function createPropertiesService(
  exec: Execution,
  host: Host,
): GoogleAppsScript.Properties.PropertiesService {
  const storeObject = (store: Store, kind: string) => {
    const write = (key: string, change: () => void) => {
      exec.ledger.propertyWrites++;
      if (host.faults.failPropertyWrites?.(key)) exec.fail(SERVER_ERROR_MESSAGE);
      change();
    };
    /** Applies changes to a copy first so a refused write changes nothing. */
    const checked = (changes: [string, string][], deleteOthers = false) => {
      const next: Store = deleteOthers ? new Map() : new Map(store);
      for (const [key, value] of changes) {
        if (bytes(value) > MAX_VALUE_BYTES) exec.fail('Argument too large: value');
        next.set(key, value);
      }
      if (storeBytes(next) > MAX_STORE_BYTES) exec.fail(STORE_QUOTA_MESSAGE);
      return next;
    };
    const replaceWith = (next: Store) => {
      store.clear();
      for (const [k, v] of next) store.set(k, v);
    };
    const impl = {
      getProperty(key: string) {
        exec.ledger.propertyReads++;
        return store.get(String(key)) ?? null;
      },
      getProperties() {
        exec.ledger.propertyReads++;
        return exec.realm.object(Object.fromEntries(store));
      },
      getKeys() {
        exec.ledger.propertyReads++;
        return exec.realm.array([...store.keys()]);
      },
      setProperty(key: string, value: unknown) {
        const k = String(key);
        const next = checked([[k, String(value)]]);
        write(k, () => replaceWith(next));
        return SELF;
      },
      setProperties(properties: Record<string, unknown>, deleteAllOthers?: boolean) {
        const entries = Object.entries(properties).map(([k, v]): [string, string] => [
          k,
          String(v),
        ]);
        const next = checked(entries, deleteAllOthers === true);
        write(entries[0]?.[0] ?? '', () => replaceWith(next));
        return SELF;
      },
      deleteProperty(key: string) {
        write(String(key), () => store.delete(String(key)));
        return SELF;
      },
      deleteAllProperties() {
        write('', () => store.clear());
        return SELF;
      },
    };
    return instrument(exec, kind, impl);
  };

  const impl = {
    getScriptProperties() {
      exec.requireAuth('LIMITED', 'PropertiesService.getScriptProperties');
      return storeObject(host.properties.script, 'ScriptProperties');
    },
    getUserProperties() {
      exec.requireAuth('LIMITED', 'PropertiesService.getUserProperties');
      return storeObject(host.properties.user(exec.user), 'UserProperties');
    },
    getDocumentProperties() {
      exec.requireAuth('LIMITED', 'PropertiesService.getDocumentProperties');
      return exec.spreadsheetId === null
        ? null
        : storeObject(host.properties.document(exec.spreadsheetId), 'DocumentProperties');
    },
  };
  return instrument(exec, 'PropertiesService', impl) as never;
}
