/**
 * The connection card: Keap not set up, not connected, connected, or connection lost; the
 * API key form and Disconnect.
 */
import { clearError, showError, showNotice, showProblem, whenAnswered } from './banners';
import { consentWaitingView, startConnect, stopWaiting } from './consent';
import { append, button, byId, clear, dot, el, type Child } from './dom';
import { formatTime } from './format';
import type { Sidebar, SidebarState } from './sidebar';

type Connection = SidebarState['connection'];
type ConnectionIn<S extends Connection['state']> = Extract<Connection, { state: S }>;

const PROPERTY_MEANING: Record<string, string> = {
  KEAP_CLIENT_ID: "your Keap app's client id (its key)",
  KEAP_CLIENT_SECRET: "your Keap app's client secret",
};

/** Draws the connection card, unless it already shows this connection. */
export function renderConnection(ui: Sidebar, connection: Connection): void {
  // The consent link changes on every call; only whether there is one changes the view.
  const key =
    JSON.stringify(connection) + (ui.current && ui.current.authorizationUrl ? ' link' : '');
  if (key === ui.renderedConnectionKey) return;
  ui.renderedConnectionKey = key;
  const section = clear(byId('status-connection'));
  section.setAttribute('data-state', connection.state);
  append(section, connectionView(ui, connection));
}

function connectionView(ui: Sidebar, connection: Connection): Child {
  switch (connection.state) {
    case 'setup-needed':
      return setupView(ui, connection);
    case 'not-connected':
      return notConnectedView(ui, connection);
    case 'connected':
      return connectedView(ui, connection);
    case 'needs-reconnect':
      return reconnectView(ui, connection);
    default:
      return el('p', {
        text: `Unknown connection state: ${(connection as { state: unknown }).state}`,
      });
  }
}

/** The card when the state could not be loaded at all. */
export function renderLoadFailed(ui: Sidebar): void {
  ui.renderedConnectionKey = null;
  const section = clear(byId('status-connection'));
  append(section, [
    el('p', { className: 'status-line' }, [dot('bad'), 'Could not load the Keap status']),
    button('refresh', 'Try again', 'action', () => onRefreshClick(ui)),
  ]);
}

function onRefreshClick(ui: Sidebar): void {
  clearError();
  ui.refresh({ now: true });
}

function setupView(ui: Sidebar, connection: ConnectionIn<'setup-needed'>): Child {
  const missing = connection.missing.length
    ? connection.missing
    : ['KEAP_CLIENT_ID', 'KEAP_CLIENT_SECRET'];
  return [
    el('p', { className: 'status-line' }, [dot('warn'), 'Keap is not set up yet']),
    el('p', {
      className: 'muted',
      text: 'Whoever manages this add-on\u2019s Apps Script project does this once, in the Apps Script editor:',
    }),
    el('ol', {}, [
      el('li', {}, [
        'In Keap\u2019s developer portal, create an app (or open yours) and add this address as its Redirect URI (the page Keap sends people back to after they sign in):',
        redirectUriField(connection.redirectUri),
      ]),
      el('li', {}, [
        'In this spreadsheet, open ',
        el('b', { text: 'Extensions \u203a Apps Script' }),
        ', then ',
        el('b', { text: 'Project Settings \u203a Script properties' }),
        '.',
      ]),
      el('li', {}, [
        'Add these script properties and save:',
        el(
          'ul',
          { testid: 'missing-properties' },
          missing.map((name) =>
            el('li', {}, [
              el('code', { text: name }),
              PROPERTY_MEANING[name] ? ` \u2014 ${PROPERTY_MEANING[name]}` : '',
            ]),
          ),
        ),
      ]),
      el('li', { text: 'Come back here and press Check again.' }),
    ]),
    el('div', { className: 'buttons' }, [
      button('refresh', 'Check again', 'action', () => onRefreshClick(ui)),
    ]),
    el('p', {
      className: 'small muted',
      testid: 'setup-installer-hint',
      text: 'Installed from the Google Workspace Marketplace? Then there is no Apps Script editor for you to open: the add-on\u2019s publisher must finish this setup. Until then you can connect with a key made in your own Keap account:',
    }),
    apiKeyView(ui),
  ];
}

function redirectUriField(uri: string): HTMLElement {
  const input = el('input', {
    id: 'redirect-uri',
    testid: 'redirect-uri',
    type: 'text',
    readOnly: true,
    value: uri,
    'aria-label': 'Redirect URI',
  });
  const status = el('span', {
    id: 'copy-status',
    testid: 'copy-status',
    className: 'small muted',
    'aria-live': 'polite',
  });
  return el('div', {}, [
    el('div', { className: 'field-row' }, [
      input,
      button('copy-redirect-uri', 'Copy', '', () => copyText(input, status)),
    ]),
    status,
  ]);
}

function copyText(input: HTMLInputElement, status: HTMLElement): void {
  const copied = (): void => {
    status.textContent = 'Copied.';
  };
  const selectForManualCopy = (): void => {
    input.focus();
    input.select();
    let ok: boolean;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    status.textContent = ok ? 'Copied.' : 'Selected: press Ctrl+C (\u2318C on a Mac) to copy.';
  };
  if (navigator.clipboard && navigator.clipboard.writeText) {
    navigator.clipboard.writeText(input.value).then(copied, selectForManualCopy);
  } else {
    selectForManualCopy();
  }
}

function notConnectedView(ui: Sidebar, connection: ConnectionIn<'not-connected'>): Child {
  return [
    el('p', { className: 'status-line' }, [dot(''), 'Not connected to Keap']),
    el('p', {
      className: 'muted',
      text: 'Connect once with your Keap sign-in. The add-on keeps the connection fresh by itself, also for the daily sync.',
    }),
    el('div', { className: 'buttons' }, [
      button('connect', 'Connect to Keap', 'action', () => startConnect(ui)),
    ]),
    consentWaitingView(ui),
    apiKeyView(ui),
    el('details', { className: 'small' }, [
      el('summary', { text: 'For whoever set up the Keap app: its Redirect URI' }),
      el('p', {
        className: 'muted',
        text: 'Keap sends people back to this address after they sign in, so it must be listed in the Keap developer app. You do not need it to connect.',
      }),
      redirectUriField(connection.redirectUri),
    ]),
  ];
}

function connectedView(ui: Sidebar, connection: ConnectionIn<'connected'>): Child {
  const account = connection.account || 'your Keap account';
  const how = connection.method === 'api-key' ? 'with an API key' : 'with Keap sign-in';
  return [
    el('p', { className: 'status-line' }, [dot('ok'), 'Connected to Keap']),
    el('p', {}, [
      el('span', { id: 'connected-account', testid: 'connected-account', text: account }),
      el('br'),
      el('span', {
        className: 'muted small',
        id: 'connected-since',
        testid: 'connected-since',
        text: connection.connectedSince
          ? `Connected ${how} since ${formatTime(connection.connectedSince, ui.current)}`
          : `Connected ${how}`,
      }),
    ]),
    el('div', { className: 'buttons' }, [
      button('disconnect', 'Disconnect', 'danger', () => {
        clearError();
        byId('disconnect-confirm').hidden = false;
        byId('disconnect').hidden = true;
      }),
    ]),
    el(
      'div',
      {
        id: 'disconnect-confirm',
        testid: 'disconnect-confirm',
        className: 'sub-panel',
        hidden: true,
      },
      [
        el('p', { className: 'status-line', text: 'Disconnect from Keap?' }),
        el('p', {
          className: 'small',
          text: 'Syncing, including the daily sync, stops until you connect again. Nothing in Keap or in the sheet is deleted.',
        }),
        button('disconnect-confirm-yes', 'Disconnect', 'action danger', () => disconnect(ui)),
        button('disconnect-cancel', 'Cancel', '', () => {
          byId('disconnect-confirm').hidden = true;
          byId('disconnect').hidden = false;
        }),
      ],
    ),
  ];
}

function reconnectView(ui: Sidebar, connection: ConnectionIn<'needs-reconnect'>): Child {
  return [
    el('p', { className: 'status-line' }, [dot('bad'), 'Keap connection lost']),
    el('div', {
      className: 'banner banner-warn',
      id: 'reconnect-reason',
      testid: 'reconnect-reason',
      text: connection.reason,
    }),
    el('p', { className: 'muted small' }, [
      connection.account ? `${connection.account} \u00b7 ` : '',
      connection.since ? `since ${formatTime(connection.since, ui.current)}` : '',
    ]),
    el('p', {
      className: 'small',
      text: 'Syncs, including the daily sync, wait until you reconnect.',
    }),
    // No consent link: Keap sign-in is not set up here, so only a new API key can help.
    ui.current && ui.current.authorizationUrl
      ? el('div', { className: 'buttons' }, [
          button('reconnect', 'Reconnect to Keap', 'action', () => startConnect(ui)),
        ])
      : null,
    consentWaitingView(ui),
    apiKeyView(ui),
  ];
}

function apiKeyView(ui: Sidebar): HTMLElement {
  const input = el('input', {
    id: 'api-key-input',
    testid: 'api-key-input',
    type: 'password',
    autocomplete: 'off',
    spellcheck: false,
    placeholder: 'Paste the key here',
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') saveApiKey(ui);
  });
  const panel = el(
    'div',
    { id: 'api-key-panel', testid: 'api-key-panel', className: 'sub-panel', hidden: true },
    [
      el('label', {
        htmlFor: 'api-key-input',
        text: 'Personal Access Token or Service Account Key',
      }),
      input,
      el('p', {
        className: 'small muted',
        text: 'Keys are meant for your own business\u2019s Keap account. The key is kept for your Google account and is not shown again.',
      }),
      button('api-key-save', 'Save key', 'action', () => saveApiKey(ui)),
      button('api-key-cancel', 'Cancel', '', () => {
        input.value = '';
        panel.hidden = true;
        toggle.hidden = false;
      }),
    ],
  );
  const toggle = button('api-key-toggle', 'Use an API key instead', 'link', () => {
    panel.hidden = false;
    toggle.hidden = true;
    input.focus();
  });
  return el('div', { className: 'buttons' }, [toggle, panel]);
}

function saveApiKey(ui: Sidebar): void {
  const input = byId<HTMLInputElement>('api-key-input');
  const key = input.value.trim();
  clearError();
  if (!key) {
    showProblem('Paste a Personal Access Token or Service Account Key first.');
    input.focus();
    return;
  }
  const save = byId<HTMLButtonElement>('api-key-save');
  save.disabled = true;
  save.textContent = 'Checking\u2026';
  const done = (): void => {
    save.disabled = false;
    save.textContent = 'Save key';
  };
  whenAnswered(
    ui.server.call('saveApiKey', key),
    (status) => {
      input.value = '';
      done();
      if (status && status.state === 'connected') {
        stopWaiting(ui);
        showNotice('Connected to Keap with your API key.');
      } else {
        const reason = status && 'reason' in status ? status.reason : '';
        showProblem(`Keap did not accept the key${reason ? `: ${reason}` : '.'}`);
      }
      ui.refresh({ now: true });
    },
    (error) => {
      done();
      showError('Could not save the key', error);
    },
  );
}

function disconnect(ui: Sidebar): void {
  clearError();
  const yes = byId<HTMLButtonElement>('disconnect-confirm-yes');
  yes.disabled = true;
  yes.textContent = 'Disconnecting\u2026';
  whenAnswered(
    ui.server.call('disconnect'),
    () => {
      showNotice('Disconnected from Keap.');
      ui.refresh({ now: true });
    },
    (error) => {
      yes.disabled = false;
      yes.textContent = 'Disconnect';
      showError('Could not disconnect', error);
    },
  );
}
