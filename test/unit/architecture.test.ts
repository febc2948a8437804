/**
 * The layering docs/ARCHITECTURE.md describes, checked on the imports of src/: no import
 * circles, no import that runs back up (entry -> ui -> sync -> connection -> keap/sheet), and
 * no pure module that imports an adapter, not even for a type.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import ts from 'typescript';

const SRC = join(__dirname, '..', '..', 'src');
const TYPES = join(__dirname, '..', '..', 'node_modules', '@types');

/**
 * Lower numbers may import higher ones, never the reverse; equal numbers are siblings. The
 * sidebar's client runs in the browser and calls the entry points, so it sits above them (it
 * takes only their types: test/unit/ui checks that no server code is bundled into it).
 */
const LAYERS: Record<string, number> = {
  'ui/client': -1,
  entry: 0,
  ui: 1,
  sync: 2,
  connection: 3,
  keap: 4,
  sheet: 4,
};

/**
 * The globals Apps Script gives a script (SpreadsheetApp, UrlFetchApp, PropertiesService,
 * Utilities, OAuth2 ...), read from the type declarations the build compiles against, so a
 * service this list forgot cannot exist. `console` is the language's, not a service.
 */
function appsScriptGlobals(): Set<string> {
  const names = new Set<string>();
  for (const pkg of ['google-apps-script', 'google-apps-script-oauth2']) {
    for (const name of readdirSync(join(TYPES, pkg))) {
      if (!name.endsWith('.d.ts')) continue;
      const text = readFileSync(join(TYPES, pkg, name), 'utf8');
      for (const match of text.matchAll(/^declare\s+(?:var|let|const)\s+(\w+)/gm)) {
        names.add(match[1]);
      }
    }
  }
  names.delete('console');
  return names;
}

const GLOBALS = appsScriptGlobals();

/** The namespaces of the services' own types: a module handed a Sheet or a Lock names them. */
const SERVICE_TYPES = new Set(['GoogleAppsScript', 'GoogleAppsScriptOAuth2']);

interface ModuleFacts {
  /** Every module specifier it imports or re-exports, types and `import('…')` types too. */
  imports: string[];
  /** The Apps Script globals and service types it names in code (comments do not count). */
  appsScript: string[];
}

/** An identifier that is only the name of something (a member, a key, a declaration). */
function isOnlyAName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) {
    return (ts.isPropertyAccessExpression(parent) ? parent.name : parent.right) === node;
  }
  if (ts.isShorthandPropertyAssignment(parent)) return false;
  return (
    (ts.isPropertyAssignment(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isVariableDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isInterfaceDeclaration(parent) ||
      ts.isTypeAliasDeclaration(parent) ||
      ts.isImportSpecifier(parent) ||
      ts.isExportSpecifier(parent) ||
      ts.isBindingElement(parent) ||
      ts.isEnumMember(parent)) &&
    parent.name === node
  );
}

function moduleFacts(file: string, text: string): ModuleFacts {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const imports: string[] = [];
  const appsScript = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      imports.push(node.moduleSpecifier.text);
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      imports.push(node.argument.literal.text);
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments.length > 0 &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      imports.push(node.arguments[0].text);
    } else if (ts.isIdentifier(node) && !isOnlyAName(node)) {
      if (GLOBALS.has(node.text) || SERVICE_TYPES.has(node.text)) appsScript.add(node.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { imports, appsScript: [...appsScript].sort() };
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function resolveImport(
  from: string,
  spec: string,
  exists: (path: string) => boolean,
): string | null {
  if (!spec.startsWith('.')) return null;
  const base = join(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    if (exists(candidate)) return candidate;
  }
  return null;
}

interface SourceTree {
  /** File -> the src/ files it imports. */
  graph: Map<string, string[]>;
  /** File -> the Apps Script globals and service types it names. */
  appsScript: Map<string, string[]>;
}

/** The tree's facts from file texts (the real src/, or a made-up one to test the checks). */
function sourceTree(texts: Map<string, string>): SourceTree {
  const graph = new Map<string, string[]>();
  const appsScript = new Map<string, string[]>();
  for (const [file, text] of texts) {
    const facts = moduleFacts(file, text);
    graph.set(
      file,
      facts.imports
        .map((spec) => resolveImport(file, spec, (path) => texts.has(path)))
        .filter((target): target is string => target !== null),
    );
    appsScript.set(file, facts.appsScript);
  }
  return { graph, appsScript };
}

function realTree(): SourceTree {
  return sourceTree(new Map(sourceFiles(SRC).map((file) => [file, readFileSync(file, 'utf8')])));
}

/** Strongly connected components of more than one file (Tarjan). */
function circles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file)!, index.get(target)!));
      }
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(relative(SRC, member));
      } while (member !== file);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return found;
}

function layerOf(file: string): number | undefined {
  const [top, second] = relative(SRC, file).split(/[\\/]/);
  return LAYERS[`${top}/${second}`] ?? LAYERS[top];
}

function upwardImports(graph: Map<string, string[]>): string[] {
  const upward: string[] = [];
  for (const [file, targets] of graph) {
    const from = layerOf(file);
    for (const target of targets) {
      const to = layerOf(target);
      if (from !== undefined && to !== undefined && to < from) {
        upward.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
      }
    }
  }
  return upward;
}

/**
 * The edge of the add-on: the functions Apps Script calls (src/entry) and the file that
 * re-exports them. They wire adapters to logic, so they are neither pure nor an adapter.
 */
function isEdge(file: string): boolean {
  const path = relative(SRC, file).split(/[\\/]/);
  return path[0] === 'entry' || (path.length === 1 && path[0] === 'index.ts');
}

/**
 * An adapter names an Apps Script service in its code: it reads a global (SpreadsheetApp,
 * UrlFetchApp, PropertiesService, Utilities, OAuth2 ...) or is handed a service and names its
 * type (GoogleAppsScript.Spreadsheet.Sheet ...). Every other module of src/ but the edge is pure.
 */
function adapters(tree: SourceTree): Set<string> {
  return new Set(
    [...tree.appsScript]
      .filter(([file, names]) => !isEdge(file) && names.length > 0)
      .map(([file]) => file),
  );
}

/** Imports from a pure module into an adapter, type-only ones included. */
function pureImportsOfAdapters(tree: SourceTree): string[] {
  const adapterFiles = adapters(tree);
  const found: string[] = [];
  for (const [file, targets] of tree.graph) {
    if (isEdge(file) || adapterFiles.has(file)) continue;
    for (const target of targets) {
      if (adapterFiles.has(target))
        found.push(`${relative(SRC, file)} -> ${relative(SRC, target)}`);
    }
  }
  return found;
}

describe('src/ layering', () => {
  const tree = realTree();
  const graph = tree.graph;

  test('the check sees the source tree', () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get(join(SRC, 'sync', 'runSync.ts'))).toContain(join(SRC, 'sync', 'syncPorts.ts'));
  });

  test('a circle is found when there is one', () => {
    const [a, b, c] = ['a.ts', 'b.ts', 'c.ts'].map((name) => join(SRC, name));
    const made = new Map([
      [a, [b]],
      [b, [c]],
      [c, [a]],
    ]);
    expect(circles(made)).toEqual([['a.ts', 'b.ts', 'c.ts']]);
  });

  test('no import circles', () => {
    expect(circles(graph)).toEqual([]);
  });

  test('no import runs back up the layers', () => {
    expect(upwardImports(graph)).toEqual([]);
  });
});

describe('pure modules never import adapters', () => {
  const at = (path: string): string => join(SRC, ...path.split('/'));

  test('the check finds the adapters of the source tree', () => {
    const found = adapters(realTree());
    // One that reads a global, one handed the service it adapts.
    expect(found).toContain(at('keap/urlFetchHttp.ts'));
    expect(found).toContain(at('sheet/contactSheet.ts'));
    expect(found).not.toContain(at('sync/plan.ts'));
    expect(found).not.toContain(at('entry/sync.ts'));
  });

  test('a pure module importing an adapter is found, even for a type', () => {
    const made = sourceTree(
      new Map([
        [
          at('sheet/realTab.ts'),
          [
            '/** Not SpreadsheetApp in a comment, but in the code: */',
            'export interface TabPort { flush(): void }',
            'export const realTab: TabPort = { flush: () => SpreadsheetApp.flush() };',
          ].join('\n'),
        ],
        [
          at('sheet/handedTab.ts'),
          'export const rows = (sheet: GoogleAppsScript.Spreadsheet.Sheet) => sheet.getLastRow();',
        ],
        [
          at('sheet/wording.ts'),
          '/** Says what SpreadsheetApp and UrlFetchApp do. */\nexport const x = 1;',
        ],
        [
          at('sync/typeOnly.ts'),
          "import type { TabPort } from '../sheet/realTab';\nexport let p: TabPort;",
        ],
        [at('sync/value.ts'), "import { rows } from '../sheet/handedTab';\nexport const r = rows;"],
        [at('sync/asType.ts'), "export type T = typeof import('../sheet/realTab');"],
        [at('sync/fine.ts'), "import { x } from '../sheet/wording';\nexport const y = x;"],
        [
          at('entry/edge.ts'),
          "import { realTab } from '../sheet/realTab';\nexport const e = realTab;",
        ],
      ]),
    );
    expect([...adapters(made)].map((file) => relative(SRC, file)).sort()).toEqual([
      join('sheet', 'handedTab.ts'),
      join('sheet', 'realTab.ts'),
    ]);
    expect(pureImportsOfAdapters(made).sort()).toEqual([
      `${join('sync', 'asType.ts')} -> ${join('sheet', 'realTab.ts')}`,
      `${join('sync', 'typeOnly.ts')} -> ${join('sheet', 'realTab.ts')}`,
      `${join('sync', 'value.ts')} -> ${join('sheet', 'handedTab.ts')}`,
    ]);
  });

  test('no pure module imports an adapter', () => {
    expect(pureImportsOfAdapters(realTree())).toEqual([]);
  });
});
