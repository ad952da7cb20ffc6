import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RESTARTS_JOB } from '../../chaos/faults';
import type { ChaosReport } from '../../chaos/report';
import { SELECTABLE_FAULTS } from '../../chaos/schedule';
import { repoRoot } from '../../local/paths';

const minute = 60_000;
/**
 * The seed's schedule, with every fault kind enabled, begins: kill-generator, far-future, kill-jm,
 * kill-tm, hostile: the generator killed mid-window first (its window becomes incomplete, decided
 * after the auditor's 2-minute grace period while the run goes on), clicks stamped a day ahead, the
 * JobManager (38 s before the next fault: the job runs again from its latest checkpoint in about
 * 20 s), a crashed TaskManager, then bad input.
 */
const SEED = '345';

interface Run {
  readonly code: number | null;
  readonly output: string;
}

/** `npm run chaos -- ARGS` as a user runs it (chaos/main.ts through tsx); interrupted — and left to take its stack down — after `timeoutMs`. */
function chaos(args: readonly string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'chaos', 'main.ts'), ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGINT'); // the run takes its stack down on SIGINT
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (timedOut) reject(new Error(`npm run chaos did not finish within ${timeoutMs / 1000} s:\n${output}`));
      else resolve({ code, output });
    });
  });
}

describe('npm run chaos', () => {
  it(
    'injects a seeded mix of faults into its own stack for 3 minutes, and both judges find no window wrong or missing',
    async () => {
      // Prepare
      const dir = mkdtempSync(path.join(os.tmpdir(), 'playground-chaos-e2e-'));
      const reportFile = path.join(dir, 'report.json');
      const started = Date.now();

      // Act
      const run = await chaos(['--minutes', '3', '--seed', SEED, '--report', reportFile], 13 * minute);

      // Assess
      console.log(`npm run chaos -- --minutes 3 --seed ${SEED}: ${((Date.now() - started) / 1000).toFixed(0)} s\n${run.output.slice(run.output.indexOf('\nchaos run:'))}`);
      expect(run.code, run.output).toBe(0);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as ChaosReport;
      expect(report).toMatchObject({ passed: true, failures: [], seed: SEED, streams: 'kafka', kinds: SELECTABLE_FAULTS });
      const injected = report.faults.filter((f) => !f.skipped);
      expect(injected.length).toBeGreaterThanOrEqual(4);
      expect(injected.filter((f) => !f.ok)).toEqual([]);
      expect(injected.slice(0, 4).map((f) => f.kind)).toEqual(['kill-generator', 'far-future', 'kill-jm', 'kill-tm']);
      // the gaps of the schedule: 20 to 40 s from the end of one fault to the start of the next
      for (let i = 1; i < injected.length; i++) {
        const gap = Date.parse(injected[i].at) - Date.parse(injected[i - 1].endedAt);
        expect(gap, `gap before fault ${injected[i].index}`).toBeGreaterThanOrEqual(20_000);
      }
      // the supervisor replaced every killed process, and the job ran again after every fault that restarts it
      for (const f of injected.filter((f) => f.kind.startsWith('kill-'))) expect(f.replacedAfterSeconds, `${f.kind} ${f.process}`).toEqual(expect.any(Number));
      for (const f of injected.filter((f) => RESTARTS_JOB.has(f.kind))) expect(f.recoveredAfterSeconds, `${f.kind}`).toEqual(expect.any(Number));
      expect(report.stackEvents.restarted ?? 0).toBeGreaterThanOrEqual(2);
      // both judges: no window wrong or missing, the killed generator's window incomplete, and the same verdict on every window
      for (const judge of [report.auditor, report.independent]) {
        expect(judge?.windows).toMatchObject({ wrong: 0, missing: 0 });
        expect(judge?.windows.exact).toBeGreaterThanOrEqual(8);
        expect(judge?.windows.incomplete).toBeGreaterThanOrEqual(1);
      }
      expect(report.agreement?.disagreements).toEqual([]);
      expect(run.output).toMatch(/agreement +\d+ of \d+ windows: the judges agree on every window/);
      // a run that passed takes its stack down and removes its home
      expect(existsSync(report.home)).toBe(false);
      rmSync(dir, { recursive: true, force: true });
    },
    14 * minute,
  );
});
