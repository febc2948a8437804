/**
 * SECURITY.md's "What the browser can call" lists the functions a page can call: exactly the
 * entry points of src/entry/entryPoints.json (the list the build and the bundle test use).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as entryModule from '../../../src/index';
import { ENTRY_POINT_NAMES } from '../../support/entryPoints';

function documentedFunctions(markdown: string): string[] {
  const section = /^## What the browser can call\n([\s\S]*?)(?=^## )/m.exec(markdown);
  if (!section) throw new Error('SECURITY.md has no "What the browser can call" section');
  const rows = section[1].split('\n').filter((line) => /^\| `/.test(line));
  return rows.flatMap((row) => {
    const firstCell = row.split('|')[1];
    return [...firstCell.matchAll(/`(\w+)`/g)].map((m) => m[1]);
  });
}

describe('the entry-point list', () => {
  it('is the list SECURITY.md documents, each function once', () => {
    const documented = documentedFunctions(
      readFileSync(join(__dirname, '..', '..', '..', 'SECURITY.md'), 'utf8'),
    );
    expect(new Set(documented).size).toBe(documented.length);
    expect([...documented].sort()).toEqual([...ENTRY_POINT_NAMES].sort());
  });

  it('is what src/index.ts exports (the build checks the same)', () => {
    expect(Object.keys(entryModule).sort()).toEqual([...ENTRY_POINT_NAMES].sort());
  });

  it('names no private function (google.script.run could not call it, nor could Apps Script)', () => {
    expect(ENTRY_POINT_NAMES.filter((name) => name.endsWith('_'))).toEqual([]);
  });
});
