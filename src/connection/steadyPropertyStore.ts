/**
 * The user properties as the OAuth2 library sees them, with writes retried. A refresh has
 * already rotated the refresh token at Keap when the library saves the answer: if that one
 * write fails (Apps Script's property service has passing server errors), the only working
 * refresh token is gone and the person must reconnect. A couple of short retries make that
 * far less likely. A read that fails with one of Google's transient service errors is tried
 * again the same way (a read changes nothing, so repeating it is safe); other read errors
 * and deletes go straight through.
 */
import { withRetry, withServiceRetry } from './serviceRetry';

export interface RetryPlan {
  /** Waits before the 2nd, 3rd, ... try. */
  delaysMs: number[];
  sleep(ms: number): void;
}

export const TOKEN_WRITE_RETRY_DELAYS_MS = [250, 1000];

export function steadyPropertyStore(
  store: GoogleAppsScript.Properties.Properties,
  plan: RetryPlan,
): GoogleAppsScript.Properties.Properties {
  const pause = (ms: number): void => plan.sleep(ms);
  const steady = {
    getProperty: (key: string) =>
      withServiceRetry(() => store.getProperty(key), pause, plan.delaysMs),
    getProperties: () => store.getProperties(),
    getKeys: () => store.getKeys(),
    deleteProperty: (key: string) => {
      store.deleteProperty(key);
      return steady;
    },
    deleteAllProperties: () => {
      store.deleteAllProperties();
      return steady;
    },
    setProperties: (properties: Record<string, string>, deleteAllOthers?: boolean) => {
      store.setProperties(properties, deleteAllOthers === true);
      return steady;
    },
    // Any failure of the token's write is worth another try: it cannot be made again later.
    setProperty: (key: string, value: string) => {
      withRetry(
        () => store.setProperty(key, value),
        () => true,
        pause,
        plan.delaysMs,
      );
      return steady;
    },
  };
  return steady as unknown as GoogleAppsScript.Properties.Properties;
}
