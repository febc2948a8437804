/**
 * The entry-point list of src/entry/entryPoints.json, as the tests read it: the same list the
 * rollup config builds the bundle's top level from and SECURITY.md documents.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EntryPoint {
  name: string;
  calledBy: string;
}

export const ENTRY_POINTS_FILE = join(__dirname, '..', '..', 'src', 'entry', 'entryPoints.json');

export const ENTRY_POINTS: readonly EntryPoint[] = (
  JSON.parse(readFileSync(ENTRY_POINTS_FILE, 'utf8')) as { entryPoints: EntryPoint[] }
).entryPoints;

export const ENTRY_POINT_NAMES: readonly string[] = ENTRY_POINTS.map((entry) => entry.name);
