/**
 * The Sheet settings form: which tab, and which of its row 1 headers holds each value. The
 * lists offer only what the sheet has (getSettingsChoices); '' means the default.
 */
import { clearError, showError, whenAnswered } from './banners';
import { append, byId, clear, el } from './dom';
import type { SettingsForm, Sidebar } from './sidebar';

type HeaderField = keyof SettingsForm['headers'];

/** One list of the form per synced field, as the state names them (src/sheet/fields.ts). */
interface HeaderList {
  field: HeaderField;
  label: string;
  /** The select's id and test id: 'settings-' and the key in kebab case (settings-opt-out). */
  id: string;
}

/** The form's header lists in the form's order (none before the first state). */
function headerLists(ui: Sidebar): HeaderList[] {
  return (ui.current ? ui.current.settingsFields : []).map(({ field, label }) => ({
    field,
    label,
    id: `settings-${field.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`,
  }));
}

interface Option {
  value: string;
  text: string;
}

/** Header names as the server compares them: no case, spaces or punctuation. */
function headerKey(name: string | null | undefined): string {
  return String(name || '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');
}

/** The Keap Email Status checkbox (Sidebar.html). */
const KEAP_STATUS_ID = 'settings-keap-status';

/** The defaults: every header the usual one, the Keap Email Status column on (as for a new sheet). */
function emptyForm(ui: Sidebar): SettingsForm {
  const headers = {} as SettingsForm['headers'];
  for (const { field } of headerLists(ui)) headers[field] = '';
  return { sheetName: '', headers, keapEmailStatus: true };
}

/** The form's values: the edits, else the saved settings ('' where they are the default). */
function formSettings(ui: Sidebar): SettingsForm {
  const { saved, choices, edits } = ui.settings;
  if (edits) return edits;
  const form = emptyForm(ui);
  form.sheetName = saved ? saved.sheetName : '';
  const defaults = choices ? choices.defaults : null;
  for (const { field } of headerLists(ui)) {
    const name = saved ? saved.headers[field] : '';
    const isDefault = defaults && headerKey(name) === headerKey(defaults.headers[field]);
    form.headers[field] = isDefault ? '' : name;
  }
  // Never chosen (absent): on for a new sheet, so the box shows ticked (src/ui/sidebarState.ts).
  form.keapEmailStatus = saved ? saved.keapEmailStatus !== false : true;
  return form;
}

function editSettings(ui: Sidebar): SettingsForm {
  if (!ui.settings.edits) ui.settings.edits = JSON.parse(JSON.stringify(formSettings(ui)));
  return ui.settings.edits as SettingsForm;
}

/** Options first, then the value itself when the sheet does not have it (marked so). */
function fillSelect(
  select: HTMLSelectElement,
  options: Option[],
  value: string,
  missingWords: string,
): void {
  clear(select);
  const known = options.some((option) => option.value === value);
  const all = !known && value ? [...options, { value, text: value + missingWords }] : options;
  for (const option of all) {
    select.appendChild(el('option', { value: option.value, text: option.text }));
  }
  select.value = value;
}

function choiceOptions(defaultText: string, names: readonly string[] | undefined): Option[] {
  return [
    { value: '', text: defaultText },
    ...(names || []).map((name) => ({ value: name, text: name })),
  ];
}

function renderSettingsForm(ui: Sidebar): void {
  const form = formSettings(ui);
  const key = JSON.stringify([form, ui.settings.choices]);
  if (key === ui.settings.renderedKey) return;
  ui.settings.renderedKey = key;
  const defaults = ui.settings.choices ? ui.settings.choices.defaults : null;
  const choices = ui.settings.choices || { tabs: [], headers: [] };
  fillSelect(
    byId<HTMLSelectElement>('settings-sheet'),
    choiceOptions(
      defaults ? `Default: ${defaults.sheetName}, else the first tab` : 'Default',
      choices.tabs,
    ),
    form.sheetName,
    ' (no such tab)',
  );
  for (const { id, field } of headerLists(ui)) {
    fillSelect(
      byId<HTMLSelectElement>(id),
      choiceOptions(defaults ? `Default: ${defaults.headers[field]}` : 'Default', choices.headers),
      form.headers[field],
      ' (not in row 1)',
    );
  }
  byId<HTMLInputElement>(KEAP_STATUS_ID).checked = form.keapEmailStatus !== false;
}

/** The card for the saved settings (from the state); edits not yet saved stay. */
export function renderSettings(ui: Sidebar, settings: SettingsForm): void {
  byId('settings-section').hidden = false;
  ui.settings.saved = settings;
  buildHeaderLists(ui);
  renderSettingsForm(ui);
}

/**
 * A label and a list per synced field, before the Keap Email Status box, built from the
 * state's fields (again only if they change); each list keeps the person's choice as an edit.
 */
function buildHeaderLists(ui: Sidebar): void {
  const lists = headerLists(ui);
  const key = JSON.stringify(lists);
  if (key === ui.settings.builtListsKey) return;
  ui.settings.builtListsKey = key;
  ui.settings.renderedKey = null;
  for (const node of Array.from(document.querySelectorAll('[data-header-list]'))) node.remove();
  const before = byId(KEAP_STATUS_ID).closest('label');
  for (const { id, field, label } of lists) {
    const select = el('select', { id, testid: id, 'data-header-list': field });
    select.addEventListener('change', () => {
      editSettings(ui).headers[field] = select.value;
    });
    const caption = el('label', { for: id, text: label, 'data-header-list': field });
    before?.before(caption, select);
  }
}

/** Reads the tabs and the headers of the tab chosen ('' the default tab) from the sheet. */
function loadSettingsChoices(ui: Sidebar, sheetName: string): void {
  ui.settings.choicesAsked += 1;
  const asked = ui.settings.choicesAsked;
  byId('settings-loading').hidden = false;
  whenAnswered(
    ui.server.call('getSettingsChoices', { sheetName }),
    (choices) => {
      if (asked !== ui.settings.choicesAsked) return;
      byId('settings-loading').hidden = true;
      ui.settings.choices = choices;
      renderSettingsForm(ui);
      const result = byId('settings-result');
      // Only the complaint about the tab goes when the tab is fine; a save's answer stays.
      if (!choices.ok) showSettingsErrors('The sheet does not match:', choices.errors);
      else if (result.getAttribute('data-kind') === 'choices') result.hidden = true;
      if (!choices.ok) result.setAttribute('data-kind', 'choices');
    },
    (error) => {
      if (asked !== ui.settings.choicesAsked) return;
      byId('settings-loading').hidden = true;
      showError('Could not read the sheet\u2019s tabs and headers', error);
    },
  );
}

function showSettingsErrors(title: string, errors: readonly string[]): void {
  const result = clear(byId('settings-result'));
  result.removeAttribute('data-kind');
  append(result, [
    el('p', { className: 'bad', text: title }),
    el(
      'ul',
      { className: 'bad', testid: 'settings-errors' },
      (errors.length ? errors : ['The settings were refused.']).map((text) => el('li', { text })),
    ),
  ]);
  result.hidden = false;
}

/** Every field back to its default, saved (and checked against the sheet) at once. */
function resetSettings(ui: Sidebar): void {
  const defaults = emptyForm(ui);
  ui.settings.edits = defaults;
  renderSettingsForm(ui);
  submitSettings(ui, defaults, 'Settings reset to defaults.');
  loadSettingsChoices(ui, '');
}

function submitSettings(ui: Sidebar, settings: SettingsForm, doneText: string): void {
  clearError();
  const buttons = [
    byId<HTMLButtonElement>('settings-save'),
    byId<HTMLButtonElement>('settings-reset'),
  ];
  const result = byId('settings-result');
  const enable = (on: boolean): void => {
    for (const b of buttons) b.disabled = !on;
  };
  enable(false);
  result.hidden = true;
  whenAnswered(
    ui.server.call('saveSettings', settings),
    (answer) => {
      enable(true);
      if (answer && answer.ok) {
        ui.settings.edits = null;
        append(clear(result), el('p', { className: 'banner banner-ok', text: doneText }));
        result.removeAttribute('data-kind');
        result.hidden = false;
        ui.refresh({ now: true });
      } else {
        showSettingsErrors('Not saved:', (answer && answer.errors) || []);
      }
    },
    (error) => {
      enable(true);
      showError('Could not save the settings', error);
    },
  );
}

/** Connects the form's lists and buttons. */
export function wireSettingsForm(ui: Sidebar): void {
  const details = byId<HTMLDetailsElement>('settings');
  details.addEventListener('toggle', () => {
    if (details.open) loadSettingsChoices(ui, formSettings(ui).sheetName);
  });
  byId('settings-save').addEventListener('click', () =>
    submitSettings(ui, formSettings(ui), 'Settings saved.'),
  );
  byId('settings-reset').addEventListener('click', () => resetSettings(ui));
  const sheet = byId<HTMLSelectElement>('settings-sheet');
  sheet.addEventListener('change', () => {
    editSettings(ui).sheetName = sheet.value;
    loadSettingsChoices(ui, sheet.value);
  });
  const keapStatus = byId<HTMLInputElement>(KEAP_STATUS_ID);
  keapStatus.addEventListener('change', () => {
    editSettings(ui).keapEmailStatus = keapStatus.checked;
  });
}
