import { queryAudit, type AuditSummary } from '../../lambdas/shared/audit-query';
import { createDocumentClient } from '../../lambdas/shared/clients';
import { AuditRangeError } from '../../lambdas/shared/errors';
import { UsageError, type Io } from '../io';
import { realClock, type Clock } from '../../local/poll';
import { PlayError, runPlay } from '../errors';
import { playTarget } from '../announce';
import { targetFlags, withTargetOptions, type PlayTarget } from '../target';
import type { RegisterCommand } from './register';
import type { UpReport } from './up';

export interface AuditOptions {
  readonly target: PlayTarget;
  /** Audit the windows of the last `sinceMs`; default: since the local stack started, or the last hour on AWS. */
  readonly sinceMs?: number;
  readonly json: boolean;
  readonly clock?: Pick<Clock, 'now'>;
}

/** `90s`, `15m`, `2h`, `1d` → milliseconds. @throws UsageError */
export function parseDuration(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(value.trim());
  const factor = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  if (!match) throw new UsageError(`expected a duration such as 90s, 15m, 2h or 1d, got '${value}'`);
  const ms = Number(match[1]) * factor[match[2] as keyof typeof factor];
  if (ms <= 0) throw new UsageError(`the duration must be more than 0, got '${value}'`);
  return ms;
}

const DEFAULT_AWS_SINCE_MS = 3_600_000;

/** What `incomplete` means, wherever the audit is printed. */
const INCOMPLETE_NOTE = 'the generator stopped mid-window; not checked';

/**
 * The readable summary: the windows by verdict, then every wrong, missing or incomplete window with
 * the counts that arrived per page and what the ledger expected. Incomplete windows
 * (the generator never marked them sent) are reported but do not fail the audit.
 */
function renderAudit(report: UpReport, application: string): string[] {
  const { windows, latencyMs } = report;
  const lines = [
    `audit of ${application}: windows starting ${report.startedAt} … ${report.finishedAt}`,
    `  windows     exact ${windows.exact}   wrong ${windows.wrong}   missing ${windows.missing}   incomplete ${windows.incomplete}   pending ${windows.pending}`,
  ];
  if (windows.incomplete > 0) lines.push(`  incomplete  ${windows.incomplete} (${INCOMPLETE_NOTE}; not a failure)`);
  lines.push(
    `  duplicates  ${report.duplicates} (repeats of a result with the same count; allowed with an at-least-once sink)`,
    `  latency     ${latencyMs.p50 === null ? '–' : `p50 ${latencyMs.p50} ms   p99 ${latencyMs.p99} ms`} (window end → result audited)`,
    `  events      ${report.events.generated} generated; ${report.malformed} malformed output records`,
  );
  if (report.nonExact.length > 0) {
    lines.push('  non-exact windows:');
    for (const w of report.nonExact) {
      const counts = Object.entries(w.counts)
        .map(([page, count]) => `${page}=${count ?? '–'}`)
        .join(' ');
      const expected =
        w.expected === null
          ? 'expected – (the ledger has no record of the window)'
          : `expected ${w.verdict === 'incomplete' ? 'at most ' : ''}${w.expected} per page`;
      lines.push(`    ${w.verdict.padEnd(10)} ${w.windowStart}  ${w.reason}  (counts ${counts}; ${expected})`);
    }
  }
  if (windows.wrong + windows.missing === 0) {
    lines.push(
      windows.incomplete === 0
        ? '  verdict     every audited window is exact'
        : `  verdict     no window wrong or missing; ${windows.incomplete} incomplete (${INCOMPLETE_NOTE})`,
    );
  }
  return lines;
}

/** The exit code of an audit: 1 if any window is wrong or missing (incomplete ones do not count). */
function auditExitCode(summary: Pick<AuditSummary, 'windows'>): number {
  return summary.windows.wrong === 0 && summary.windows.missing === 0 ? 0 : 1;
}

/** `playground audit [--since DURATION] [--json]`: the auditor's verdict over the windows in range. */
export async function audit(options: AuditOptions, io: Io): Promise<number> {
  const { target } = options;
  const clock = options.clock ?? realClock;
  return runPlay(io, target, async () => {
    if (!target.tables) {
      throw new PlayError('no audit tables known: deploy with --outputs-file cdk-outputs.json (LedgerTableName, AuditTableName) or run the local playground');
    }
    const now = clock.now();
    const fromMs =
      options.sinceMs !== undefined
        ? now - options.sinceMs
        : target.local
          ? Date.parse(target.local.record.startedAt) - 60_000
          : now - DEFAULT_AWS_SINCE_MS;
    const doc = createDocumentClient(target.dynamodb);
    let summary: AuditSummary;
    try {
      summary = await queryAudit(doc, {
        ledgerTableName: target.tables.ledger,
        auditTableName: target.tables.audit,
        fromMs,
        toMs: now + 3_600_000,
        nowMs: now,
      });
    } catch (error) {
      // The range is the user's (--since, or since the stack started): a shorter one is the fix.
      if (error instanceof AuditRangeError) throw new UsageError(`${error.message}; audit a shorter range with --since (e.g. --since 1d)`, { cause: error });
      throw error;
    } finally {
      doc.destroy();
    }
    const report: UpReport = {
      ...summary,
      streams: target.streams ?? 'kinesis',
      startedAt: new Date(fromMs).toISOString(),
      finishedAt: new Date(now).toISOString(),
    };
    if (options.json) io.out(JSON.stringify(report, null, 2));
    else for (const line of renderAudit(report, target.applicationName)) io.out(line);
    return auditExitCode(summary);
  });
}

export const registerAudit: RegisterCommand = (program, io, setExit) => {
  withTargetOptions(program.command('audit'))
    .description(
      "The auditor's verdict: windows exact/wrong/missing/incomplete/pending, duplicates, latency; exit 1 if any window is wrong or missing (incomplete windows, which the generator stopped sending mid-window, are reported, not failed)",
    )
    .option('--since <duration>', 'audit the windows of the last 90s/15m/2h/1d (default: since the local stack started; the last hour on AWS)', parseDuration)
    .option('--json', 'print the same JSON as up --report', false)
    .action(async (flags: Record<string, unknown>) => {
      const target = await playTarget(targetFlags(flags), 'read', io, { json: Boolean(flags.json) });
      setExit(await audit({ target, sinceMs: flags.since as number | undefined, json: Boolean(flags.json) }, io));
    });
};
