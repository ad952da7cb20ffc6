import {
  CreateApplicationCommand,
  CreateApplicationSnapshotCommand,
  DeleteApplicationCommand,
  DescribeApplicationCommand,
  DescribeApplicationVersionCommand,
  InvalidArgumentException,
  ResourceInUseException,
  StartApplicationCommand,
  StopApplicationCommand,
  UpdateApplicationCommand,
  type ApplicationDetail,
  type CodeContentUpdate,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applicationsDir } from '../../local/control-plane/store';
import { playgroundDirs } from '../../local/paths';
import { startTestControlPlane, stopTestControlPlane, type TestControlPlane } from './fake-flink-engine';

const S3_CODE = { BucketARN: 'arn:aws:s3:::local', FileKey: 'job/target/click-count-job.jar' };

describe('the local control plane: the code of each version', () => {
  let plane: TestControlPlane;

  beforeEach(async () => {
    plane = await startTestControlPlane('control-plane-code-');
    await plane.client.send(
      new CreateApplicationCommand({
        ApplicationName: 'clicks',
        RuntimeEnvironment: 'FLINK-2_2',
        ServiceExecutionRole: 'arn:aws:iam::000000000000:role/local',
        ApplicationConfiguration: { ApplicationCodeConfiguration: { CodeContentType: 'ZIPFILE', CodeContent: { S3ContentLocation: S3_CODE } } },
      }),
    );
  });

  afterEach(() => stopTestControlPlane(plane));

  const describeApp = async (): Promise<ApplicationDetail> =>
    (await plane.client.send(new DescribeApplicationCommand({ ApplicationName: 'clicks' }))).ApplicationDetail as ApplicationDetail;
  const code = (detail: ApplicationDetail | undefined): unknown => detail?.ApplicationConfigurationDescription?.ApplicationCodeConfigurationDescription?.CodeContentDescription;
  const updateCode = async (version: number, update: CodeContentUpdate): Promise<ApplicationDetail> =>
    (
      await plane.client.send(
        new UpdateApplicationCommand({
          ApplicationName: 'clicks',
          CurrentApplicationVersionId: version,
          ApplicationConfigurationUpdate: { ApplicationCodeConfigurationUpdate: { CodeContentUpdate: update } },
        }),
      )
    ).ApplicationDetail as ApplicationDetail;
  const codeFolder = (): string => path.join(applicationsDir(playgroundDirs(plane.home)), 'clicks', 'code');

  it('keeps a ZipFileContentUpdate jar per version, describes it as CodeMD5 and CodeSize, and each version its own code', async () => {
    const jar = Buffer.from('PK\u0003\u0004 the second jar');

    const updated = await updateCode(1, { ZipFileContentUpdate: new Uint8Array(jar) });

    const md5 = createHash('md5').update(jar).digest('hex');
    const sha256 = createHash('sha256').update(jar).digest('hex');
    expect(code(updated)).toEqual({ CodeMD5: md5, CodeSize: jar.length });
    expect(readFileSync(path.join(codeFolder(), `${sha256}.jar`))).toEqual(jar);
    const v1 = await plane.client.send(new DescribeApplicationVersionCommand({ ApplicationName: 'clicks', ApplicationVersionId: 1 }));
    expect(code(v1.ApplicationVersionDetail)).toEqual({ S3ApplicationCodeLocationDescription: S3_CODE });

    await expect(updateCode(2, { S3ContentLocationUpdate: { FileKeyUpdate: 'other.jar' } })).rejects.toThrow(/needs BucketARNUpdate and FileKeyUpdate/);
    const back = await updateCode(2, { S3ContentLocationUpdate: { BucketARNUpdate: S3_CODE.BucketARN, FileKeyUpdate: 'other.jar' } });
    const again = await updateCode(3, { S3ContentLocationUpdate: { FileKeyUpdate: 'third.jar' } });

    expect(code(back)).toEqual({ S3ApplicationCodeLocationDescription: { ...S3_CODE, FileKey: 'other.jar' } });
    expect(code(again)).toEqual({ S3ApplicationCodeLocationDescription: { ...S3_CODE, FileKey: 'third.jar' } });
    const v2 = await plane.client.send(new DescribeApplicationVersionCommand({ ApplicationName: 'clicks', ApplicationVersionId: 2 }));
    expect(code(v2.ApplicationVersionDetail)).toEqual({ CodeMD5: md5, CodeSize: jar.length });
  });

  it('runs the version’s jar, and the stack’s job jar for an S3 location', async () => {
    plane.engine.release();
    await plane.client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));
    await plane.plane.service.idle();
    expect(plane.engine.launches.at(-1)?.jarPath).toBeUndefined();

    await updateCode(1, { ZipFileContentUpdate: new Uint8Array(Buffer.from('PK\u0003\u0004 v2')) });
    await plane.plane.service.idle();

    const jarPath = plane.engine.launches.at(-1)?.jarPath ?? '';
    expect(path.dirname(jarPath)).toBe(codeFolder());
    expect(path.basename(jarPath)).toMatch(/^[0-9a-f]{64}\.jar$/);
    expect((await describeApp()).ApplicationStatus).toBe('RUNNING');
  });

  it('refuses TextContent, a jar and an S3 location at once, and content that is not base64', async () => {
    await expect(updateCode(1, { TextContentUpdate: 'SELECT 1' })).rejects.toBeInstanceOf(InvalidArgumentException);
    await expect(
      updateCode(1, { ZipFileContentUpdate: new Uint8Array([0x50, 0x4b]), S3ContentLocationUpdate: { FileKeyUpdate: 'x.jar' } }),
    ).rejects.toThrow(/either ZipFileContent or an S3 content location/);
    await expect(
      plane.client.send(
        new CreateApplicationCommand({
          ApplicationName: 'other',
          RuntimeEnvironment: 'FLINK-2_2',
          ServiceExecutionRole: 'arn:aws:iam::000000000000:role/local',
          ApplicationConfiguration: { ApplicationCodeConfiguration: { CodeContentType: 'ZIPFILE', CodeContent: { ZipFileContent: new Uint8Array() } } },
        }),
      ),
    ).rejects.toThrow(/ZipFileContent is empty/);
    expect((await describeApp()).ApplicationVersionId).toBe(1);
  });

  it('leaves a RUNNING application without a job when the new version does not start: no snapshot, a stop without one, and the jars go with DeleteApplication', async () => {
    plane.engine.release();
    await plane.client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));
    await plane.plane.service.idle();
    plane.engine.failStarts = true;

    await updateCode(1, { ZipFileContentUpdate: new Uint8Array(Buffer.from('PK\u0003\u0004 broken')) });
    await plane.plane.service.idle();

    const detail = await describeApp();
    expect(detail).toMatchObject({ ApplicationStatus: 'RUNNING', ApplicationVersionId: 2 });
    await expect(plane.client.send(new CreateApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's1' }))).rejects.toBeInstanceOf(
      ResourceInUseException,
    );
    const calls = plane.engine.calls.length;
    await plane.client.send(new StopApplicationCommand({ ApplicationName: 'clicks' }));
    await plane.plane.service.idle();
    expect((await describeApp()).ApplicationStatus).toBe('READY');
    expect(plane.engine.calls.slice(calls)).toEqual([]);

    await plane.client.send(new DeleteApplicationCommand({ ApplicationName: 'clicks', CreateTimestamp: detail.CreateTimestamp }));
    await plane.plane.service.idle();
    expect(existsSync(path.dirname(codeFolder()))).toBe(false);
  });
});
