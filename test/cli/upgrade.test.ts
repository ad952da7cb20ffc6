import { CreateApplicationCommand, StartApplicationCommand, StopApplicationCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseSetting, upgrade } from '../../cli/commands/upgrade';
import { rollback, versions } from '../../cli/commands/versions';
import { UsageError } from '../../cli/errors';
import { main } from '../../cli/main';
import type { VersionView } from '../../cli/msf-versions';
import type { PlayTarget } from '../../cli/target';
import { applicationsDir, ApplicationStore } from '../../local/control-plane/store';
import { playgroundDirs } from '../../local/paths';
import { startTestControlPlane, stopTestControlPlane, type TestControlPlane } from '../local/fake-flink-engine';
import { APP, awsTarget, recordingIo } from './support';

let scratch: string;

/** A file that starts like a jar (a zip's local file header) and is unique to `label`. */
function fakeJar(label: string): string {
  const file = path.join(scratch, `${label}.jar`);
  writeFileSync(file, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(`jar ${label}`)]));
  return file;
}

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'pg-upgrade-'));
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('playground upgrade: arguments', () => {
  it('reads Group.key=value, the value after the first =', () => {
    expect(parseSetting('ClickCountJob.backpressure=true')).toEqual({ group: 'ClickCountJob', key: 'backpressure', value: 'true' });
    expect(parseSetting('Kafka.sasl.jaas=a=b')).toEqual({ group: 'Kafka', key: 'sasl.jaas', value: 'a=b' });
    expect(() => parseSetting('backpressure=true')).toThrow(UsageError);
    expect(() => parseSetting('ClickCountJob.backpressure')).toThrow(UsageError);
    expect(() => parseSetting('.key=v')).toThrow(UsageError);
  });

  it('exits 2 without --jar or --set, for a malformed --set, and for a jar that is not one, before any call', async () => {
    const io = recordingIo();
    expect(await main(['upgrade', '--target', 'aws', '--app', APP], io)).toBe(2);
    expect(io.errors.join('\n')).toContain('upgrade needs --jar PATH and/or --set Group.key=value');
    expect(await main(['upgrade', '--target', 'aws', '--app', APP, '--set', 'nodot=1'], io)).toBe(2);
    expect(io.errors.join('\n')).toContain("--set takes Group.key=value (e.g. ClickCountJob.backpressure=true), got 'nodot=1'");
    const notJar = path.join(scratch, 'not-a.jar');
    writeFileSync(notJar, 'text');
    await expect(upgrade({ target: awsTarget, jar: notJar, set: [], restore: 'latest' }, io)).rejects.toThrow(/is not a jar/);
    await expect(upgrade({ target: awsTarget, jar: path.join(scratch, 'missing.jar'), set: [], restore: 'latest' }, io)).rejects.toThrow(/cannot be read/);
  });
});

describe('playground upgrade, versions and rollback on the local control plane', () => {
  let plane: TestControlPlane;
  let target: PlayTarget;
  const wait = { intervalMs: 10, timeoutMs: 10_000 };

  beforeEach(async () => {
    plane = await startTestControlPlane('pg-upgrade-cp-');
    const msf = { endpoint: plane.plane.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
    target = { kind: 'local', applicationName: 'clicks', msf, dynamodb: msf, cloudwatch: msf };
    await plane.client.send(
      new CreateApplicationCommand({
        ApplicationName: 'clicks',
        RuntimeEnvironment: 'FLINK-2_2',
        ServiceExecutionRole: 'arn:aws:iam::000000000000:role/local',
        ApplicationConfiguration: {
          ApplicationCodeConfiguration: {
            CodeContentType: 'ZIPFILE',
            CodeContent: { S3ContentLocation: { BucketARN: 'arn:aws:s3:::local', FileKey: 'job/target/click-count-job.jar' } },
          },
          EnvironmentProperties: { PropertyGroups: [{ PropertyGroupId: 'ClickCountJob', PropertyMap: { streams: 'kafka', backpressure: 'false' } }] },
        },
      }),
    );
    plane.engine.release();
    await plane.client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));
    await plane.plane.service.idle();
  });

  afterEach(() => stopTestControlPlane(plane));

  const record = () => new ApplicationStore(applicationsDir(playgroundDirs(plane.home))).get('clicks');

  it('--set ClickCountJob.backpressure=true restarts the job from the snapshot the update took, with the property changed', async () => {
    const io = recordingIo();

    const code = await upgrade({ target, set: [parseSetting('ClickCountJob.backpressure=true')], restore: 'latest', wait }, io);

    expect(code, io.text()).toBe(0);
    expect(io.lines.join('\n')).toMatch(/clicks is RUNNING at version 2 \(was 1\), restarted from snapshot clicks-update-\d{8}T\d{6}, in /);
    const app = record();
    expect(app?.propertyGroups).toEqual([{ PropertyGroupId: 'ClickCountJob', PropertyMap: { streams: 'kafka', backpressure: 'true' } }]);
    const snapshot = app?.snapshots.find((s) => s.name.startsWith('clicks-update-'));
    expect(snapshot).toMatchObject({ status: 'READY', applicationVersionId: 1, automatic: true });
    expect(plane.engine.launches.at(-1)).toEqual({ savepointPath: snapshot?.location, allowNonRestoredState: false });
    expect(plane.engine.calls.slice(-2)).toEqual(['stop job-1', 'start clicks']);

    const listed = recordingIo();
    expect(await versions({ target, json: true }, listed)).toBe(0);
    const views = JSON.parse(listed.lines.join('\n')) as VersionView[];
    expect(views.map((v) => v.version)).toEqual([2, 1]);
    expect(views[0].changes).toEqual(['ClickCountJob.backpressure: false → true']);
  });

  it('exits 2 for a group the application does not have, changing nothing', async () => {
    await expect(upgrade({ target, set: [parseSetting('Nope.key=1')], restore: 'latest', wait }, recordingIo())).rejects.toThrow(
      "--set Nope.key: clicks has no property group 'Nope' (it has: ClickCountJob)",
    );
    expect(record()?.versionId).toBe(1);
  });

  it('--jar keeps the jar per version and runs it; a failed restart reports the failure and rollback runs the version before from the snapshot', async () => {
    const jar = fakeJar('v2');
    const io = recordingIo();

    expect(await upgrade({ target, jar, set: [], restore: 'latest', wait }, io), io.text()).toBe(0);

    const v2 = record();
    const sha256 = createHash('sha256').update(readFileSync(jar)).digest('hex');
    expect(v2?.code).toMatchObject({ sha256, size: readFileSync(jar).length, file: `${sha256}.jar` });
    const stored = plane.engine.launches.at(-1)?.jarPath;
    expect(stored).toBe(path.join(applicationsDir(playgroundDirs(plane.home)), 'clicks', 'code', `${sha256}.jar`));
    expect(readFileSync(stored as string)).toEqual(readFileSync(jar));

    plane.engine.failStarts = true;
    const failed = recordingIo();
    expect(await upgrade({ target, jar: fakeJar('v3'), set: [], restore: 'latest', wait }, failed)).toBe(1);
    expect(failed.errors.join('\n')).toMatch(
      /the upgrade of clicks to version 3 FAILED: UpdateApplication could not start version 3 from snapshot clicks-update-\S+: the job could not be submitted; clicks is RUNNING at version 3\. Bring back version 2 from snapshot clicks-update-\S+ with: playground rollback/,
    );
    const lastSnapshot = record()?.snapshots.at(-1);

    plane.engine.failStarts = false;
    const back = recordingIo();
    expect(await rollback({ target, wait }, back), back.text()).toBe(0);

    expect(back.lines.join('\n')).toMatch(/clicks is RUNNING at version 4, the configuration and code of version 2 \(rolled back from version 3\)/);
    expect(plane.engine.launches.at(-1)).toEqual({ savepointPath: lastSnapshot?.location, allowNonRestoredState: false, jarPath: stored });
    const listed = recordingIo();
    await versions({ target }, listed);
    expect(listed.lines[0]).toBe('clicks: 4 version(s), newest first');
    expect(listed.lines.slice(2).map((line) => line.trim().split(/\s+/).slice(0, 2))).toEqual([
      ['4', 'RUNNING'],
      ['3', 'RUNNING'],
      ['2', 'RUNNING'],
      ['1', 'RUNNING'],
    ]);
    expect(listed.lines[2]).toMatch(/rolled back to version 2; code md5 [0-9a-f]{32} \(was md5 [0-9a-f]{32}\)/);
    expect(listed.lines[4]).toMatch(/ {2}code md5 [0-9a-f]{32} \(was s3:\/\/local\/job\/target\/click-count-job\.jar\)$/);
  });

  it('refuses a rollback of the first version and of a READY application', async () => {
    const io = recordingIo();
    expect(await rollback({ target, wait }, io)).toBe(1);
    expect(io.errors.join('\n')).toContain('clicks is at version 1: there is no version before it to roll back to');
    await plane.client.send(new StopApplicationCommand({ ApplicationName: 'clicks' }));
    await plane.plane.service.idle();
    expect(await rollback({ target, wait }, io)).toBe(1);
    expect(io.errors.join('\n')).toContain('clicks is READY; MSF rolls back an application only while it is RUNNING, UPDATING or AUTOSCALING');
  });
});
