/**
 * Which Keap Email Status cells hold the add-on's words, told by what the add-on stored, never
 * by reading its own words: the spreadsheet keeps the marks (short hashes) of the words the
 * add-on wrote in the column and that are still there (the port: developer metadata of the
 * spreadsheet, services.ts, shared by every editor and trigger run). They decide what the
 * add-on may empty: in a row without an email, or with the column turned off, a cell whose
 * text has a mark is the add-on's and is emptied, any other text (a note a person typed) is
 * kept. A row with an email always shows what Keap shows (the column is the add-on's output
 * there, like Sync Status), whatever the cell held.
 * A spreadsheet without marks (last synced by the released version), or whose record is
 * unreadable, is read once by the legacy reader (legacyStatusWords.ts), and that run stores
 * the marks. Pure.
 *
 * Known limit: the marks are per text, not per cell: a note typed word for word like words the
 * add-on shows elsewhere in the column counts as the add-on's.
 */
import { hash53 } from '../sheet/hash';
import { isReleasedStatusWords } from './legacyStatusWords';

/** The developer metadata key of the record (PROJECT visibility, like the settings). */
export const KEAP_STATUS_MARKS_KEY = 'keapSync.keapStatusMarks';

/** Where the marks live; null from `read`: none were stored yet (or the record is unreadable). */
export interface KeapStatusMarksPort {
  read(): string[] | null;
  write(marks: string[]): void;
}

/**
 * At most this many marks are kept (the oldest go first): a spreadsheet's developer metadata
 * holds 30,000 characters in all, shared with the settings. A text whose mark went is kept
 * as a person's would be: too few marks never empty a note.
 */
export const MAX_MARKS = 300;
const MARK_LENGTH = 10;
const RECORD_PREFIX = 'm1:';
const MARK_FORM = new RegExp(`^[0-9a-f]{${MARK_LENGTH}}$`);

/** 40 bits of the text's hash: short, and a chance collision with a note is negligible. */
export function markOf(text: string): string {
  return hash53(text).slice(-MARK_LENGTH);
}

/** The record's text: a version prefix and the marks, oldest first. */
export function encodeMarks(marks: readonly string[]): string {
  return RECORD_PREFIX + marks.join(',');
}

/** The marks of a record, or null (none stored, or not a record this version wrote). */
export function decodeMarks(text: string | null): string[] | null {
  if (text === null || !text.startsWith(RECORD_PREFIX)) return null;
  const body = text.slice(RECORD_PREFIX.length);
  if (body === '') return [];
  const marks = body.split(',');
  if (marks.length > MAX_MARKS || !marks.every((mark) => MARK_FORM.test(mark))) return null;
  return marks;
}

export class KeapStatusMarks {
  private readonly stored: readonly string[] | null;
  private readonly storedSet: ReadonlySet<string> | null;

  constructor(marks: readonly string[] | null) {
    this.stored = marks;
    this.storedSet = marks === null ? null : new Set(marks);
  }

  /** Whether the add-on wrote `text` (the released version's words, while there are no marks). */
  isOurs(text: string): boolean {
    if (text === '') return false;
    return this.storedSet === null ? isReleasedStatusWords(text) : this.storedSet.has(markOf(text));
  }

  /**
   * The marks to keep after this run, oldest first: the add-on's texts still in the column (a
   * cell it empties keeps its mark until a run sees it empty, so a write that did not land is
   * not orphaned), and the words it writes now (newest). Null when the set did not change, so
   * most runs store nothing.
   */
  next(shown: readonly string[], written: readonly string[]): string[] | null {
    const kept = new Set<string>();
    for (const text of shown) if (this.isOurs(text)) kept.add(markOf(text));
    const fresh = new Set<string>();
    for (const text of written) if (text !== '') fresh.add(markOf(text));
    const all = new Set([...kept, ...fresh]);
    const same =
      this.storedSet !== null &&
      this.storedSet.size === all.size &&
      [...all].every((mark) => this.storedSet?.has(mark));
    if (same) return null;
    // Oldest first: the stored order of those kept, then the new ones, the words written now last.
    const ordered = [
      ...(this.stored ?? []).filter((mark) => kept.has(mark) && !fresh.has(mark)),
      ...[...kept].filter((mark) => !this.storedSet?.has(mark) && !fresh.has(mark)),
      ...fresh,
    ];
    return [...new Set(ordered)].slice(-MAX_MARKS);
  }
}
