/** CacheService: user, script and document caches whose entries expire on the virtual clock. */
import type { VirtualClock } from './clock';
import { instrument, type Execution } from './execution';
import type { Host } from './host';

export const DEFAULT_CACHE_SECONDS = 600;
export const MAX_CACHE_SECONDS = 21600;
const MAX_KEY_LENGTH = 250;
const MAX_VALUE_BYTES = 100 * 1024;

interface Entry {
  value: string;
  expiresAt: number;
}

export class CacheStores {
  private readonly caches = new Map<string, Map<string, Entry>>();

  constructor(private readonly clock: VirtualClock) {}

  scope(name: string): Map<string, Entry> {
    let c = this.caches.get(name);
    if (!c) this.caches.set(name, (c = new Map()));
    return c;
  }

  read(scope: string, key: string): string | null {
    const cache = this.scope(scope);
    const entry = cache.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= this.clock.now()) {
      cache.delete(key);
      return null;
    }
    return entry.value;
  }

  /** Drops every cache, as when Google evicts them (caches are best-effort). */
  evictAll(): void {
    this.caches.clear();
  }
}

export function createCacheService(
  exec: Execution,
  host: Host,
): GoogleAppsScript.Cache.CacheService {
  const cacheObject = (scope: string) => {
    const store = () => host.caches.scope(scope);
    const put = (key: string, value: string, seconds?: number) => {
      if (key.length > MAX_KEY_LENGTH) exec.fail('Argument too large: key');
      if (Buffer.byteLength(value, 'utf8') > MAX_VALUE_BYTES)
        exec.fail('Argument too large: value');
      const ttl = Math.min(Math.max(seconds ?? DEFAULT_CACHE_SECONDS, 1), MAX_CACHE_SECONDS);
      store().set(key, { value, expiresAt: exec.clock.now() + ttl * 1000 });
    };
    const impl = {
      get: (key: string) => host.caches.read(scope, String(key)),
      getAll(keys: string[]) {
        const out: Record<string, string> = {};
        for (const key of keys) {
          const v = host.caches.read(scope, String(key));
          if (v !== null) out[String(key)] = v;
        }
        return exec.realm.object(out);
      },
      put(key: string, value: unknown, expirationInSeconds?: number) {
        put(String(key), String(value), expirationInSeconds);
      },
      putAll(values: Record<string, unknown>, expirationInSeconds?: number) {
        for (const [k, v] of Object.entries(values)) put(k, String(v), expirationInSeconds);
      },
      remove(key: string) {
        store().delete(String(key));
      },
      removeAll(keys: string[]) {
        for (const key of keys) store().delete(String(key));
      },
    };
    return instrument(exec, 'Cache', impl);
  };
  const impl = {
    getUserCache: () => cacheObject(`user:${exec.user}`),
    getScriptCache: () => cacheObject('script'),
    getDocumentCache: () =>
      exec.spreadsheetId === null ? null : cacheObject(`document:${exec.spreadsheetId}`),
  };
  return instrument(exec, 'CacheService', impl) as never;
}
