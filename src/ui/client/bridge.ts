/**
 * The sidebar's only way to the server: google.script.run behind one typed function. The
 * names, arguments and results come from the entry points' own declarations (type-only
 * imports: nothing of the server is bundled into the page), so renaming an entry point or
 * changing what it returns breaks this build. At most MAX_IN_FLIGHT calls run at once; the
 * others wait in a queue.
 */
import type * as connectionEntries from '../../entry/connection';
import type * as syncEntries from '../../entry/sync';
import type * as uiEntries from '../../entry/ui';

type EntryPoints = typeof connectionEntries & typeof syncEntries & typeof uiEntries;

/** The entry points src/entry/entryPoints.json lists as called by the sidebar. */
export type SidebarFunctionName =
  | 'getSidebarState'
  | 'getSyncStatus'
  | 'syncNow'
  | 'previewSync'
  | 'enableDailySync'
  | 'disableDailySync'
  | 'saveSettings'
  | 'getSettingsChoices'
  | 'saveApiKey'
  | 'disconnect';

/** What the sidebar may call, each as its entry point declares it. */
export type ServerFunctions = Pick<EntryPoints, SidebarFunctionName>;
export type ServerArgs<K extends SidebarFunctionName> = Parameters<ServerFunctions[K]>;
export type ServerResult<K extends SidebarFunctionName> = ReturnType<ServerFunctions[K]>;

/** Apps Script's google.script.run, as far as the sidebar uses it. */
interface ScriptRun {
  withSuccessHandler(handler: (value: unknown) => void): ScriptRun;
  withFailureHandler(handler: (error: unknown) => void): ScriptRun;
  [name: string]: unknown;
}

declare const google: { script: { run: ScriptRun } };

const MAX_IN_FLIGHT = 2;

interface Job {
  name: SidebarFunctionName;
  args: unknown[];
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** The queue of calls; one per page. */
export interface Bridge {
  /**
   * Calls a server entry point; settles with its answer or its failure.
   * @param name the entry point (one the sidebar may call)
   * @param args its arguments, as the entry point declares them
   * @return the entry point's result (a JSON copy, as google.script.run delivers it)
   */
  call<K extends SidebarFunctionName>(name: K, ...args: ServerArgs<K>): Promise<ServerResult<K>>;
  /** True when no call is running or waiting (polls start only then). */
  idle(): boolean;
}

/** A bridge over google.script.run. */
export function createBridge(): Bridge {
  const queue: Job[] = [];
  let inFlight = 0;

  function pump(): void {
    while (inFlight < MAX_IN_FLIGHT && queue.length > 0) start(queue.shift() as Job);
  }

  function start(job: Job): void {
    inFlight += 1;
    let finished = false;
    const settle = (done: () => void): void => {
      if (finished) return;
      finished = true;
      inFlight -= 1;
      done();
      pump();
    };
    const runner = google.script.run
      .withSuccessHandler((value) => settle(() => job.resolve(value)))
      .withFailureHandler((error) => settle(() => job.reject(error)));
    try {
      const send = runner[job.name] as (this: ScriptRun, ...args: unknown[]) => void;
      send.apply(runner, job.args);
    } catch (error) {
      settle(() => job.reject(error));
    }
  }

  return {
    call<K extends SidebarFunctionName>(name: K, ...args: ServerArgs<K>) {
      return new Promise<ServerResult<K>>((resolve, reject) => {
        queue.push({ name, args, resolve: resolve as (value: unknown) => void, reject });
        pump();
      });
    },
    idle: () => inFlight === 0 && queue.length === 0,
  };
}
