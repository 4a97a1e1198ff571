// The result table (scenario, figure, baseline, ratio, target, pass/miss) and the JSON file under bench-results/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Row {
  scenario: string;
  figure: string;
  baseline: string;
  ratio: number | null;
  target: string;
  /** null = no target (context only). */
  pass: boolean | null;
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function formatTable(rows: Row[]): string {
  const header = ['scenario', 'figure', 'baseline', 'ratio', 'target', 'result'];
  const cells = rows.map((r) => [r.scenario, r.figure, r.baseline, r.ratio === null ? '—' : r.ratio.toFixed(2), r.target, r.pass === null ? '—' : r.pass ? 'pass' : 'MISS']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => pad(x, widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join('\n');
}

export function writeJson(dir: string, data: unknown): string {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const file = join(dir, `bench-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify(data, null, 2)}\n`);
  return file;
}
