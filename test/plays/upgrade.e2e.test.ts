import { execFile } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VersionView } from '../../cli/msf-versions';
import { applicationsDir, ApplicationStore } from '../../local/control-plane/store';
import { repoRoot } from '../../local/paths';
import { runCli } from '../support/cli';
import { TestHomes } from '../support/homes';
import { E2EStack } from '../support/local-stack';

/**
 * The original's upgrade play on ONE local stack (Kafka): a second jar, built here from a changed
 * copy of job/, replaces the running one from the snapshot the update takes, every window exact
 * across it; a third jar whose counter has another uid cannot take that state (Flink refuses to
 * map it), the upgrade fails with Flink's message, and `rollback` runs the last good version again;
 * then a changed property (`--set`) adds the Backpressure operator, again from a snapshot.
 */
const homes = new TestHomes();
const stack = new E2EStack(homes.create('playground-upgrade-'));
const minute = 60_000;
const PIPELINE = path.join('src', 'main', 'java', 'com', 'example', 'playground', 'clickcount', 'ClickCountPipeline.java');
const RENAMED_COUNTER = 'ClickEvent Counter v2';
let jars: { renamed: string; newUid: string };

/** Copies job/ (without its build output) to a new folder, edits the pipeline, and builds the jar offline. */
async function buildJar(prefix: string, edit: (source: string) => string): Promise<string> {
  const dir = homes.create(prefix);
  cpSync(path.join(repoRoot, 'job'), dir, { recursive: true, filter: (source) => !source.split(path.sep).includes('target') });
  const file = path.join(dir, PIPELINE);
  const before = readFileSync(file, 'utf8');
  const after = edit(before);
  expect(after).not.toBe(before);
  writeFileSync(file, after);
  await promisify(execFile)('mvn', ['-o', '-q', '-B', 'package', '-DskipTests'], { cwd: dir, maxBuffer: 16 * 1024 * 1024 });
  return path.join(dir, 'target', 'click-count-job.jar');
}

async function buildJars(): Promise<{ renamed: string; newUid: string }> {
  const rename = (source: string): string => source.replace('COUNTER_NAME = "ClickEvent Counter"', `COUNTER_NAME = "${RENAMED_COUNTER}"`);
  // one build at a time: the machine also starts the stack meanwhile
  const renamed = await buildJar('playground-upgrade-jar2-', rename);
  const newUid = await buildJar('playground-upgrade-jar3-', (source) =>
    rename(source).replace('COUNTER_UID = "click-event-counter"', 'COUNTER_UID = "click-event-counter-renamed"'),
  );
  return { renamed, newUid };
}

/** The names of the running job's vertices (chained operators appear in one vertex's name). */
async function runningVertexNames(): Promise<string> {
  const { jid } = await stack.runningJob();
  return (await stack.rest.job(jid)).vertices.map((v) => v.name).join(' | ');
}

function normalize(location: string | undefined): string {
  return (location ?? '').replace(/^file:(\/\/)?/, '').replace(/\/+$/, '');
}

/** The location of the newest snapshot an update took, as the control plane recorded it. */
function newestUpdateSnapshot(): { name: string; location?: string } | undefined {
  const app = new ApplicationStore(applicationsDir(stack.dirs)).get(stack.record.applicationName);
  return [...(app?.snapshots ?? [])].reverse().find((s) => s.name.includes('-update-') && s.status === 'READY');
}

async function restoredFrom(): Promise<string> {
  const { jid } = await stack.runningJob();
  return normalize((await stack.rest.checkpoints(jid)).latest.restored?.external_path);
}

beforeAll(() =>
  homes.guard(async () => {
    const [built] = await Promise.all([buildJars(), stack.start()]);
    jars = built;
  }), 15 * minute);

afterAll(async () => {
  await stack.down();
  homes.release();
}, 4 * minute);

describe('upgrading the job on the local stack', () => {
  it('upgrade --jar runs the second jar from the snapshot the update took, every window exact, and versions lists both', async () => {
    expect(await runningVertexNames()).not.toContain(RENAMED_COUNTER);

    const result = await stack.play(['upgrade', '--jar', jars.renamed], 10 * minute);

    expect(result.stdout).toMatch(/is RUNNING at version 2 \(was 1\), restarted from snapshot \S+-update-\S+/);
    expect(await runningVertexNames()).toContain(RENAMED_COUNTER);
    expect(await restoredFrom()).toBe(normalize(newestUpdateSnapshot()?.location));
    const versions = JSON.parse((await stack.play(['versions', '--json'])).stdout) as VersionView[];
    expect(versions.map((v) => [v.version, v.status])).toEqual([
      [2, 'RUNNING'],
      [1, 'RUNNING'],
    ]);
    expect(versions[0].changes.join('; ')).toMatch(/^code md5 [0-9a-f]{32} \(was s3:\/\/local\/job\/target\/click-count-job\.jar\)$/);
    await stack.settleAndAudit('upgrade --jar');
    console.log(`upgrade --jar output:\n${result.stdout}`);
  }, 12 * minute);

  it('an upgrade to a jar whose counter has another uid fails with Flink’s message, and rollback runs version 2 again, every window exact', async () => {
    const failed = await runCli(['upgrade', '--jar', jars.newUid, '--home', stack.home], { timeoutMs: 10 * minute });

    expect(failed.code, failed.stdout).toBe(1);
    expect(failed.stderr).toMatch(/Failed to rollback to checkpoint\/savepoint/);
    expect(failed.stderr).toMatch(/Cannot map checkpoint\/savepoint state for operator \S+ to the new program/);
    expect(failed.stderr).toMatch(/Bring back version 2 from snapshot \S+ with: playground rollback/);
    // read in this process, not with another CLI run: the job is down until the rollback, and a
    // longer backlog only makes the catch-up longer
    const app = new ApplicationStore(applicationsDir(stack.dirs)).get(stack.record.applicationName);
    expect(app).toMatchObject({ status: 'RUNNING', versionId: 3 });
    expect(app?.jobId).toBeUndefined();
    expect((await stack.rest.jobs()).filter((j) => j.state === 'RUNNING')).toHaveLength(0);
    const snapshot = newestUpdateSnapshot();

    const rolledBack = await stack.play(['rollback'], 10 * minute);

    expect(rolledBack.stdout).toMatch(/is RUNNING at version 4, the configuration and code of version 2 \(rolled back from version 3\)/);
    expect(await runningVertexNames()).toContain(RENAMED_COUNTER);
    expect(await restoredFrom()).toBe(normalize(snapshot?.location));
    const versions = JSON.parse((await stack.play(['versions', '--json'])).stdout) as VersionView[];
    expect(versions.map((v) => v.version)).toEqual([4, 3, 2, 1]);
    expect(versions[0]).toMatchObject({ rolledBackFrom: 3, rolledBackTo: 2, code: versions[2].code });
    await stack.settleAndAudit('failed upgrade, rollback');
    console.log(`upgrade output:\n${failed.stdout}${failed.stderr}\nrollback output:\n${rolledBack.stdout}`);
  }, 14 * minute);

  it('upgrade --set ClickCountJob.backpressure=true adds the Backpressure operator from the snapshot, every window exact', async () => {
    expect(await runningVertexNames()).not.toContain('Backpressure');

    const result = await stack.play(['upgrade', '--set', 'ClickCountJob.backpressure=true'], 10 * minute);

    expect(result.stdout).toMatch(/is RUNNING at version 5 \(was 4\), restarted from snapshot \S+-update-\S+/);
    expect(await runningVertexNames()).toContain('Backpressure');
    expect(await restoredFrom()).toBe(normalize(newestUpdateSnapshot()?.location));
    const versions = await stack.play(['versions']);
    expect(versions.stdout).toMatch(/^ {2}5 +RUNNING .* ClickCountJob\.backpressure(: false → true|=true \(new\))$/m);
    await stack.settleAndAudit('upgrade --set');
    console.log(`upgrade --set output:\n${result.stdout}\nversions:\n${versions.stdout}`);
  }, 12 * minute);
});
