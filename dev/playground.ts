/**
 * `npm start`: the add-on's sidebar in your browser, running the built bundle in the local
 * Apps Script runtime against the local Keap simulator. No Google or Keap account needed.
 *
 *   npm start                      serve until Ctrl-C (PORT=NNNN to choose the port)
 *   npm start -- --smoke           connect and sync over HTTP, print the result, exit
 *   npm start -- --seed s.json --csv sheet.csv --unconfigured
 *   npm start -- --keap-optout=refused --xmlrpc=gone   how Keap's opt-out behaves (dev/README.md)
 */
import { parseArgs } from 'node:util';
import {
  isRestOptOutMode,
  isXmlRpcMode,
  REST_OPT_OUT_MODES,
  XML_RPC_MODES,
  type OptOutModes,
} from '../test/keap-sim';
import { startPlayground, type Playground } from './playground/server';
import { describeSmoke, smokeRun } from './playground/smoke';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      smoke: { type: 'boolean', default: false },
      port: { type: 'string' },
      seed: { type: 'string' },
      csv: { type: 'string' },
      unconfigured: { type: 'boolean', default: false },
      'no-validate': { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
      'keap-optout': { type: 'string', default: 'works' },
      xmlrpc: { type: 'string', default: 'up' },
    },
  });
  const optOut = optOutModes(values['keap-optout'], values.xmlrpc);
  if (typeof optOut === 'string') {
    process.stderr.write(`${optOut}\n`);
    return 2;
  }
  const smoke = values.smoke || process.env.PLAYGROUND_SMOKE === '1';
  const portText = values.port ?? process.env.PORT ?? '0';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`The port must be a number from 0 to 65535, not ${portText}.\n`);
    return 2;
  }
  const quiet = values.quiet || smoke;
  const pg = await startPlayground({
    port,
    ...(values.seed ? { seedFile: values.seed } : {}),
    ...(values.csv ? { csvFile: values.csv } : {}),
    configured: !values.unconfigured,
    validateRequests: !values['no-validate'],
    optOut,
    log: quiet ? undefined : (line) => process.stdout.write(`  ${line}\n`),
  });

  if (smoke) {
    process.stdout.write(`Playground: ${pg.url}\nKeap simulator: ${pg.simUrl}\n`);
    try {
      const started = Date.now();
      const result = await smokeRun(pg);
      process.stdout.write(`${describeSmoke(result)}\n`);
      process.stdout.write(
        `Smoke run ${result.ok ? 'passed' : 'FAILED'} in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
      );
      return result.ok ? 0 : 1;
    } catch (err) {
      process.stderr.write(
        `Smoke run FAILED: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      return 1;
    } finally {
      await pg.close();
    }
  }

  printWelcome(pg, optOut);
  // No signal handler on purpose: a sync holds this thread (UrlFetchApp is synchronous, so
  // the runtime blocks on Atomics.wait), and a handler would only run once it ends. Without
  // one, Ctrl-C or SIGTERM ends the process at once; the server's port goes with it and the
  // Keap simulator child exits when its IPC channel closes (keapSimChild.ts).
  return new Promise<never>(() => undefined);
}

/** The simulator's opt-out modes from the flags, or a message naming the values allowed. */
function optOutModes(rest: string, xmlRpc: string): OptOutModes | string {
  if (!isRestOptOutMode(rest)) {
    return `--keap-optout must be one of ${REST_OPT_OUT_MODES.join(', ')}, not ${JSON.stringify(rest)}.`;
  }
  if (!isXmlRpcMode(xmlRpc)) {
    return `--xmlrpc must be one of ${XML_RPC_MODES.join(', ')}, not ${JSON.stringify(xmlRpc)}.`;
  }
  return { restOptOut: rest, xmlRpc };
}

function printWelcome(pg: Playground, optOut: OptOutModes): void {
  const lines = [
    '',
    'Keap Sheets Sync playground',
    `  Open ${pg.url} in your browser.`,
    '  In the sidebar on the right: click "Connect to Keap", click Allow on the Keap',
    '  (simulator) page that opens, come back: the sidebar shows Connected. Then "Sync now"',
    '  and watch the status column of the sheet.',
    '',
    `  Signed in as:    ${pg.user}`,
    `  Keap simulator:  ${pg.simUrl} (real clock)`,
    `  Redirect URI:    ${pg.redirectUri}`,
    `                   (the browser lands on ${pg.callbackUrl})`,
    `  Keap opt-out:    REST v2 ${optOut.restOptOut}, XML-RPC ${optOut.xmlRpc} (--keap-optout, --xmlrpc)`,
    `  Sample data:     ${pg.seedFile}`,
    `                   ${pg.csvFile}`,
    '',
    'Everything runs on this machine and is forgotten on exit. Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(
      `The playground could not start: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    process.exit(1);
  },
);
