/** Session: who runs the execution, and the script's time zone. */
import { createHash } from 'node:crypto';
import { instrument, type Execution } from './execution';
import type { Host } from './host';

export function createSession(exec: Execution, host: Host): GoogleAppsScript.Base.Session {
  const user = () => {
    const impl = { getEmail: () => exec.user, toString: () => exec.user };
    return instrument(exec, 'User', impl, { uncounted: Object.keys(impl) });
  };
  const impl = {
    getActiveUser: user,
    getEffectiveUser: user,
    getScriptTimeZone: () => host.timeZone,
    getActiveUserLocale: () => 'en',
    getTemporaryActiveUserKey: () =>
      createHash('sha256').update(`${host.scriptId}:${exec.user}`).digest('base64').slice(0, 43),
  };
  return instrument(exec, 'Session', impl) as never;
}
