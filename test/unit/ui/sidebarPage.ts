/**
 * The sidebar as one self-contained HTML page, the way showSidebar() builds it: Sidebar.html
 * with SidebarStyles.html and SidebarScript.html printed into it. Optionally with a fake
 * google.script.run whose answers a page script sets (window.fakeServer).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const UI_DIR = join(__dirname, '..', '..', '..', 'src', 'ui');

/** The template variables showSidebar() sets, by the file each one is read from. */
export const SIDEBAR_INCLUDES: Record<string, string> = {
  styles: 'SidebarStyles.html',
  script: 'SidebarScript.html',
};

export function readUiFile(name: string): string {
  return readFileSync(join(UI_DIR, name), 'utf8');
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
