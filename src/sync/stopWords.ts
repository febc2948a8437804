/**
 * Plain words for why a run stopped early. Each message is whole sentences with at most one
 * instruction, and never a parenthesis inside a parenthesis: Keap's and the connection's
 * own texts are already sentences, so they are reworded or followed, not wrapped.
 */
import { isTransientServiceError } from './serviceRetry';
import { WORDS } from '../keap/keapErrors';
import { KeapAccessError, KeapDailyLimitError, KeapUnavailableError } from '../keap/model';
import { SheetSetupError } from '../sheet/setupError';
import type { SyncOutcome } from './summary';

export interface Stop {
  outcome: Extract<SyncOutcome, 'needs-reconnect' | 'failed'>;
  message: string;
  /** A Google service failed on its side: the run continues at the next run, as if cut short. */
  transient?: boolean;
}

export const DAILY_LIMIT_SENTENCE =
  "Keap's daily request limit for this add-on was reached; Keap resets it at 00:00 UTC.";
export const RETRY_NEXT_RUN = 'Rows not yet synced are tried again on the next run.';
const SYNCED_ONCE_CONNECTED = 'Rows not yet synced are synced once Keap is connected again.';
const OPEN_AND_CONNECT =
  'Open Keap Sheets Sync from the Extensions menu and connect again; rows not yet synced are synced after that.';

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The text with a capital first letter and a full stop at the end. */
export function asSentence(text: string): string {
  const trimmed = text.trim().replace(/[\s;,:]+$/, '');
  if (trimmed === '') return '';
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/** The connection's reason already tells the person what to do (reconnect, paste a key). */
const HAS_INSTRUCTION = /\b(reconnect|connect|paste)\b/i;
const NOT_SET_UP = /\bnot set up\b/i;

/** Why Keap needs a person, followed by one instruction (the reason's own when it has one). */
export function reconnectMessage(reason: string): string {
  const said = asSentence(reason) || 'Keap does not accept the connection.';
  if (HAS_INSTRUCTION.test(said) || NOT_SET_UP.test(said))
    return `${said} ${SYNCED_ONCE_CONNECTED}`;
  return `${said} ${OPEN_AND_CONNECT}`;
}

function startsWith(text: string, prefix: string): boolean {
  return text.toLowerCase().startsWith(prefix.toLowerCase());
}

/**
 * Keap's failure as one sentence. The gateway's texts end in "; will retry next run" and
 * some carry their own parenthesis; they are reworded so that nothing nests.
 */
export function keapTroubleSentence(message: string): string {
  const text = message.trim();
  if (startsWith(text, WORDS.throttled)) {
    return 'Keap stayed too busy to answer: it kept throttling the requests after every retry.';
  }
  if (startsWith(text, WORDS.unreachable) || startsWith(text, WORDS.unconfirmed)) {
    return 'Keap could not be reached: the network kept failing after every retry.';
  }
  const server = /^Keap had a server error \(HTTP (\d{3})\)/i.exec(text);
  if (server) {
    return `Keap kept answering with a server error (HTTP ${server[1]}) after every retry.`;
  }
  const refused = /^Keap refused to list ([^:]+): ([\s\S]*)$/i.exec(text);
  if (refused) return `Keap refused to list ${refused[1]}: ${asSentence(refused[2])}`;
  if (startsWith(text, WORDS.unreadable)) {
    const what = /\(while reading ([^)]+)\)/i.exec(text)?.[1];
    return what
      ? `Keap sent an answer the add-on could not read while reading ${what}.`
      : 'Keap sent an answer the add-on could not read.';
  }
  // Any other text is the gateway's or the connection's own sentence: kept as it is.
  return asSentence(text) || 'Keap did not answer.';
}

/** Plain words for why an execution stopped early. */
export function stopFor(error: unknown): Stop {
  if (error instanceof KeapAccessError) {
    return { outcome: 'needs-reconnect', message: reconnectMessage(error.reason) };
  }
  // A run handles the daily limit itself (it waits for the reset); this is for the preview.
  if (error instanceof KeapDailyLimitError) {
    return { outcome: 'failed', message: DAILY_LIMIT_SENTENCE };
  }
  if (error instanceof KeapUnavailableError) {
    return {
      outcome: 'failed',
      message: `${keapTroubleSentence(error.message)} ${RETRY_NEXT_RUN}`,
    };
  }
  if (error instanceof SheetSetupError) return { outcome: 'failed', message: error.message };
  return {
    outcome: 'failed',
    message: `The sync stopped unexpectedly: ${asSentence(describe(error))} ${RETRY_NEXT_RUN}`,
    ...(isTransientServiceError(error) ? { transient: true } : {}),
  };
}
