import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { parseAst } from 'rollup/parseAst';
import { ENTRY_POINTS, ENTRY_POINT_NAMES, ENTRY_POINTS_FILE } from '../support/entryPoints';

const repo = join(__dirname, '..', '..');

const distDir = join(repo, 'dist');
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
    for (const name of ENTRY_POINT_NAMES) {
      expect({ name, type: typeof context[name] }).toEqual({ name, type: 'function' });
    }
  });

  it('declares nothing else a browser could call: every other function lives inside the closure', () => {
    const context = vm.createContext({});
    vm.runInContext(bundle, context, { filename: 'Code.js' });
    const callable = Object.keys(context).filter(
      (name) => typeof context[name] === 'function' && !name.endsWith('_'),
    );
    expect(callable.sort()).toEqual([...ENTRY_POINT_NAMES].sort());
    // The helpers the issue found reachable (they return the client secret and the tokens).
    for (const internal of ['clientCredentials', 'knownSecrets', 'readClientCredentials']) {
      expect(bundle).toContain(internal);
      expect(context[internal]).toBeUndefined();
    }
    // Top-level statements: the closure's namespace and one stub per entry point, nothing more.
    const topLevel = parseAst(bundle).body.map((node) =>
      node.type === 'FunctionDeclaration'
        ? `function ${node.id.name}`
        : node.type === 'VariableDeclaration'
          ? `var ${node.declarations.map((d) => (d.id.type === 'Identifier' ? d.id.name : '?')).join()}`
          : node.type,
    );
    expect(topLevel.sort()).toEqual(
      ['var KeapSheetsSync_', ...ENTRY_POINT_NAMES.map((name) => `function ${name}`)].sort(),
    );
  });

  it('keeps entry points public: none ends in "_" and each is a plain top-level function declaration', () => {
    for (const name of ENTRY_POINT_NAMES) {
      expect(name.endsWith('_')).toBe(false);
      expect(bundle).toMatch(new RegExp(`^function ${name}\\(`, 'm'));
    }
  });

  it('the menu items and the triggers the add-on creates name entry points', () => {
    const names = new Set(ENTRY_POINT_NAMES);
    const menuItems = [...bundle.matchAll(/functionName: '(\w+)'/g)].map((m) => m[1]);
    const handlers = [...bundle.matchAll(/newTrigger\(([^)]*)\)/g)].map((m) => m[1]);
    expect(menuItems.length).toBeGreaterThan(4);
    expect(menuItems.filter((name) => !names.has(name))).toEqual([]);
    expect(bundle).toMatch(/setCallbackFunction\(AUTH_CALLBACK_FUNCTION\)/);
    expect(bundle).toContain(`const AUTH_CALLBACK_FUNCTION = 'authCallback'`);
    expect(handlers.length).toBeGreaterThan(0);
    expect(
      ENTRY_POINTS.filter((e) => e.calledBy === 'time-driven trigger').map((e) => e.name),
    ).toEqual(['dailySync', 'continueSync']);
  });

  it('the build fails when src/index.ts exports something the entry-point list does not name', () => {
    const list = JSON.parse(readFileSync(ENTRY_POINTS_FILE, 'utf8')) as {
      entryPoints: { name: string }[];
    };
    list.entryPoints = list.entryPoints.filter((entry) => entry.name !== 'saveApiKey');
    const shortList = join(mkdtempSync(join(tmpdir(), 'kss-entry-')), 'entryPoints.json');
    writeFileSync(shortList, JSON.stringify(list));
    // The check runs before anything is written: dist/ stays as it is for the other tests.
    const rollup = join(repo, 'node_modules', 'rollup', 'dist', 'bin', 'rollup');
    const build = spawnSync(process.execPath, [rollup, '-c', 'rollup.config.mjs'], {
      cwd: repo,
      env: { ...process.env, KSS_ENTRY_POINTS_FILE: shortList },
      encoding: 'utf8',
    });
    expect(build.status).not.toBe(0);
    expect(build.stderr).toContain('not on the list [saveApiKey]');
  });

  it('no file of the repository names a path of the build machine (shared facts are ../shared/...)', () => {
    const tracked = spawnSync('git', ['ls-files'], { cwd: repo, encoding: 'utf8' }).stdout.split(
      '\n',
    );
    const texts = tracked.filter((file) => /\.(ts|mjs|cjs|js|md|json|html)$/.test(file));
    expect(texts.length).toBeGreaterThan(50);
    const naming = texts.filter((file) =>
      /\/work\/(shared|main|wt-)/.test(readFileSync(join(repo, file), 'utf8')),
    );
    expect(naming).toEqual([]);
  });

  it('ships no developer comment: no build-machine path, only the banner', () => {
    expect(bundle).not.toMatch(/\/work\/|\/home\/|\/Users\//);
    expect(bundle.split('\n')[0]).toMatch(/^\/\* keap-sheets-sync .* \*\/$/);
    expect(bundle.slice(1)).not.toMatch(/\/\*\*|^\s*\/\/ /m);
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

describe('the built sidebar script (dist/SidebarScript.html, from src/ui/client)', () => {
  const html = readFileSync(join(distDir, 'SidebarScript.html'), 'utf8');
  const open = '<script>\n';
  const close = '\n</script>\n';

  it('is one inline script that nothing in it can end early', () => {
    expect(html.startsWith(open)).toBe(true);
    expect(html.endsWith(close)).toBe(true);
    expect(html.match(/<\/script/gi)).toHaveLength(1);
    expect(html.match(/<script/gi)).toHaveLength(1);
    expect(html).not.toContain('<!--');
    const code = html.slice(open.length, -close.length);
    expect(() => new vm.Script(code, { filename: 'SidebarScript.js' })).not.toThrow();
  });

  it("holds none of the server's code: no Apps Script service, namespace, token or secret helper", () => {
    for (const name of [
      'KeapSheetsSync_',
      'PropertiesService',
      'UrlFetchApp',
      'ScriptApp',
      'SpreadsheetApp',
      'HtmlService',
      'LockService',
      'CacheService',
      'OAuth2',
      'clientCredentials',
      'knownSecrets',
      'readClientCredentials',
      'access_token',
      'refresh_token',
    ]) {
      expect({ name, found: html.includes(name) }).toEqual({ name, found: false });
    }
  });

  it('ships no developer comment and no build-machine path', () => {
    expect(html).not.toMatch(/\/work\/|\/home\/|\/Users\//);
    expect(html).not.toMatch(/\/\*|^\s*\/\/ /m);
  });
});
