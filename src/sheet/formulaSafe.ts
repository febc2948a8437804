/**
 * Text the add-on writes into a cell must stay text: Sheets reads a value starting with
 * '=', '+', '-' or '@' typed into a cell as a formula, and a leading apostrophe is how a
 * person (and setValues) says "this is text". The apostrophe itself is not shown.
 */
const FORMULA_LEAD = /^[=+\-@]/;

export function formulaSafe(text: string): string {
  return FORMULA_LEAD.test(text) ? `'${text}` : text;
}

/** Applies formulaSafe to strings and passes every other cell value (numbers, dates) through. */
export function formulaSafeCell<T>(value: T): T | string {
  return typeof value === 'string' ? formulaSafe(value) : value;
}
