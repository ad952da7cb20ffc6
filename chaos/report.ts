import type { InjectedFault } from './faults';
import type { JudgeSummary, OwnVerdict, WindowJudgement } from './judge';
import type { FaultKind } from './schedule';

/** The auditor's verdict on one window, as `queryAudit` gives it. */
export type AuditorVerdict = OwnVerdict | 'pending';

/** What the run keeps of the auditor's summary (`queryAudit` over the judged range). */
export interface AuditorJudgement {
  readonly windows: Readonly<Record<AuditorVerdict, number>>;
  readonly duplicates: number;
  readonly malformed: number;
  /** Every window the auditor has a verdict on (exact ones included), by start. */
  readonly verdicts: Readonly<Record<string, AuditorVerdict>>;
  readonly nonExact: readonly { readonly windowStart: string; readonly verdict: string; readonly reason: string }[];
}

export interface Disagreement {
  readonly windowStart: string;
  /** `none`: the judge has no such window. */
  readonly auditor: AuditorVerdict | 'none';
  readonly independent: OwnVerdict | 'none';
}

export interface Agreement {
  readonly windows: number;
  readonly agree: number;
  readonly disagreements: readonly Disagreement[];
}

/** Compares the two judges window by window (a window only one of them knows is a disagreement). */
export function compareJudges(auditor: Readonly<Record<string, AuditorVerdict>>, independent: readonly WindowJudgement[]): Agreement {
  const own = new Map(independent.map((j) => [j.windowStart, j.verdict]));
  const starts = [...new Set([...Object.keys(auditor), ...own.keys()])].sort();
  const disagreements: Disagreement[] = [];
  for (const windowStart of starts) {
    const a = auditor[windowStart] ?? 'none';
    const b = own.get(windowStart) ?? 'none';
    if (a !== b) disagreements.push({ windowStart, auditor: a, independent: b });
  }
  return { windows: starts.length, agree: starts.length - disagreements.length, disagreements };
}

export interface ChaosReport {
  readonly schemaVersion: 1;
  readonly seed: string;
  readonly streams: string;
  readonly minutes: number;
  readonly kinds: readonly string[];
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly durationSeconds: number;
  readonly home: string;
  readonly logsDir: string;
  readonly faults: readonly InjectedFault[];
  readonly faultsByKind: Readonly<Partial<Record<FaultKind, number>>>;
  /** The stack's own events since the run began (`exited`, `restarted`, `lost`, `job-restored`, …), by kind. */
  readonly stackEvents: Readonly<Record<string, number>>;
  /** The judged windows: from the start of the first to the end of the last. */
  readonly range?: { readonly from: string; readonly to: string };
  readonly auditor?: AuditorJudgement;
  readonly independent?: Omit<JudgeSummary, 'judgements'> & { readonly nonExact: readonly WindowJudgement[]; readonly readNote?: string };
  readonly agreement?: Agreement;
  readonly passed: boolean;
  /** Why the run did not pass. */
  readonly failures: readonly string[];
}

/** Passing: both judges find no wrong and no missing window, and at least one exact one. */
export function verdictOf(auditor: AuditorJudgement | undefined, independent: Pick<JudgeSummary, 'windows'> | undefined): string[] {
  const failures: string[] = [];
  for (const [name, judge] of [
    ['the auditor', auditor],
    ['the independent judge', independent],
  ] as const) {
    if (!judge) {
      failures.push(`${name} gave no verdict`);
      continue;
    }
    if (judge.windows.wrong > 0) failures.push(`${name} found ${judge.windows.wrong} wrong window(s)`);
    if (judge.windows.missing > 0) failures.push(`${name} found ${judge.windows.missing} missing window(s)`);
    if (judge.windows.exact === 0) failures.push(`${name} found no exact window`);
  }
  return failures;
}

function pad(text: string | number, width: number, right = false): string {
  return right ? String(text).padStart(width) : String(text).padEnd(width);
}

/** The report as the table the run prints at its end. */
export function renderReport(report: ChaosReport): string[] {
  const injected = report.faults.filter((f) => !f.skipped);
  const lines = [
    `chaos run: seed ${report.seed}, ${report.streams}, ${report.minutes} min of faults, ${injected.length} injected` +
      `${injected.length < report.faults.length ? `, ${report.faults.length - injected.length} skipped` : ''}; ${(report.durationSeconds / 60).toFixed(1)} min in all`,
    `  ${pad('fault', 16)}${pad('count', 6, true)}  ${pad('failed', 6, true)}  ${pad('job running after (max)', 24)}  replaced`,
  ];
  const kinds = [...new Set(report.faults.map((f) => f.kind))];
  for (const kind of kinds) {
    const of = report.faults.filter((f) => f.kind === kind && !f.skipped);
    const skipped = report.faults.filter((f) => f.kind === kind && f.skipped).length;
    const recovered = of.map((f) => f.recoveredAfterSeconds).filter((s): s is number => typeof s === 'number');
    const notRecovered = of.filter((f) => f.recoveredAfterSeconds === null).length;
    const recovery = recovered.length === 0 ? (notRecovered ? 'not seen' : '–') : `${Math.max(...recovered).toFixed(1)} s${notRecovered ? ` (${notRecovered} not seen)` : ''}`;
    const kills = of.filter((f) => f.replacedAfterSeconds !== undefined);
    const replaced = kills.length === 0 ? '' : `${kills.filter((f) => typeof f.replacedAfterSeconds === 'number').length} of ${kills.length}`;
    lines.push(
      `  ${pad(kind, 16)}${pad(of.length, 6, true)}  ${pad(of.filter((f) => !f.ok).length, 6, true)}  ${pad(recovery, 24)}  ${replaced}${skipped ? `  (${skipped} skipped)` : ''}`,
    );
  }
  const events = Object.entries(report.stackEvents)
    .filter(([kind]) => kind !== 'fault')
    .map(([kind, n]) => `${kind} ${n}`);
  lines.push(`  stack events: ${events.length > 0 ? events.join(', ') : 'none (no process exited or was replaced)'}`);
  if (report.range) lines.push(`  judged windows ${report.range.from} … ${report.range.to} (the first one's start to the last one's end)`);
  const a = report.auditor;
  const b = report.independent;
  const row = (label: string, x: number | string | undefined, y: number | string | undefined, note = ''): string =>
    `  ${pad(label, 18)}${pad(x ?? '–', 9, true)}  ${pad(y ?? '–', 11, true)}${note ? `  ${note}` : ''}`;
  lines.push(`  ${pad('', 18)}${pad('auditor', 9, true)}  ${pad('independent', 11, true)}`);
  lines.push(row('exact', a?.windows.exact, b?.windows.exact));
  lines.push(row('wrong', a?.windows.wrong, b?.windows.wrong));
  lines.push(row('missing', a?.windows.missing, b?.windows.missing));
  lines.push(row('incomplete', a?.windows.incomplete, b?.windows.incomplete, 'the generator stopped mid-window; not checked'));
  if (a && a.windows.pending > 0) lines.push(row('pending', a.windows.pending, '–'));
  lines.push(row('duplicates', a?.duplicates, b?.duplicates, 'repeats with the same count (allowed; the auditor also counts its own re-reads)'));
  lines.push(row('malformed output', a?.malformed, b?.malformed));
  if (b?.readNote) lines.push(`  note: ${b.readNote}`);
  const agreement = report.agreement;
  if (agreement) {
    lines.push(`  agreement         ${agreement.agree} of ${agreement.windows} windows${agreement.disagreements.length === 0 ? ': the judges agree on every window' : ''}`);
    for (const d of agreement.disagreements.slice(0, 20)) lines.push(`    ${d.windowStart}  auditor ${d.auditor}, independent ${d.independent}`);
    if (agreement.disagreements.length > 20) lines.push(`    … ${agreement.disagreements.length - 20} more in the report`);
  }
  for (const w of b?.nonExact ?? []) {
    if (w.verdict === 'incomplete') continue;
    const counts = Object.entries(w.counts).map(([p, c]) => `${p}=${c.join('/')}`).join(' ');
    lines.push(`    ${pad(w.verdict, 10)} ${w.windowStart}  ${w.reason}  (${counts || 'no results'})`);
  }
  lines.push(
    report.passed
      ? `  verdict           PASSED: no window wrong or missing${(a?.windows.incomplete ?? 0) + (b?.windows.incomplete ?? 0) > 0 ? ' (incomplete windows are reported, not failed)' : ''}`
      : `  verdict           FAILED: ${report.failures.join('; ')}`,
  );
  return lines;
}
