/**
 * The one legacy reader of the Keap Email Status column: which cells hold words the released
 * version (before the column's marks, keapStatusMarks.ts) wrote. It is asked only while a
 * spreadsheet has no marks yet, that is on the first run of this version; that run records
 * the marks of the words it finds, and from then on only the marks decide. Nothing else in
 * the add-on reads its own words back. Pure.
 */
import {
  KEAP_STATUS_WORDS,
  MAX_STATUS_CODE,
  NOT_IN_KEAP_EMAILS,
  NOT_TICKED,
  UNKNOWN_STATUS_PREFIX,
} from './statusText';

const BY_ADD_ON_WORDS = /^Opted out by this add-on on \d{4}-\d{2}-\d{2}$/;
/** Exactly what the released version wrote for an unknown code (statusCode's form, its length). */
const UNKNOWN_STATUS_WORDS = new RegExp(
  `^${UNKNOWN_STATUS_PREFIX}(?=[A-Z0-9_]{1,${MAX_STATUS_CODE}}$)[A-Z0-9]+(_[A-Z0-9]+)*$`,
);
const KNOWN_WORDS: ReadonlySet<string> = new Set([
  NOT_IN_KEAP_EMAILS,
  ...Object.values(KEAP_STATUS_WORDS),
]);

/**
 * Whether a Keap Email Status cell holds words the released version wrote (keapStatusWords's
 * words then were the same as now). Anything else (a note a person typed) is not the add-on's.
 */
export function isReleasedStatusWords(text: string): boolean {
  const words = text.endsWith(NOT_TICKED) ? text.slice(0, -NOT_TICKED.length) : text;
  return KNOWN_WORDS.has(words) || BY_ADD_ON_WORDS.test(words) || UNKNOWN_STATUS_WORDS.test(words);
}
