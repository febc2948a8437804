/**
 * HtmlService: HtmlOutput and templates. Template scriptlets run inside the execution's own
 * context, so they see the script's globals (the usual `include()` helper works).
 * `<?= x ?>` prints x HTML-escaped, `<?!= x ?>` prints it raw, `<? code ?>` runs code.
 */
import vm from 'node:vm';
import { instrument, SELF, type Execution } from './execution';
import type { Host } from './host';

export interface HtmlOutputState {
  content: string;
  title: string;
  width?: number;
  height?: number;
  sandboxMode?: string;
  xFrameOptionsMode?: string;
  metaTags: { name: string; content: string }[];
}

const outputs = new WeakMap<object, HtmlOutputState>();

/** The state behind an HtmlOutput handed to the script, or undefined for anything else. */
export function htmlOutputState(value: unknown): HtmlOutputState | undefined {
  return value !== null && typeof value === 'object' ? outputs.get(value) : undefined;
}

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Turns template text into the body of a function that returns the page. */
export function compileTemplate(source: string): string {
  let code = 'var __out = "";\n';
  const pattern = /<\?(!?=)?([\s\S]*?)\?>/g;
  let last = 0;
  for (let m = pattern.exec(source); m; m = pattern.exec(source)) {
    code += `__out += ${JSON.stringify(source.slice(last, m.index))};\n`;
    const expr = (m[2] ?? '').trim();
    if (m[1] === '=') code += `__out += __escape(${expr});\n`;
    else if (m[1] === '!=') code += `__out += String(${expr});\n`;
    else code += `${m[2]}\n`;
    last = pattern.lastIndex;
  }
  code += `__out += ${JSON.stringify(source.slice(last))};\nreturn __out;`;
  return code;
}

export function createHtmlService(exec: Execution, host: Host): GoogleAppsScript.HTML.HtmlService {
  const readFile = (name: string): string => {
    const content = host.readHtmlFile(String(name));
    if (content === null) exec.fail(`No HTML file named ${name} was found.`);
    return content;
  };

  const output = (content: string): object => {
    const state: HtmlOutputState = { content, title: '', metaTags: [] };
    const impl = {
      getContent: () => state.content,
      setContent(html: string) {
        state.content = String(html);
        return SELF;
      },
      append(html: string) {
        state.content += String(html);
        return SELF;
      },
      appendUntrusted(text: string) {
        state.content += escapeHtml(text);
        return SELF;
      },
      clear() {
        state.content = '';
        return SELF;
      },
      getTitle: () => state.title,
      setTitle(title: string) {
        state.title = String(title);
        return SELF;
      },
      getWidth: () => state.width ?? null,
      setWidth(width: number) {
        state.width = width;
        return SELF;
      },
      getHeight: () => state.height ?? null,
      setHeight(height: number) {
        state.height = height;
        return SELF;
      },
      setSandboxMode(mode: string) {
        state.sandboxMode = String(mode);
        return SELF;
      },
      setXFrameOptionsMode(mode: string) {
        state.xFrameOptionsMode = String(mode);
        return SELF;
      },
      addMetaTag(name: string, content: string) {
        state.metaTags.push({ name: String(name), content: String(content) });
        return SELF;
      },
      getMetaTags: () =>
        exec.realm.array(
          state.metaTags.map((t) =>
            exec.realm.object({ getName: () => t.name, getContent: () => t.content }),
          ),
        ),
      setFaviconUrl: () => SELF,
    };
    const wrapped = instrument(exec, 'HtmlOutput', impl);
    outputs.set(wrapped, state);
    return wrapped;
  };

  const template = (source: string): object => {
    const code = compileTemplate(source);
    const data: Record<string, unknown> = {};
    const evaluate = () => {
      const fn = vm.runInContext(
        `(function (__data, __escape) { with (__data) { ${code} } })`,
        exec.context,
        {
          filename: 'template.html',
        },
      ) as (d: object, e: (v: unknown) => string) => string;
      const scope = exec.realm.object({ ...data });
      return output(fn(scope, escapeHtml));
    };
    const impl = {
      evaluate,
      getCode: () => code,
      getRawContent: () => source,
    };
    const wrapped = instrument(exec, 'HtmlTemplate', impl) as unknown as Record<string, unknown>;
    // Template variables are plain properties the script sets on the template object.
    return new Proxy(wrapped, {
      set(target, key, value) {
        if (typeof key === 'string' && !(key in impl)) data[key] = value;
        return Reflect.set(target, key, value);
      },
    });
  };

  const impl = {
    SandboxMode: { EMULATED: 'EMULATED', IFRAME: 'IFRAME', NATIVE: 'NATIVE' },
    XFrameOptionsMode: { ALLOWALL: 'ALLOWALL', DEFAULT: 'DEFAULT' },
    createHtmlOutput: (html?: string) => output(html === undefined ? '' : String(html)),
    createHtmlOutputFromFile: (name: string) => output(readFile(name)),
    createTemplate: (html: string) => template(String(html)),
    createTemplateFromFile: (name: string) => template(readFile(name)),
  };
  return instrument(exec, 'HtmlService', impl) as never;
}
