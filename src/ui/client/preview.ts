/** Preview changes: what a sync would change, row by row; nothing is changed. */
import { append, button, byId, clear, el } from './dom';
import { plural } from './format';
import type { Sidebar, SyncPreview } from './sidebar';
import { countCell } from './summary';
import { runSyncCardCall } from './syncPanel';

const PREVIEW_ROW_LIMIT = 200;

type PreviewRow = SyncPreview['changes'][number];

/** Preview changes was clicked. */
export function preview(ui: Sidebar): void {
  runSyncCardCall(
    ui,
    'Checking what a sync would change\u2026 nothing is changed yet.',
    () => ui.server.call('previewSync'),
    { shown: showPreview, failedTitle: 'Could not preview the sync' },
  );
}

function showPreview(result: SyncPreview): void {
  const box = clear(byId('preview-result'));
  const rows: PreviewRow[] = [...result.changes, ...result.errors].sort((a, b) => a.row - b.row);
  const counts = previewCounts(result);
  const note = previewNote(result);
  append(box, [
    el('div', { className: 'field-row' }, [
      el('p', {
        className: 'status-line',
        style: 'flex:1;margin:0',
        text: 'Preview \u2014 nothing changed yet',
      }),
      button('preview-close', 'Close', 'link', () => {
        box.hidden = true;
      }),
    ]),
    el('div', { className: 'counts', testid: 'preview-counts' }, [
      countCell(counts.emailChanges, counts.emailChanges === 1 ? 'email change' : 'email changes'),
      countCell(counts.optOuts, counts.optOuts === 1 ? 'opt-out' : 'opt-outs'),
      countCell(
        counts.errors,
        counts.errors === 1 ? 'error' : 'errors',
        counts.errors ? 'has-errors' : '',
      ),
    ]),
    el('p', {
      className: 'muted small',
      testid: 'preview-totals',
      text: `${plural(result.rowsSeen, 'row')} read, ${result.unchanged} unchanged.${note ? ` ${note}` : ''}`,
    }),
  ]);
  if (rows.length === 0) {
    append(
      box,
      el('p', { testid: 'preview-empty', text: 'A sync now would change nothing in Keap.' }),
    );
  } else {
    append(
      box,
      el(
        'ul',
        { className: 'rows', testid: 'preview-rows' },
        rows.slice(0, PREVIEW_ROW_LIMIT).map(previewRowView),
      ),
    );
    if (rows.length > PREVIEW_ROW_LIMIT) {
      append(
        box,
        el('p', {
          className: 'muted small',
          text: `\u2026and ${rows.length - PREVIEW_ROW_LIMIT} more rows.`,
        }),
      );
    }
  }
  appendOptedOutInKeap(box, result.optedOutInKeap || []);
  box.hidden = false;
}

/** Rows Keap shows opted out whose Opt Out box is not ticked: the sync leaves them so. */
function appendOptedOutInKeap(
  box: HTMLElement,
  rows: NonNullable<SyncPreview['optedOutInKeap']>,
): void {
  if (rows.length === 0) return;
  append(box, [
    el('p', {
      className: 'muted small',
      text: 'Opted out in Keap, but Opt Out is not ticked (the add-on never opts anyone back in):',
    }),
    el(
      'ul',
      { className: 'rows', testid: 'preview-keap-opted-out' },
      rows
        .slice(0, PREVIEW_ROW_LIMIT)
        .map((row) =>
          el('li', { testid: 'preview-keap-row', 'data-row': row.row }, [
            el('span', { className: 'row-no', text: `Row ${row.row}` }),
            el('span', { className: 'change', text: `${row.email}: ${row.keapStatus}` }),
          ]),
        ),
    ),
  ]);
}

/** Why the preview stopped early; not its message, which repeats the counts above. */
function previewNote(result: SyncPreview): string {
  if (result.stopped === undefined) return result.message;
  return result.stopped ? `Only part of the sheet was checked: ${result.stopped}` : '';
}

/** Counted as the sync counts: a contact on two rows is one change (the server counts). */
function previewCounts(result: SyncPreview): {
  emailChanges: number;
  optOuts: number;
  errors: number;
} {
  if (result.counts) return result.counts;
  return {
    emailChanges: result.changes.filter(changesEmail).length,
    optOuts: result.changes.filter((change) => change.optOut).length,
    errors: result.errors.length,
  };
}

function changesEmail(change: PreviewRow): boolean {
  return change.emailTo !== null && change.emailTo !== change.emailFrom;
}

function previewRowView(change: PreviewRow): HTMLElement {
  const item = el('li', { testid: 'preview-row', 'data-row': change.row }, [
    el('span', { className: 'row-no', text: `Row ${change.row}` }),
    change.contactId
      ? el('span', { className: 'muted', text: ` \u00b7 contact ${change.contactId}` })
      : null,
    change.optOut && !change.error ? el('span', { className: 'tag', text: 'opt out' }) : null,
  ]);
  if (change.error) {
    append(item, el('span', { className: 'change bad', text: change.error }));
  } else if (changesEmail(change)) {
    append(
      item,
      el('span', { className: 'change' }, [
        change.emailFrom
          ? el('span', { className: 'from', text: change.emailFrom })
          : el('span', { className: 'muted', text: '(no email)' }),
        ' \u2192 ',
        el('span', { className: 'to', text: change.emailTo }),
      ]),
    );
  }
  return item;
}
