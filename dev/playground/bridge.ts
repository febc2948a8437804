/**
 * Browser code injected into the sidebar page: google.script.run over fetch to the playground
 * (POST /run/<name>), with Apps Script's chaining (withSuccessHandler, withFailureHandler,
 * withUserObject) and a minimal google.script.host. After each call it tells the outer page,
 * which refreshes its view of the sheet.
 */
function scriptRunBridge(publicFunctions: readonly string[]): string {
  return `
(function (offered) {
  'use strict';
  function tellParent() {
    try {
      if (window.parent !== window) window.parent.postMessage({ kssPlayground: 'ran' }, location.origin);
    } catch (ignored) {}
  }
  function fail(handlers, error) {
    if (handlers.failure) handlers.failure(error, handlers.user);
    else console.error(error);
  }
  function call(name, args, handlers) {
    var body;
    try {
      body = JSON.stringify({ args: args });
    } catch (notJson) {
      setTimeout(function () { fail(handlers, new Error('Invalid argument: ' + notJson.message)); });
      return;
    }
    fetch('/run/' + encodeURIComponent(name), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body,
    })
      .then(function (response) { return response.json(); })
      .then(
        function (answer) {
          if (answer.ok) {
            if (handlers.success) handlers.success(answer.value, handlers.user);
          } else {
            var error = new Error(answer.error.message);
            error.name = answer.error.name;
            fail(handlers, error);
          }
        },
        function () {
          fail(handlers, new Error('NetworkError: Connection failure due to HTTP 0'));
        }
      )
      .then(tellParent, tellParent);
  }
  function runner(handlers) {
    var base = {
      withSuccessHandler: function (fn) { return runner(Object.assign({}, handlers, { success: fn })); },
      withFailureHandler: function (fn) { return runner(Object.assign({}, handlers, { failure: fn })); },
      withUserObject: function (obj) { return runner(Object.assign({}, handlers, { user: obj })); },
    };
    return new Proxy(base, {
      get: function (target, name) {
        if (name in target) return target[name];
        // As in Apps Script: only the script's public top-level functions are offered.
        if (typeof name !== 'string' || offered.indexOf(name) < 0) return undefined;
        return function () {
          call(name, Array.prototype.slice.call(arguments), handlers);
        };
      },
    });
  }
  window.google = window.google || {};
  window.google.script = {
    run: runner({}),
    host: {
      origin: location.origin,
      close: function () {},
      setHeight: function () {},
      setWidth: function () {},
      editor: { focus: function () {} },
    },
  };
})(${JSON.stringify(publicFunctions).replace(/</g, '\\u003c')});
`;
}

/**
 * The sidebar HTML Apps Script would serve, with the bridge running before the page's own
 * script. `publicFunctions`: what google.script.run offers (AppsScriptRuntime.publicFunctions()).
 */
export function withBridge(sidebarHtml: string, publicFunctions: readonly string[]): string {
  const tag = `<script>${scriptRunBridge(publicFunctions)}</script>`;
  const head = /<head[^>]*>/i.exec(sidebarHtml);
  if (!head) return tag + sidebarHtml;
  const at = head.index + head[0].length;
  return sidebarHtml.slice(0, at) + tag + sidebarHtml.slice(at);
}
