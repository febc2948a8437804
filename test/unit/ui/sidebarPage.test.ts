/**
 * Static checks of the sidebar files: the rules a browser test would only catch by luck.
 * (Behaviour in a browser: renderSidebarPreview.ts here and the Playwright tests.) The
 * script is checked as written (src/ui/client) and as built (dist/SidebarScript.html, so
 * `npm run build` first).
 */
import * as bundleEntries from '../../../src/index';
import { ENTRY_POINTS } from '../../support/entryPoints';
import { clientSources, readUiFile, sidebarHtml } from './sidebarPage';

const built = readUiFile('SidebarScript.html');
const sources = clientSources();
const source = Object.values(sources).join('\n');

describe('the sidebar page', () => {
  it('never turns data into HTML: no innerHTML, outerHTML, insertAdjacentHTML or document.write', () => {
    for (const sink of [
      'innerHTML',
      'outerHTML',
      'insertAdjacentHTML',
      'document.write',
      'eval(',
    ]) {
      for (const [file, text] of [...Object.entries(sources), ['SidebarScript.html', built]]) {
        expect({ sink, file, used: text.includes(sink) }).toEqual({ sink, file, used: false });
      }
    }
  });

  it('calls only server functions the bundle declares as public entry points', () => {
    const called = [...source.matchAll(/\bcall\(\s*'([^']+)'/g)].map((m) => m[1]);
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

  it('types its server calls by exactly the entry points the list says the sidebar calls', () => {
    const typed = /export type SidebarFunctionName =([^;]*);/.exec(sources['bridge.ts'])?.[1] ?? '';
    const names = [...typed.matchAll(/'([^']+)'/g)].map((m) => m[1]);
    expect(names.sort()).toEqual(
      ENTRY_POINTS.filter((entry) => entry.calledBy === 'sidebar')
        .map((entry) => entry.name)
        .sort(),
    );
  });

  it('imports the server only as types: nothing of it is bundled into the page', () => {
    for (const [file, text] of Object.entries(sources)) {
      const imports = [...text.matchAll(/^import\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm)];
      const fromServer = imports.filter((m) => !m[2].startsWith('./') && !m[1]);
      expect({ file, fromServer: fromServer.map((m) => m[0]) }).toEqual({ file, fromServer: [] });
    }
  });

  it('reaches google.script.run only through the bridge, which always sets a failure handler', () => {
    const code = (text: string): string => text.replace(/\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm, '');
    for (const text of [code(source), built]) {
      expect(text.match(/google\.script\.run/g)).toHaveLength(1);
      expect(text).toMatch(
        /google\.script\.run\s*\.withSuccessHandler\([\s\S]*?\)\s*\.withFailureHandler\(/,
      );
    }
    expect(code(sources['bridge.ts'])).toContain('google.script.run');
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
    const builtByScript = new RegExp(`button\\(\\s*'${id}'|id: '${id}',\\s*testid: '${id}'`).test(
      source,
    );
    expect({ id, found: inMarkup || builtByScript }).toEqual({ id, found: true });
  });
});
