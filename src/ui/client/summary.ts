/** A run's summary as the sidebar shows it, under Sync now and in the Last run card. */
import { dot, el, type Child } from './dom';
import { formatDuration, formatTime } from './format';
import type { Sidebar, SyncSummary } from './sidebar';

const TRIGGER_WORDS: Record<string, string> = {
  daily: 'daily sync',
  menu: 'from the menu',
  sidebar: 'from the sidebar',
  continuation: 'continued by itself',
};

/** Headline of a run: [dot kind, words]. */
function outcomeHeadline(summary: SyncSummary): [string, string] {
  switch (summary.outcome) {
    case 'completed':
      return summary.errors > 0
        ? [
            'warn',
            summary.errors === 1
              ? 'Finished, 1 row with an error'
              : `Finished, ${summary.errors} rows with errors`,
          ]
        : ['ok', 'Finished'];
    case 'continuing':
      return ['warn', 'Part done'];
    case 'daily-limit':
      return ['warn', 'Paused: Keap\u2019s daily request limit was reached'];
    case 'busy':
      return ['warn', 'A sync was already running; nothing was done'];
    case 'needs-reconnect':
      return ['bad', 'Stopped: reconnect to Keap'];
    case 'failed':
      return ['bad', 'Stopped with an error'];
    default:
      return ['', String(summary.outcome)];
  }
}

/** One number and its label. */
export function countCell(value: number, label: string, extraClass = ''): HTMLElement {
  return el('div', { className: `count ${extraClass}` }, [
    el('b', { text: String(value) }),
    el('span', { text: label }),
  ]);
}

/**
 * A run: its headline, message, counts and the rows with errors.
 * @param withTime also when it ran, how it started and how long it took
 */
export function summaryView(ui: Sidebar, summary: SyncSummary, withTime: boolean): Child[] {
  const [kind, headline] = outcomeHeadline(summary);
  const nodes: Child[] = [
    el('p', { className: 'status-line', testid: 'outcome', 'data-outcome': summary.outcome }, [
      dot(kind),
      headline,
    ]),
  ];
  if (withTime) {
    nodes.push(
      el('p', {
        className: 'muted small',
        testid: 'run-time',
        text: `${formatTime(summary.startedAt, ui.current)} \u00b7 ${
          TRIGGER_WORDS[summary.trigger] || summary.trigger
        } \u00b7 took ${formatDuration(summary.durationMs)}`,
      }),
    );
  }
  if (summary.outcome === 'needs-reconnect') {
    // The connection card above shows Keap's reason and the Reconnect button: no repeat here.
    nodes.push(
      el('p', {
        className: 'small',
        testid: 'run-message',
        text: 'Nothing was changed in Keap. Reconnect to Keap, then sync again: rows not yet synced are synced then.',
      }),
    );
  } else if (summary.message) {
    const className = summary.outcome === 'failed' ? 'banner banner-error' : 'small';
    nodes.push(el('p', { className, testid: 'run-message', text: summary.message }));
  }
  const nothingCounted = summary.rowsSeen === 0 && summary.outcome !== 'completed';
  if (summary.outcome !== 'busy' && !nothingCounted) nodes.push(countsView(summary));
  if (summary.errorRows && summary.errorRows.length) nodes.push(errorRowsView(summary));
  return nodes;
}

function countsView(summary: SyncSummary): HTMLElement {
  return el('div', { className: 'counts', testid: 'counts' }, [
    countCell(summary.rowsSeen, 'rows checked'),
    countCell(summary.emailsUpdated, 'emails updated'),
    countCell(summary.optedOut, 'opted out'),
    countCell(summary.unchanged, 'unchanged'),
    countCell(
      summary.errors,
      summary.errors === 1 ? 'error' : 'errors',
      summary.errors > 0 ? 'has-errors' : '',
    ),
    countCell(summary.keapRequests, 'requests to Keap'),
  ]);
}

function errorRowsView(summary: SyncSummary): HTMLElement {
  const rows = summary.errorRows;
  const more = Math.max(summary.errors, rows.length) - rows.length;
  return el('p', { className: 'small', testid: 'error-rows' }, [
    el('span', {
      className: 'bad',
      text: rows.length === 1 && more === 0 ? 'Row with an error: ' : 'Rows with errors: ',
    }),
    rows.join(', ') + (more > 0 ? ` and ${more} more` : ''),
    '. Each row\u2019s status column says what went wrong.',
  ]);
}
