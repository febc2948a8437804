/**
 * The words on a row's Sync Status cell. One family of phrases, so people can filter on
 * them: "Updated: ...", "Up to date", "Error: ...", "Will retry: ...".
 */
import type { UnitResult } from './plan';

export const UP_TO_DATE = 'Up to date';
export const KEAP_BUSY = 'Will retry: Keap was busy';

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function errorStatus(message: string): string {
  return `Error: ${capitalize(message)}`;
}

function updatedStatus(emailChangedTo: string | null, optedOut: boolean): string | null {
  const parts: string[] = [];
  if (emailChangedTo !== null) parts.push(`email changed to ${emailChangedTo}`);
  if (optedOut) parts.push('opted out');
  return parts.length === 0 ? null : `Updated: ${parts.join('; ')}`;
}

/** The row's status, or null when the row has none yet (its write was not sent in time). */
export function unitStatus(result: UnitResult): string | null {
  const { failure, emailChangedTo, optedOut } = result;
  if (failure === null) return updatedStatus(emailChangedTo, optedOut) ?? UP_TO_DATE;
  switch (failure.kind) {
    case 'pending':
      return null;
    case 'retry':
      return KEAP_BUSY;
    case 'error':
      return emailChangedTo === null
        ? errorStatus(failure.message)
        : errorStatus(`email changed to ${emailChangedTo}, but ${failure.message}`);
  }
}
