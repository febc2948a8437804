// One plain-script bundle for Apps Script (which has no modules). Every module lives inside
// one closure; the only top-level functions of dist/Code.js are the entry points listed in
// src/entry/entryPoints.json, each a stub calling into the closure. Apps Script lets any
// sidebar user call every top-level function (google.script.run), so the build fails when
// anything else would be declared at top level.
//
// A second bundle is the sidebar's script: src/ui/client/main.ts, built for the browser and
// written as dist/SidebarScript.html (one inline <script>; HtmlService serves no .js files),
// which Sidebar.html prints in.
import { copyFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import typescript from '@rollup/plugin-typescript';

// The variable lets test/e2e/bundle.test.ts show that a list and exports that differ fail the build.
const ENTRY_POINTS_FILE = process.env.KSS_ENTRY_POINTS_FILE || 'src/entry/entryPoints.json';
const ENTRY_POINTS = JSON.parse(readFileSync(ENTRY_POINTS_FILE, 'utf8')).entryPoints.map(
  (entry) => entry.name,
);
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
/** The closure's exports; ends in '_' and is no function, so google.script.run cannot call it. */
const NAMESPACE = 'KeapSheetsSync_';

function sameNames(a, b) {
  return [...a].sort().join(',') === [...b].sort().join(',');
}

function entryStub(name) {
  return `function ${name}(...args) {\n  return ${NAMESPACE}.${name}(...args);\n}\n`;
}

/** What the finished bundle declares at top level; throws on anything but the namespace and the stubs. */
function checkTopLevel(program) {
  const functions = [];
  for (const node of program.body) {
    if (node.type === 'FunctionDeclaration') functions.push(node.id.name);
    else if (
      node.type === 'VariableDeclaration' &&
      node.declarations.length === 1 &&
      node.declarations[0].id.name === NAMESPACE
    )
      continue;
    else throw new Error(`Unexpected top-level ${node.type} in dist/Code.js (only entry points).`);
  }
  if (!sameNames(functions, ENTRY_POINTS)) {
    throw new Error(
      `Top-level functions of dist/Code.js [${functions.join(', ')}] differ from src/entry/entryPoints.json`,
    );
  }
}

function appsScriptEntryPoints() {
  return {
    name: 'apps-script-entry-points',
    renderChunk(code, chunk) {
      if (!sameNames(chunk.exports, ENTRY_POINTS)) {
        const extra = chunk.exports.filter((name) => !ENTRY_POINTS.includes(name));
        const missing = ENTRY_POINTS.filter((name) => !chunk.exports.includes(name));
        throw new Error(
          `src/index.ts exports and src/entry/entryPoints.json differ: not on the list [${extra.join(', ')}], not exported [${missing.join(', ')}]`,
        );
      }
      const bundled = `${code.trimEnd()}\n\n${ENTRY_POINTS.map(entryStub).join('\n')}`;
      if (/^\s*(export|import)\s/m.test(bundled)) {
        throw new Error('Module syntax left in the Apps Script bundle.');
      }
      checkTopLevel(this.parse(bundled));
      return { code: bundled, map: null };
    },
  };
}

function copyStaticFiles() {
  return {
    name: 'copy-static-files',
    writeBundle() {
      mkdirSync('dist', { recursive: true });
      copyFileSync('appsscript.json', 'dist/appsscript.json');
      for (const file of readdirSync('src/ui')) {
        if (file.endsWith('.html')) copyFileSync(join('src/ui', file), join('dist', file));
      }
    },
  };
}

const CLIENT_DIR = join('src', 'ui', 'client');

/**
 * The sidebar's script may bundle only its own modules: the server's code (and its secrets)
 * reaches it as types alone, which TypeScript erases. Fails the build on any other module.
 */
function clientModulesOnly() {
  return {
    name: 'client-modules-only',
    buildEnd(error) {
      if (error) return;
      for (const id of this.getModuleIds()) {
        const path = relative(process.cwd(), id);
        if (!path.startsWith(CLIENT_DIR + sep)) {
          throw new Error(
            `The sidebar script would bundle ${path}: src/ui/client may import only its own modules, and the server's only as types (import type).`,
          );
        }
      }
    },
  };
}

/**
 * The bundle as dist/SidebarScript.html: `<script>…</script>`. A "</script" in the code (in a
 * string) becomes "<\/script", the same string to JavaScript; the build fails if the code no
 * longer parses, or holds "<!--" or "<script", which change how the browser reads the tag.
 */
function inlineScriptHtml(fileName) {
  return {
    name: 'inline-script-html',
    generateBundle(_options, bundle) {
      for (const [name, chunk] of Object.entries(bundle)) {
        if (chunk.type !== 'chunk') continue;
        const code = chunk.code.replace(/<\/(script)/gi, '<\\/$1');
        this.parse(code);
        if (/<!--|<script/i.test(code)) {
          throw new Error(`The sidebar script holds "<!--" or "<script": it cannot be inlined.`);
        }
        delete bundle[name];
        this.emitFile({
          type: 'asset',
          fileName,
          source: `<script>\n${code.trimEnd()}\n</script>\n`,
        });
      }
    },
  };
}

const server = {
  input: 'src/index.ts',
  output: {
    file: 'dist/Code.js',
    format: 'iife',
    name: NAMESPACE,
    esModule: false,
    banner: `/* ${pkg.name} ${pkg.version} (${pkg.license}). Built by rollup from src/; do not edit. */`,
  },
  treeshake: { moduleSideEffects: false },
  plugins: [
    // Developers' comments stay in src/ (they may name build-machine paths); the banner stays.
    typescript({
      tsconfig: './tsconfig.json',
      noEmit: false,
      outDir: 'dist',
      rootDir: 'src',
      removeComments: true,
    }),
    appsScriptEntryPoints(),
    copyStaticFiles(),
  ],
};

const sidebarClient = {
  input: 'src/ui/client/main.ts',
  output: { dir: 'dist', format: 'iife', entryFileNames: 'SidebarScript.js' },
  treeshake: { moduleSideEffects: false },
  plugins: [
    // A type error fails the build: a renamed entry point or a changed result breaks it.
    typescript({
      tsconfig: './tsconfig.client.json',
      noEmit: false,
      noEmitOnError: true,
      outDir: 'dist',
      rootDir: 'src',
      removeComments: true,
    }),
    clientModulesOnly(),
    inlineScriptHtml('SidebarScript.html'),
  ],
};

export default [server, sidebarClient];
