/** Canned values of the types the sidebar and the menu show, for tests and the preview page. */
import type { ConnectionStatus } from '../../../src/connection/status';
import type {
  DailySyncStatus,
  RowChangePreview,
  SyncPreview,
  SyncStatusView,
} from '../../../src/sync/index';
import type { SyncSummary } from '../../../src/sync/summary';
import type { SidebarState } from '../../../src/ui/sidebarState';

export const REDIRECT_URI =
  'https://script.google.com/macros/d/1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789/usercallback';

export const AUTHORIZATION_URL =
  'https://accounts.infusionsoft.com/app/oauth/authorize?client_id=abc&redirect_uri=' +
  encodeURIComponent(REDIRECT_URI) +
  '&response_type=code&scope=full&state=ADKEYSTATE';

export function summary(overrides: Partial<SyncSummary> = {}): SyncSummary {
  return {
    startedAt: '2026-05-05T06:12:40.000Z',
    trigger: 'daily',
    outcome: 'completed',
    message: 'Synced 120 rows.',
    rowsSeen: 120,
    emailsUpdated: 3,
    optedOut: 2,
    unchanged: 110,
    errors: 5,
    errorRows: [7, 12, 30, 41, 58],
    keapRequests: 9,
    durationMs: 14200,
    ...overrides,
  };
}

export function daily(overrides: Partial<DailySyncStatus> = {}): DailySyncStatus {
  return {
    enabled: false,
    hour: null,
    timeZone: 'Europe/Berlin',
    nextRunAfter: null,
    owner: null,
    ...overrides,
  };
}

export function dailyOn(hour = 6): DailySyncStatus {
  return daily({
    enabled: true,
    hour,
    // Europe/Berlin is UTC+2 in May.
    nextRunAfter: new Date(Date.UTC(2026, 4, 6, hour - 2)).toISOString(),
    owner: 'ops@example.com',
  });
}

export function syncStatus(overrides: Partial<SyncStatusView> = {}): SyncStatusView {
  return {
    daily: daily(),
    lastRun: null,
    running: false,
    locale: 'en-US',
    settings: {
      sheetName: 'Contacts',
      headers: {
        contactId: 'Contact ID',
        email: 'Email',
        optOut: 'Opt out',
        optOutReason: 'Opt-out reason',
      },
      keapEmailStatus: true,
    },
    ...overrides,
  };
}

export const CONNECTIONS = {
  setupNeeded: {
    state: 'setup-needed',
    missing: ['KEAP_CLIENT_ID', 'KEAP_CLIENT_SECRET'],
    redirectUri: REDIRECT_URI,
  },
  notConnected: { state: 'not-connected', redirectUri: REDIRECT_URI },
  connected: {
    state: 'connected',
    method: 'oauth',
    account: 'xy123.infusionsoft.com',
    connectedSince: '2026-04-28T14:03:00.000Z',
  },
  needsReconnect: {
    state: 'needs-reconnect',
    reason: 'Keap refused the saved sign-in (it was revoked or expired). Connect again.',
    account: 'xy123.infusionsoft.com',
    since: '2026-05-04T06:10:00.000Z',
  },
} satisfies Record<string, ConnectionStatus>;

export function sidebarState(
  connection: ConnectionStatus,
  sync: SyncStatusView = syncStatus(),
): SidebarState {
  const mayConnect = connection.state === 'not-connected' || connection.state === 'needs-reconnect';
  return {
    connection,
    authorizationUrl: mayConnect ? AUTHORIZATION_URL : null,
    sync: { notices: [], paused: null, ...sync },
    consent: null,
    settingsFields: [
      { field: 'contactId', label: 'Contact ID column' },
      { field: 'email', label: 'Email column' },
      { field: 'optOut', label: 'Opt-out column' },
      { field: 'optOutReason', label: 'Opt-out reason column' },
    ],
  };
}

export function rowChange(overrides: Partial<RowChangePreview> = {}): RowChangePreview {
  return {
    row: 2,
    contactId: '101',
    emailFrom: 'old@example.com',
    emailTo: 'new@example.com',
    optOut: false,
    error: null,
    ...overrides,
  };
}

export function preview(): SyncPreview {
  return {
    rowsSeen: 8,
    changes: [
      rowChange({ row: 2 }),
      rowChange({
        row: 3,
        contactId: '102',
        emailFrom: 'ann.long-name.person@very-long-domain-example.com',
        emailTo: 'ann@example.com',
      }),
      rowChange({
        row: 5,
        contactId: '104',
        emailTo: 'same@example.com',
        emailFrom: 'same@example.com',
        optOut: true,
      }),
      rowChange({
        row: 6,
        contactId: '105',
        emailFrom: null,
        emailTo: 'first@example.com',
        optOut: true,
      }),
    ],
    errors: [
      rowChange({
        row: 4,
        contactId: 'abc',
        emailFrom: null,
        emailTo: null,
        error: 'Contact id "abc" is not a number.',
      }),
      rowChange({
        row: 8,
        contactId: '999',
        emailFrom: null,
        emailTo: null,
        error: 'Keap has no contact 999.',
      }),
    ],
    unchanged: 2,
    message: '',
  };
}
