/** The two banners at the top: a problem (red) and a notice (green, or blue for 'info'). */
import { append, byId, clear, type Child } from './dom';
import { errorWords } from './format';

function reveal(banner: HTMLElement): void {
  banner.hidden = false;
  if (banner.scrollIntoView) banner.scrollIntoView({ block: 'nearest' });
}

/** "<what>: <the failure in words>". */
export function showError(what: string, error: unknown): void {
  showProblem(`${what}: ${errorWords(error)}`);
}

/** A problem in the sidebar's own words. */
export function showProblem(text: string): void {
  byId('error-text').textContent = text;
  reveal(byId('error'));
}

/** A problem whose words include a node (a link). */
export function showProblemWith(parts: Child): void {
  append(clear(byId('error-text')), parts);
  reveal(byId('error'));
}

export function clearError(): void {
  byId('error').hidden = true;
  byId('error-text').textContent = '';
}

/** @param kind 'ok' (default) or 'info' */
export function showNotice(text: string, kind = 'ok'): void {
  byId('notice').className = `banner banner-${kind}`;
  byId('notice-text').textContent = text;
  reveal(byId('notice'));
}

export function clearNotice(): void {
  byId('notice').hidden = true;
}

/** Reports a failure of the sidebar's own code (an answer it could not show). */
export function reportCrash(error: unknown): void {
  showError('The sidebar hit a problem', error);
}

/**
 * Runs the handler for a server call's answer or failure; a handler that throws is reported
 * too, never lost.
 * @param answer the call (Bridge.call)
 * @param onAnswer what to do with the answer
 * @param onFailure what to do when the call failed
 */
export function whenAnswered<T>(
  answer: Promise<T>,
  onAnswer: (value: T) => void,
  onFailure: (error: unknown) => void,
): void {
  answer.then(onAnswer, onFailure).catch(reportCrash);
}
