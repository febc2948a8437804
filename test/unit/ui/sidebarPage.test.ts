/**
 * Static checks of the sidebar files: the rules a browser test would only catch by luck.
 * (Behaviour in a browser: renderSidebarPreview.ts here and the Playwright tests.)
 */
import * as bundleEntries from '../../../src/index';
import { readUiFile, sidebarHtml } from './sidebarPage';

const script = readUiFile('SidebarScript.html');

describe('the sidebar page', () => {
  it('never turns data into HTML: no innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
    for (const sink of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
    ]) {
      expect({ sink, used: script.includes(sink) }).toEqual({ sink, used: false });
    }
  });

  it('calls only server functions the bundle declares as public entry points', () => {
    const called = [...script.matchAll(/(?:callServer|setDaily)\(\s*'([^']+)'/g)].map((m) => m[1]);
    expect(new Set(called)).toEqual(
      new Set([
        'getSidebarState',
        'saveApiKey',
        'disconnect',
        'syncNow',
        'previewSync',
        'enableDailySync',
        'disableDailySync',
        'saveSettings',
        'getSettingsChoices',
      ]),
    );
    const exported = bundleEntries as unknown as Record<string, unknown>;
    for (const name of called) {
      expect({ name, type: typeof exported[name] }).toEqual({ name, type: 'function' });
    }
  });

  it('reaches google.script.run only through callServer, which always sets a failure handler', () => {
    expect(script.match(/google\.script\.run/g)).toHaveLength(1);
    expect(script).toMatch(
      /google\.script\.run\s*\.withSuccessHandler\([\s\S]*?\)\s*\.withFailureHandler\(/,
    );
  });

  it.each([
    'error',
    'status-connection',
    'sync-now',
    'preview',
    'sync-result',
    'preview-result',
    'last-run',
    'daily-hour',
    'daily-enable',
    'daily-disable',
    'settings-save',
    'settings-reset',
    'settings-toggle',
    'connect',
    'reconnect',
    'disconnect',
    'api-key-toggle',
    'api-key-input',
    'api-key-save',
    'redirect-uri',
    'copy-redirect-uri',
  ])('gives #%s a stable id and test id for the browser tests', (id) => {
    const page = sidebarHtml();
    const inMarkup = page.includes(`id="${id}"`) && page.includes(`data-testid="${id}"`);
    const builtByScript = new RegExp(`button\\('${id}'|id: '${id}',\\s*testid: '${id}'`).test(page);
    expect({ id, found: inMarkup || builtByScript }).toEqual({ id, found: true });
  });
});
