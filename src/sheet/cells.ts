/**
 * What getValues() hands back for a cell: a number, a string, a boolean, a Date, or '' for
 * an empty cell. Formula errors arrive as their text ('#N/A', '#REF!', ...).
 */
export type CellValue = unknown;

const FORMULA_ERRORS = new Set([
  '#N/A',
  '#REF!',
  '#VALUE!',
  '#DIV/0!',
  '#NAME?',
  '#NUM!',
  '#NULL!',
  '#ERROR!',
  '#SPILL!',
  '#CALC!',
]);

/** Cross-realm safe (no instanceof); most cells are strings or numbers, answered at once. */
export function isDate(value: CellValue): value is Date {
  return (
    typeof value === 'object' &&
    value !== null &&
    Object.prototype.toString.call(value) === '[object Date]'
  );
}

export function isBlankCell(value: CellValue): boolean {
  return (
    value === null || value === undefined || (typeof value === 'string' && value.trim() === '')
  );
}

/** The error text when the cell shows a formula error, else null. */
export function formulaErrorOf(value: CellValue): string | null {
  // Every error text has a '#': most cells (every email) are answered without a copy.
  if (typeof value !== 'string' || !value.includes('#')) return null;
  const text = value.trim().toUpperCase();
  return FORMULA_ERRORS.has(text) ? text : null;
}

/**
 * text.toLowerCase(), without a copy when nothing in it changes: toLowerCase always makes
 * one, and every email of every read is lower-cased.
 */
export function lowerCased(text: string): string {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if ((code >= 65 && code <= 90) || code > 127) return text.toLowerCase();
  }
  return text;
}

/** A stable text form of a cell, used to recognise a row again after a re-read. */
export function cellText(value: CellValue): string {
  if (value === null || value === undefined) return '';
  if (isDate(value)) return `date:${value.getTime()}`;
  return String(value).trim();
}
