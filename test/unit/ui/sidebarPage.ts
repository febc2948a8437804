/**
 * The sidebar as one self-contained HTML page, the way showSidebar() builds it: Sidebar.html
 * with SidebarStyles.html and SidebarScript.html printed into it. Optionally with a fake
 * google.script.run whose answers a page script sets (window.fakeServer). SidebarScript.html
 * is built from src/ui/client by `npm run build`: it is read from dist/.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const REPO = join(__dirname, '..', '..', '..');
const UI_DIR = join(REPO, 'src', 'ui');
const DIST_DIR = join(REPO, 'dist');
/** The sidebar's TypeScript, which rollup builds into dist/SidebarScript.html. */
export const CLIENT_DIR = join(UI_DIR, 'client');
/** HTML files the build makes (from src/ui/client) rather than copies from src/ui. */
export const BUILT_UI_FILES = ['SidebarScript.html'];

/** The template variables showSidebar() sets, by the file each one is read from. */
export const SIDEBAR_INCLUDES: Record<string, string> = {
  styles: 'SidebarStyles.html',
  script: 'SidebarScript.html',
};

/** An HTML file as HtmlService serves it: src/ui's own, or the built one from dist/. */
export function readUiFile(name: string): string {
  if (!BUILT_UI_FILES.includes(name)) return readFileSync(join(UI_DIR, name), 'utf8');
  const built = join(DIST_DIR, name);
  if (!existsSync(built)) {
    throw new Error(`dist/${name} is built from src/ui/client: run \`npm run build\` first.`);
  }
  return readFileSync(built, 'utf8');
}

/** The sidebar client's source files (src/ui/client/*.ts) by name. */
export function clientSources(): Record<string, string> {
  const sources: Record<string, string> = {};
  for (const file of readdirSync(CLIENT_DIR)
    .filter((name) => name.endsWith('.ts'))
    .sort()) {
    sources[file] = readFileSync(join(CLIENT_DIR, file), 'utf8');
  }
  return sources;
}

/** Every scriptlet of an Apps Script HTML template, e.g. ['<?!= styles ?>']. */
export function scriptlets(template: string): string[] {
  return template.match(/<\?[\s\S]*?\?>/g) ?? [];
}

/**
 * Evaluates Sidebar.html the way HtmlService does for the only scriptlet form it uses,
 * `<?!= name ?>` (printed unescaped); any other scriptlet is an error here, so the page and
 * this copy of the evaluation cannot drift apart silently.
 */
export function evaluateSidebarTemplate(variables: Record<string, string>): string {
  return readUiFile('Sidebar.html').replace(/<\?([\s\S]*?)\?>/g, (whole, body: string) => {
    const match = /^!=\s*([A-Za-z_$][\w$]*)\s*$/.exec(body);
    if (!match || !(match[1] in variables)) throw new Error(`Unsupported scriptlet ${whole}`);
    return variables[match[1]];
  });
}

export function sidebarHtml(): string {
  const variables: Record<string, string> = {};
  for (const [name, file] of Object.entries(SIDEBAR_INCLUDES)) variables[name] = readUiFile(file);
  return evaluateSidebarTemplate(variables);
}

/**
 * Browser code: google.script.run backed by window.fakeServer[name](...args). Answers come
 * after window.fakeDelayMs[name] (default 40 ms) as JSON copies, like the real bridge;
 * window.fakeHold[name] = true never answers (busy screenshots). Calls are logged in
 * window.fakeCalls.
 */
export const FAKE_SCRIPT_RUN = `
(function () {
  window.fakeServer = window.fakeServer || {};
  window.fakeDelayMs = window.fakeDelayMs || {};
  window.fakeHold = window.fakeHold || {};
  window.fakeCalls = [];
  function runner(handlers) {
    var base = {
      withSuccessHandler: function (fn) { return runner(Object.assign({}, handlers, { success: fn })); },
      withFailureHandler: function (fn) { return runner(Object.assign({}, handlers, { failure: fn })); },
      withUserObject: function (obj) { return runner(Object.assign({}, handlers, { user: obj })); },
    };
    return new Proxy(base, {
      get: function (target, name) {
        if (name in target) return target[name];
        return function () {
          var args = Array.prototype.slice.call(arguments);
          window.fakeCalls.push({ name: name, args: JSON.parse(JSON.stringify(args)) });
          if (window.fakeHold[name]) return;
          var delay = window.fakeDelayMs[name] === undefined ? 40 : window.fakeDelayMs[name];
          setTimeout(function () {
            var impl = window.fakeServer[name];
            try {
              if (!impl) throw new Error('Script function not found: ' + String(name));
              var result = impl.apply(null, args);
              var copy = result === undefined ? undefined : JSON.parse(JSON.stringify(result));
              if (handlers.success) handlers.success(copy, handlers.user);
            } catch (error) {
              if (handlers.failure) handlers.failure(error, handlers.user);
            }
          }, delay);
        };
      },
    });
  }
  window.google = { script: { run: runner({}), host: { close: function () {} } } };
})();
`;

/** The sidebar page with the fake bridge and a setup script that fills window.fakeServer. */
export function sidebarPreviewPage(setupScript: string): string {
  const head = `<script>${FAKE_SCRIPT_RUN}\n${setupScript}</script>`;
  return sidebarHtml().replace('<head>', `<head>\n${head}`);
}
