/**
 * Which Keap Email Status cells hold the add-on's words, told by what the add-on stored, never
 * by reading its own words: the spreadsheet keeps the marks (hashes) of the words the add-on
 * wrote in the column and that are still there (the port: developer metadata, services.ts).
 * A cell whose text has a mark is the add-on's, to refresh or empty; any other text (a note a
 * person typed) is kept. A spreadsheet without marks was last synced by the released version:
 * its words are read once by the legacy reader (legacyStatusWords.ts), and that run stores the
 * marks. Pure.
 *
 * Known limit: the marks are per text, not per cell: a note typed word for word like words the
 * add-on shows elsewhere in the column counts as the add-on's.
 */
import { hash53 } from '../sheet/hash';
import { isReleasedStatusWords } from './legacyStatusWords';

/** Where the marks live; null from `read`: none were stored yet. */
export interface KeapStatusMarksPort {
  read(): string[] | null;
  write(marks: string[]): void;
}

export function markOf(text: string): string {
  return hash53(text);
}

export class KeapStatusMarks {
  private readonly stored: ReadonlySet<string> | null;

  constructor(marks: readonly string[] | null) {
    this.stored = marks === null ? null : new Set(marks);
  }

  /** Whether the add-on wrote `text` (the released version's words, while there are no marks). */
  isOurs(text: string): boolean {
    if (text === '') return false;
    return this.stored === null ? isReleasedStatusWords(text) : this.stored.has(markOf(text));
  }

  /**
   * The marks to keep after this run: the add-on's texts still in the column (a cell it empties
   * keeps its mark until a run sees it empty, so a write that did not land is not orphaned),
   * and the words it writes now. Null when nothing changed.
   */
  next(shown: readonly string[], written: readonly string[]): string[] | null {
    const marks = new Set<string>();
    for (const text of shown) if (this.isOurs(text)) marks.add(markOf(text));
    for (const text of written) if (text !== '') marks.add(markOf(text));
    const same =
      this.stored !== null &&
      this.stored.size === marks.size &&
      [...marks].every((mark) => this.stored?.has(mark));
    return same ? null : [...marks].sort();
  }
}
