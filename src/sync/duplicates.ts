/**
 * The same contact id on several rows is fine when the rows ask for the same thing (they
 * share one result). When they ask for different things the sync cannot know which one is
 * meant: every such row gets a problem naming the rows that disagree with it (worded by
 * statusText.ts `rowInputWords`).
 */
import type { RowInputProblem } from '../sheet/rowInputProblem';

export interface RowIdentity {
  row: number;
  contactId: number;
  /** Rows with equal `sameAs` ask for the same thing. */
  sameAs: string;
}

/** The problem of each conflicting sheet row. */
export function findConflicts(rows: readonly RowIdentity[]): Map<number, RowInputProblem> {
  // Most contacts are on one row, or on rows that agree: only the others are grouped.
  const firstSameAs = new Map<number, string>();
  const disagreeing = new Set<number>();
  for (const row of rows) {
    const first = firstSameAs.get(row.contactId);
    if (first === undefined) firstSameAs.set(row.contactId, row.sameAs);
    else if (first !== row.sameAs) disagreeing.add(row.contactId);
  }
  const byId = new Map<number, RowIdentity[]>();
  for (const row of rows) {
    if (!disagreeing.has(row.contactId)) continue;
    const group = byId.get(row.contactId);
    if (group) group.push(row);
    else byId.set(row.contactId, [row]);
  }
  const conflicts = new Map<number, RowInputProblem>();
  for (const [contactId, group] of byId) {
    if (group.every((r) => r.sameAs === group[0].sameAs)) continue;
    for (const row of group) {
      const others = group
        .filter((other) => other.sameAs !== row.sameAs)
        .map((other) => other.row)
        .sort((a, b) => a - b);
      conflicts.set(row.row, { kind: 'contact-id-conflict', contactId, otherRows: others });
    }
  }
  return conflicts;
}
