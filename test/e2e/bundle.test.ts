import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';

/** The public contract: the functions Apps Script (triggers, menu, callback, sidebar) calls. */
const ENTRY_POINTS = [
  'onOpen',
  'onInstall',
  'showSidebar',
  'authCallback',
  'getSidebarState',
  'disconnect',
  'syncNow',
  'previewSync',
  'enableDailySync',
  'disableDailySync',
  'dailySync',
  'continueSync',
  'saveSettings',
  'saveApiKey',
];

const distDir = join(__dirname, '..', '..', 'dist');
const bundle = readFileSync(join(distDir, 'Code.js'), 'utf8');

describe('the built Apps Script bundle', () => {
  it('is a plain script: no module syntax Apps Script would reject', () => {
    expect(bundle).not.toMatch(/^\s*(export|import)\s/m);
    expect(() => new vm.Script(bundle, { filename: 'Code.js' })).not.toThrow();
  });

  it('declares every entry point as a top-level function, callable without touching any service at load time', () => {
    // An empty context: loading must not call SpreadsheetApp, PropertiesService & co.
    const context = vm.createContext({});
    vm.runInContext(bundle, context, { filename: 'Code.js' });
    for (const name of ENTRY_POINTS) {
      expect({ name, type: typeof context[name] }).toEqual({ name, type: 'function' });
    }
  });

  it('keeps entry points public: none ends in "_" and none is declared inside a wrapper', () => {
    for (const name of ENTRY_POINTS) {
      expect(bundle).toMatch(new RegExp(`^function ${name}\\(`, 'm'));
    }
  });

  it('ships the manifest with the V8 runtime, the OAuth2 library 43 and explicit scopes', () => {
    const manifest = JSON.parse(readFileSync(join(distDir, 'appsscript.json'), 'utf8'));
    expect(manifest.runtimeVersion).toBe('V8');
    expect(manifest.dependencies.libraries).toEqual([
      expect.objectContaining({ userSymbol: 'OAuth2', version: '43' }),
    ]);
    expect(manifest.oauthScopes.length).toBeGreaterThan(0);
    expect(manifest.exceptionLogging).toBe('STACKDRIVER');
  });

  it('ships the sidebar and the OAuth callback page beside the bundle', () => {
    expect(readFileSync(join(distDir, 'Sidebar.html'), 'utf8')).toContain('<');
    expect(readFileSync(join(distDir, 'AuthCallback.html'), 'utf8')).toContain('<');
  });
});
