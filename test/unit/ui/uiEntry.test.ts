/**
 * The menu and sidebar entry points with the Apps Script services faked: what a person sees
 * (menu items, alerts, prompts, the sidebar page) and what gets called behind it.
 */
import * as connection from '../../../src/connection/index';
import * as sync from '../../../src/sync/index';
import * as ui from '../../../src/entry/ui';
import { MENU_ITEMS } from '../../../src/ui/menu';
import { AUTHORIZATION_URL, CONNECTIONS, dailyOn, preview, summary, syncStatus } from './fixtures';
import { formatMoment } from '../../../src/ui/dates';
import { readUiFile, scriptlets, SIDEBAR_INCLUDES } from './sidebarPage';

jest.mock('../../../src/connection/index', () => ({
  getConnectionStatus: jest.fn(),
  authorizationUrlIfSetUp: jest.fn(),
  disconnectKeap: jest.fn(),
  lastConsentAnswer: jest.fn(() => null),
}));
jest.mock('../../../src/sync/index', () => ({
  runSync: jest.fn(),
  previewSync: jest.fn(),
  enableDailySync: jest.fn(),
  disableDailySync: jest.fn(),
  getSyncStatus: jest.fn(),
  pauseDailySyncs: jest.fn(),
}));

const mocked = {
  connection: jest.mocked(connection),
  sync: jest.mocked(sync),
};

const BUTTON = { OK: 'OK', CANCEL: 'CANCEL', YES: 'YES', NO: 'NO', CLOSE: 'CLOSE' };

/** A Ui that records what was shown and answers prompts and confirmations as told. */
function fakeUi(answers: { prompt?: [string, string]; confirm?: string } = {}) {
  const shown: { kind: string; title: string; body: string }[] = [];
  const menu: string[] = [];
  const sidebar: { title?: string; content?: string }[] = [];
  const addonMenu = {
    addItem(caption: string, fn: string) {
      menu.push(`${caption} -> ${fn}`);
      return addonMenu;
    },
    addSeparator() {
      menu.push('---');
      return addonMenu;
    },
    addToUi() {
      menu.push('(added)');
    },
  };
  const instance = {
    ButtonSet: { OK: 'OK', OK_CANCEL: 'OK_CANCEL', YES_NO: 'YES_NO' },
    Button: BUTTON,
    createAddonMenu: () => addonMenu,
    alert(title: string, body: string, buttons: string) {
      shown.push({ kind: `alert:${buttons}`, title, body });
      return buttons === 'YES_NO' ? (answers.confirm ?? BUTTON.NO) : BUTTON.OK;
    },
    prompt(title: string, body: string) {
      shown.push({ kind: 'prompt', title, body });
      const [button, text] = answers.prompt ?? [BUTTON.CANCEL, ''];
      return { getSelectedButton: () => button, getResponseText: () => text };
    },
    showSidebar(output: { title: string; content: string }) {
      sidebar.push(output);
    },
  };
  return { instance, shown, menu, sidebar };
}

const globals = globalThis as Record<string, unknown>;

function install(answers?: Parameters<typeof fakeUi>[0]) {
  const fake = fakeUi(answers);
  globals.SpreadsheetApp = {
    getUi: () => fake.instance,
    getActiveSpreadsheet: () => ({
      getSpreadsheetTimeZone: () => 'Europe/Berlin',
      getSpreadsheetLocale: () => 'en_GB',
    }),
  };
  globals.Utilities = {
    formatDate: (date: Date, tz: string, pattern: string) =>
      `${date.toISOString()} in ${tz} as ${pattern}`,
  };
  return fake;
}

afterEach(() => {
  for (const name of ['SpreadsheetApp', 'Utilities', 'HtmlService']) delete globals[name];
  jest.resetAllMocks();
});

describe('onOpen and onInstall', () => {
  it('build the add-on menu, touching nothing but the Ui (AuthMode.NONE)', () => {
    // Only getUi exists: any other service call would throw a ReferenceError or TypeError.
    for (const open of [ui.onOpen, ui.onInstall]) {
      const fake = fakeUi();
      globals.SpreadsheetApp = { getUi: () => fake.instance };
      open();
      expect(fake.menu).toEqual([
        'Open sidebar -> showSidebar',
        'Sync now -> menuSyncNow',
        'Preview changes -> menuPreviewSync',
        '---',
        'Enable daily sync… -> menuEnableDailySync',
        'Disable daily sync -> menuDisableDailySync',
        '---',
        'Disconnect -> menuDisconnect',
        '(added)',
      ]);
    }
    expect(mocked.connection.getConnectionStatus).not.toHaveBeenCalled();
    expect(mocked.sync.getSyncStatus).not.toHaveBeenCalled();
  });

  it('names only functions the bundle exports, none private (ending in _)', () => {
    const exported = ui as unknown as Record<string, unknown>;
    for (const item of MENU_ITEMS) {
      expect({ name: item.functionName, type: typeof exported[item.functionName] }).toEqual({
        name: item.functionName,
        type: 'function',
      });
      expect(item.functionName.endsWith('_')).toBe(false);
    }
  });
});

describe('showSidebar', () => {
  it('shows Sidebar.html titled "Keap Sync" with its style and script files printed in', () => {
    const fake = install();
    const template: Record<string, unknown> = {};
    globals.HtmlService = {
      createTemplateFromFile: (name: string) => {
        template.file = name;
        template.evaluate = () => ({
          setTitle: (title: string) => ({ title, content: template.file }),
        });
        return template;
      },
      createHtmlOutputFromFile: (name: string) => ({
        getContent: () => readUiFile(`${name}.html`),
      }),
    };
    ui.showSidebar();
    expect(fake.sidebar).toEqual([{ title: 'Keap Sync', content: 'Sidebar' }]);
    // Every variable Sidebar.html prints is set from the file the preview harness uses.
    for (const [name, file] of Object.entries(SIDEBAR_INCLUDES)) {
      expect(template[name]).toBe(readUiFile(file));
    }
    const printed = scriptlets(readUiFile('Sidebar.html'));
    expect(printed.sort()).toEqual(
      Object.keys(SIDEBAR_INCLUDES)
        .map((name) => `<?!= ${name} ?>`)
        .sort(),
    );
  });
});

describe('getSidebarState', () => {
  it('builds a consent link only while the person may connect', () => {
    mocked.sync.getSyncStatus.mockReturnValue(syncStatus({ lastRun: summary() }));
    mocked.connection.authorizationUrlIfSetUp.mockReturnValue(AUTHORIZATION_URL);

    mocked.connection.getConnectionStatus.mockReturnValue(CONNECTIONS.connected);
    expect(ui.getSidebarState().authorizationUrl).toBeNull();
    expect(mocked.connection.authorizationUrlIfSetUp).not.toHaveBeenCalled();

    mocked.connection.getConnectionStatus.mockReturnValue(CONNECTIONS.notConnected);
    const state = ui.getSidebarState();
    expect(state.authorizationUrl).toBe(AUTHORIZATION_URL);
    expect(state.sync.lastRun).toEqual(summary());
  });

  it('still loads a lost connection when Keap sign-in is not set up (a new API key can be pasted)', () => {
    mocked.sync.getSyncStatus.mockReturnValue(syncStatus());
    mocked.connection.authorizationUrlIfSetUp.mockReturnValue(null);
    const { reason, ...lost } = CONNECTIONS.needsReconnect;
    mocked.connection.getConnectionStatus.mockReturnValue({
      ...lost,
      problem: { kind: 'recorded', text: reason, instructs: true },
    });
    const state = ui.getSidebarState();
    expect(state.connection.state).toBe('needs-reconnect');
    expect(state.authorizationUrl).toBeNull();
  });
});

describe('menu items', () => {
  it('Sync now runs a menu sync and reports it in words', () => {
    const fake = install();
    mocked.sync.runSync.mockReturnValue(summary());
    ui.menuSyncNow();
    expect(mocked.sync.runSync).toHaveBeenCalledWith('menu');
    expect(fake.shown).toHaveLength(1);
    expect(fake.shown[0].body).toContain('Rows with errors: 7, 12, 30, 41, 58');
  });

  it('Sync now turns an exception into an alert instead of an Apps Script error box', () => {
    const fake = install();
    mocked.sync.runSync.mockImplementation(() => {
      throw new Error('Exception: Service Spreadsheets timed out.');
    });
    ui.menuSyncNow();
    expect(fake.shown[0].body).toBe('Could not sync: Service Spreadsheets timed out.');
  });

  it('Preview changes shows the rows a sync would change', () => {
    const fake = install();
    mocked.sync.previewSync.mockReturnValue(preview());
    ui.menuPreviewSync();
    expect(fake.shown[0].body).toContain('Row 3 (contact 102)');
  });

  it('Enable daily sync asks for the hour and confirms with the next run', () => {
    const fake = install({ prompt: [BUTTON.OK, '7'] });
    mocked.sync.enableDailySync.mockReturnValue(dailyOn(7));
    ui.menuEnableDailySync();
    expect(mocked.sync.enableDailySync).toHaveBeenCalledWith(7);
    expect(fake.shown[0]).toMatchObject({ kind: 'prompt' });
    expect(fake.shown[0].body).toContain('Europe/Berlin');
    expect(fake.shown[1].body).toContain('between 07:00 and 08:00');
    expect(fake.shown[1].body).toContain(
      `Next run: ${formatMoment(dailyOn(7).nextRunAfter as string, { timeZone: 'Europe/Berlin', locale: 'en_GB' })}`,
    );
  });

  it('Enable daily sync suggests 6 when the answer is empty', () => {
    install({ prompt: [BUTTON.OK, ''] });
    mocked.sync.enableDailySync.mockReturnValue(dailyOn(6));
    ui.menuEnableDailySync();
    expect(mocked.sync.enableDailySync).toHaveBeenCalledWith(6);
  });

  it('Enable daily sync refuses a bad hour and changes nothing', () => {
    const fake = install({ prompt: [BUTTON.OK, '25'] });
    ui.menuEnableDailySync();
    expect(mocked.sync.enableDailySync).not.toHaveBeenCalled();
    expect(fake.shown[1].body).toContain('"25" is not an hour of the day');
  });

  it('Enable daily sync does nothing when cancelled', () => {
    const fake = install({ prompt: [BUTTON.CANCEL, '8'] });
    ui.menuEnableDailySync();
    expect(mocked.sync.enableDailySync).not.toHaveBeenCalled();
    expect(fake.shown).toHaveLength(1);
  });

  it('Disable daily sync confirms it is off', () => {
    const fake = install();
    mocked.sync.disableDailySync.mockReturnValue(syncStatus().daily);
    ui.menuDisableDailySync();
    expect(fake.shown[0].body).toContain('The daily sync is off');
  });

  it('Disconnect asks first and does nothing on No', () => {
    const fake = install({ confirm: BUTTON.NO });
    ui.menuDisconnect();
    expect(fake.shown[0].body).toContain('Disconnect this spreadsheet from Keap?');
    expect(mocked.connection.disconnectKeap).not.toHaveBeenCalled();
  });

  it('Disconnect on Yes disconnects and says so', () => {
    const fake = install({ confirm: BUTTON.YES });
    mocked.connection.disconnectKeap.mockReturnValue(CONNECTIONS.notConnected);
    ui.menuDisconnect();
    expect(mocked.connection.disconnectKeap).toHaveBeenCalledTimes(1);
    // Disconnect means stop: the daily syncs are paused first.
    expect(mocked.sync.pauseDailySyncs).toHaveBeenCalledTimes(1);
    expect(fake.shown[1].body).toContain('Disconnected from Keap');
  });
});
