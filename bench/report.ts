/** The benchmark's stdout: one table row per measured run, details, then the targets. */
import { MINUTE_MS, type CostModel } from './model';
import { SCENARIOS, type ScenarioResult } from './results';
import type { TargetCheck } from './targets';

const COLUMNS = [
  'impl',
  'scenario',
  'rows',
  'needed',
  'reads',
  'writes',
  'token',
  '429',
  'sheet calls',
  'max/exec',
  'props r/w',
  'execs (cont.)',
  'Apps Script',
  'span',
  'rows/min',
  'done',
] as const;

const SHORT_SCENARIO: Record<ScenarioResult['scenario'], string> = {
  'first-sync': '(0) first sync',
  'all-changed': '(a) all changed',
  unchanged: '(b) unchanged',
  'one-percent-edited': '(c) 1 % edited',
  'no-ids-first': '(d) no ids',
  'no-ids-unchanged': '(e) no ids, unchanged',
  'status-column-first': '(f) status column',
  'status-column-unchanged': '(g) status col., unchanged',
};

const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** 8.9 s, 4:40 (m:ss), 1:02:03 (h:mm:ss). */
export function duration(ms: number): string {
  if (ms < MINUTE_MS) return `${(ms / 1000).toFixed(1)} s`;
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

function row(r: ScenarioResult): string[] {
  const m = r.measurement;
  return [
    r.implementation,
    SHORT_SCENARIO[r.scenario],
    number.format(r.rows),
    number.format(r.needed.total),
    number.format(m.keap.reads),
    number.format(m.keap.writes),
    number.format(m.keap.token),
    number.format(m.keap.refused),
    number.format(m.spreadsheetCalls.total),
    number.format(m.spreadsheetCalls.maxPerExecution),
    `${number.format(m.properties.reads)}/${number.format(m.properties.writes)}`,
    `${m.executions} (${m.continuations})`,
    duration(m.appsScriptMs),
    duration(m.spanMs),
    number.format(m.rowsPerMinute),
    r.completed && r.rowsNotInKeap === 0 ? 'yes' : `NO (${number.format(r.rowsNotInKeap)})`,
  ];
}

export function table(results: readonly ScenarioResult[]): string[] {
  const cells = [COLUMNS.map(String), ...results.map(row)];
  const widths = COLUMNS.map((_, c) => Math.max(...cells.map((line) => line[c].length)));
  const text = (line: string[]) =>
    line.map((cell, c) => (c < 2 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ');
  return [text(cells[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(text)];
}

/** Outcomes, rates and notes under the table: what the numbers alone do not say. */
export function details(results: readonly ScenarioResult[], model: CostModel): string[] {
  const lines: string[] = [];
  for (const r of results) {
    const m = r.measurement;
    const label = `${r.implementation} ${number.format(r.rows)} rows ${SCENARIOS[r.scenario]}`;
    lines.push(`${label}`);
    lines.push(`    outcome: ${r.outcome}`);
    const rate = m.writePhase
      ? `${number.format(m.writePhase.perMinute)}/min in write phases (${number.format(m.writePhase.requests)} requests in ${duration(m.writePhase.ms)})`
      : 'no write phase';
    lines.push(
      `    Keap rate: ${rate}; busiest rolling minute ${number.format(m.busiestMinute)}; needed ${number.format(r.needed.emailChanges)} email changes + ${number.format(r.needed.optOuts)} opt-outs`,
    );
    const calls = Object.entries(r.firstExecutionSheetCalls).sort((a, b) => b[1] - a[1]);
    if (calls.length > 0) {
      lines.push(
        `    sheet calls of the first execution: ${calls.map(([name, n]) => `${name} ${n}`).join(', ')}`,
      );
    }
    if (m.keap.total > model.urlFetchPerDay) {
      lines.push(
        `    ${number.format(m.keap.total)} UrlFetch calls: more than a consumer account's ${number.format(model.urlFetchPerDay)} per day (not enforced here)`,
      );
    }
    if (m.killed > 0) lines.push(`    killed at the time limit: ${m.killed} execution(s)`);
    for (const error of m.errors.slice(0, 3)) lines.push(`    execution error: ${error}`);
    if (r.specViolations.length > 0) {
      lines.push(
        `    ${r.specViolations.length} REST requests outside Keap's spec, first: ${r.specViolations[0]}`,
      );
    }
    for (const note of r.notes) lines.push(`    note: ${note}`);
  }
  return lines;
}

export function targetLines(checks: readonly TargetCheck[]): string[] {
  return checks.map((c) => `${c.verdict}  ${c.target} — ${c.measured}`);
}
