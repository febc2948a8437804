/**
 * The add-on's one way to show a moment to a person: src/sync/dateText.ts, shared with the
 * sheet's row statuses and run messages (the sync may not import src/ui, so it lives there).
 */
export { formatMoment, intlLocale, momentOptions } from '../sync/dateText';
