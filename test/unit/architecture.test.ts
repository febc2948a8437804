/**
 * The layering docs/ARCHITECTURE.md describes, checked on the imports of src/: no import
 * circles, and no import that runs back up (entry -> ui -> sync -> connection -> keap/sheet).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

const SRC = join(__dirname, '..', '..', 'src');

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

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

function resolveImport(from: string, spec: string): string | null {
  const base = join(dirname(from), spec);
  for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sourceFiles(SRC)) {
    const text = readFileSync(file, 'utf8');
    const targets = [...text.matchAll(/from\s+['"](\.[^'"]+)['"]/g)]
      .map((match) => resolveImport(file, match[1]))
      .filter((target): target is string => target !== null);
    graph.set(file, targets);
  }
  return graph;
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

describe('src/ layering', () => {
  const graph = importGraph();

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
    expect(upward).toEqual([]);
  });
});
