/** Logger and console, captured per execution and across executions. */
import { inspect } from 'node:util';
import type { Execution } from './execution';
import type { Host } from './host';

export interface LogRecord {
  at: number;
  user: string;
  fn: string;
  level: string;
  text: string;
}

function show(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value !== null && typeof value === 'object' && 'message' in value && 'stack' in value) {
    const e = value as { name?: string; message?: string };
    return `${e.name ?? 'Error'}: ${e.message ?? ''}`;
  }
  return inspect(value, { depth: 4, breakLength: Infinity });
}

function format(args: unknown[]): string {
  const [first, ...rest] = args;
  if (typeof first === 'string' && /%[sdifoO]/.test(first)) {
    let i = 0;
    const text = first.replace(/%[sdifoO%]/g, (token) =>
      token === '%%' ? '%' : i < rest.length ? show(rest[i++]) : token,
    );
    return [text, ...rest.slice(i).map(show)].join(' ');
  }
  return args.map(show).join(' ');
}

export function createLogging(exec: Execution, host: Host) {
  const write = (level: string, args: unknown[]) => {
    const text = format(args);
    exec.logs.push(text);
    host.logs.push({ at: exec.clock.now(), user: exec.user, fn: exec.fn, level, text });
  };
  const own: string[] = [];
  const Logger = {
    log(...args: unknown[]) {
      write('INFO', args);
      own.push(format(args));
      return Logger;
    },
    getLog: () => own.join('\n'),
    clear() {
      own.length = 0;
    },
  };
  const console = {
    log: (...args: unknown[]) => write('INFO', args),
    info: (...args: unknown[]) => write('INFO', args),
    debug: (...args: unknown[]) => write('DEBUG', args),
    warn: (...args: unknown[]) => write('WARNING', args),
    error: (...args: unknown[]) => write('ERROR', args),
    time: () => undefined,
    timeEnd: () => undefined,
  };
  return { Logger, console };
}
