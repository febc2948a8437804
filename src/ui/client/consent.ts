/**
 * Connecting with Keap sign-in: the consent page opens in a new tab and the sidebar polls
 * until the connection shows up, Keap's page answered otherwise, or it gives up.
 */
import { clearError, clearNotice, showNotice, showProblem, showProblemWith } from './banners';
import { button, el, maybeById } from './dom';
import { isConsentUrl } from './format';
import type { Sidebar, SidebarState } from './sidebar';

const CONSENT_POLL_EVERY_MS = 4000;
const CONSENT_POLL_FOR_MS = 5 * 60 * 1000;
/** Keap's state token lasts an hour: older consent links are fetched anew. */
const AUTH_URL_MAX_AGE_MS = 30 * 60 * 1000;

/** Connect or Reconnect was clicked. */
export function startConnect(ui: Sidebar): void {
  clearError();
  clearNotice();
  const url = ui.current && ui.current.authorizationUrl;
  if (isConsentUrl(url) && Date.now() - ui.stateReceivedAt < AUTH_URL_MAX_AGE_MS) {
    openConsent(ui, window.open(url, '_blank'), url);
    return;
  }
  // The link is old: open the tab now (inside the click, so no popup blocker objects)
  // and send it to a fresh link once the server has made one.
  const tab = window.open('', '_blank');
  ui.refresh({
    now: true,
    onDone: (state) => {
      if (isConsentUrl(state.authorizationUrl)) {
        if (tab) tab.location.href = state.authorizationUrl;
        openConsent(ui, tab, state.authorizationUrl);
      } else if (tab) {
        tab.close();
      }
    },
  });
}

function openConsent(ui: Sidebar, tab: Window | null, url: string): void {
  if (!tab) {
    // Popup blocked: offer a plain link the person can click.
    const link = el('a', {
      id: 'connect-link',
      testid: 'connect-link',
      target: '_blank',
      rel: 'noopener',
      text: 'Open the Keap sign-in page',
    });
    link.href = url;
    showProblemWith(['Your browser blocked the Keap tab. ', link]);
  }
  startWaiting(ui);
}

/** The "finish signing in" banner; shown while the sidebar waits. */
export function consentWaitingView(ui: Sidebar): HTMLElement {
  return el(
    'div',
    {
      id: 'connect-waiting',
      testid: 'connect-waiting',
      className: 'banner banner-info',
      hidden: !ui.consentWait,
    },
    [
      el('span', { className: 'busy' }, [
        el('span', { className: 'spinner' }),
        el('span', {
          text: 'Finish signing in to Keap in the new tab. This sidebar notices by itself.',
        }),
      ]),
      button('connect-stop', 'Stop', 'link', () => stopWaiting(ui)),
    ],
  );
}

function startWaiting(ui: Sidebar): void {
  stopWaiting(ui);
  ui.consentWait = {
    until: Date.now() + CONSENT_POLL_FOR_MS,
    timer: window.setInterval(() => pollForConsent(ui), CONSENT_POLL_EVERY_MS),
    answerSeen: ui.current && ui.current.consent ? ui.current.consent.at : null,
  };
  const waiting = maybeById('connect-waiting');
  if (waiting) waiting.hidden = false;
}

/** Stops waiting for the consent (connected, answered, given up, or Stop clicked). */
export function stopWaiting(ui: Sidebar): void {
  if (ui.consentWait) window.clearInterval(ui.consentWait.timer);
  ui.consentWait = null;
  const waiting = maybeById('connect-waiting');
  if (waiting) waiting.hidden = true;
}

function pollForConsent(ui: Sidebar): void {
  if (!ui.consentWait) return;
  if (Date.now() > ui.consentWait.until) {
    stopWaiting(ui);
    showNotice(
      'Stopped waiting for Keap. If you finished signing in, the status updates when you press Connect again or reopen the sidebar.',
      'info',
    );
    return;
  }
  if (ui.server.idle()) ui.refresh();
}

/** Coming back to the sidebar (from Keap's tab) asks at once instead of at the next poll. */
export function watchForReturn(ui: Sidebar): void {
  window.addEventListener('focus', () => {
    if (ui.consentWait && ui.server.idle()) ui.refresh();
  });
  document.addEventListener('visibilitychange', () => {
    if (ui.consentWait && !document.hidden && ui.server.idle()) ui.refresh();
  });
}

/** Ends the wait when the new state settles it: connected, or Keap's page said no. */
export function settleConsentWait(ui: Sidebar, state: SidebarState): void {
  if (!ui.consentWait) return;
  if (state.connection.state === 'connected') {
    stopWaiting(ui);
    showNotice('Connected to Keap.');
  } else if (state.consent && state.consent.at !== ui.consentWait.answerSeen) {
    // Keap's page answered other than Allow since the wait began (the server keeps the answer).
    stopWaiting(ui);
    showProblem(
      state.consent.outcome === 'denied'
        ? 'Access to Keap was not granted (Deny was chosen on Keap\u2019s page), so nothing was connected. To try again, click Connect to Keap.'
        : state.consent.message,
    );
  }
}
