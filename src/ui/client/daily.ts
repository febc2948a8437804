/** The Daily sync card: on, paused or off; the hour; Turn on, Change hour, Turn off. */
import {
  clearError,
  clearNotice,
  showError,
  showNotice,
  showProblem,
  whenAnswered,
} from './banners';
import { append, byId, clear, dot, el } from './dom';
import { formatHour, formatTime } from './format';
import { isConnected, isSetUp, type DailySyncStatus, type Sidebar } from './sidebar';

const DEFAULT_HOUR = 6;

/** The card for this daily sync. */
export function renderDaily(ui: Sidebar, daily: DailySyncStatus): void {
  byId('daily-section').hidden = !isSetUp(ui) && !daily.enabled;
  const status = clear(byId('daily-status'));
  const paused = ui.current && ui.current.sync.paused;
  if (daily.enabled && daily.hour !== null) {
    append(status, [
      el('span', { className: 'status-line' }, [
        dot('ok'),
        `On, every day at ${formatHour(daily.hour)}\u2013${formatHour((daily.hour + 1) % 24)}`,
      ]),
      el('br'),
      el('span', {
        className: 'muted small',
        text:
          (daily.nextRunAfter
            ? `Next run: ${formatTime(daily.nextRunAfter, ui.current)} or within the hour after. `
            : '') + (daily.owner ? `Runs as ${daily.owner}.` : ''),
      }),
    ]);
  } else if (paused) {
    append(status, [
      el('span', { className: 'status-line' }, [dot('warn'), paused.text]),
      el('br'),
      el('span', {
        className: 'muted small',
        text: 'Connect to Keap again, then turn it back on.',
      }),
    ]);
  } else {
    append(status, [
      el('span', { className: 'status-line' }, [dot(''), 'Off']),
      el('br'),
      el('span', {
        className: 'muted small',
        text: 'Turn it on to sync every day, even when the spreadsheet is closed.',
      }),
    ]);
  }
  const select = byId<HTMLSelectElement>('daily-hour');
  if (!select.options.length) {
    for (let hour = 0; hour < 24; hour += 1) {
      select.appendChild(el('option', { value: String(hour), text: formatHour(hour) }));
    }
  }
  if (!ui.hourTouched) {
    select.value = String(
      (daily.enabled || daily.paused) && daily.hour !== null ? daily.hour : DEFAULT_HOUR,
    );
  }
  byId('daily-zone').textContent = `${daily.timeZone} time`;
  updateDailyButtons(ui);
}

/** Turn on / Change hour / the resume label, enabled only when it would change something. */
export function updateDailyButtons(ui: Sidebar): void {
  const daily = ui.current && ui.current.sync.daily;
  if (!ui.current || !daily) return;
  const enable = byId<HTMLButtonElement>('daily-enable');
  const chosen = Number(byId<HTMLSelectElement>('daily-hour').value);
  const paused = ui.current.sync.paused;
  enable.textContent = daily.enabled
    ? 'Change hour'
    : paused && paused.hour === chosen
      ? paused.resumeLabel
      : 'Turn on';
  enable.disabled = !isConnected(ui) || (daily.enabled && daily.hour === chosen);
  enable.title = isConnected(ui) ? '' : 'Connect to Keap first.';
  byId('daily-disable').hidden = !daily.enabled;
}

function setDaily(
  ui: Sidebar,
  answer: () => Promise<DailySyncStatus>,
  doneText: (daily: DailySyncStatus) => string,
): void {
  clearError();
  clearNotice();
  const enable = byId<HTMLButtonElement>('daily-enable');
  const disable = byId<HTMLButtonElement>('daily-disable');
  enable.disabled = true;
  disable.disabled = true;
  whenAnswered(
    answer(),
    (daily) => {
      disable.disabled = false;
      ui.hourTouched = false;
      if (ui.current) ui.current.sync.daily = daily;
      renderDaily(ui, daily);
      showNotice(doneText(daily));
      // The whole state again: turning the daily sync off or on changes what carries a
      // pending run, and the server's self-repair says so in the notices.
      ui.refresh({ now: true });
    },
    (error) => {
      disable.disabled = false;
      updateDailyButtons(ui);
      showError('Could not change the daily sync', error);
    },
  );
}

/** Turn on (or Change hour) was clicked. */
export function enableDaily(ui: Sidebar): void {
  const hour = Number(byId<HTMLSelectElement>('daily-hour').value);
  if (!(hour >= 0 && hour <= 23)) {
    showProblem('Choose an hour from 00:00 to 23:00.');
    return;
  }
  setDaily(
    ui,
    () => ui.server.call('enableDailySync', hour),
    (daily) =>
      daily.enabled && daily.hour !== null
        ? `The daily sync is on at ${formatHour(daily.hour)} (${daily.timeZone}).`
        : 'The daily sync could not be turned on.',
  );
}

/** Turn off was clicked. */
export function disableDaily(ui: Sidebar): void {
  setDaily(
    ui,
    () => ui.server.call('disableDailySync'),
    (daily) => (daily.enabled ? 'The daily sync is still on.' : 'The daily sync is off.'),
  );
}

/** The hour was changed in the list (not yet saved). */
export function onHourChosen(ui: Sidebar): void {
  ui.hourTouched = true;
  updateDailyButtons(ui);
}
