import {
  DescribeApplicationCommand,
  DescribeApplicationOperationCommand,
  KinesisAnalyticsV2Client,
  ListApplicationSnapshotsCommand,
  UpdateApplicationCommand,
  type ApplicationDetail,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseSetting, upgrade } from '../../cli/commands/upgrade';
import { APP, awsTarget, detail, recordingIo } from './support';

let scratch: string;

beforeAll(() => {
  scratch = mkdtempSync(path.join(tmpdir(), 'pg-upgrade-aws-'));
});

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function fakeJar(label: string): string {
  const file = path.join(scratch, `${label}.jar`);
  writeFileSync(file, Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.from(`jar ${label}`)]));
  return file;
}

describe('playground upgrade --target aws', () => {
  const msf = mockClient(KinesisAnalyticsV2Client);
  const s3 = mockClient(S3Client);
  const codeLocation = { BucketARN: 'arn:aws:s3:::cdk-assets-bucket', FileKey: 'asset-hash.jar' };
  const withCode = (d: ApplicationDetail): ApplicationDetail => ({
    ...d,
    ApplicationConfigurationDescription: {
      ...d.ApplicationConfigurationDescription,
      ApplicationCodeConfigurationDescription: { CodeContentType: 'ZIPFILE', CodeContentDescription: { S3ApplicationCodeLocationDescription: codeLocation } },
      EnvironmentPropertyDescriptions: { PropertyGroupDescriptions: [{ PropertyGroupId: 'ClickCountJob', PropertyMap: { backpressure: 'false' } }] },
    },
  });

  afterEach(() => {
    msf.reset();
    s3.reset();
  });

  it('uploads the jar under playground-upgrades/<sha256>.jar in the code bucket and points UpdateApplication at it', async () => {
    const jar = fakeJar('aws');
    const sha256 = createHash('sha256').update(readFileSync(jar)).digest('hex');
    msf
      .on(DescribeApplicationCommand)
      .resolvesOnce({ ApplicationDetail: withCode(detail('RUNNING', { version: 3 })) })
      .resolves({ ApplicationDetail: withCode(detail('RUNNING', { version: 4 })) });
    msf.on(UpdateApplicationCommand).resolves({ ApplicationDetail: detail('UPDATING', { version: 4 }), OperationId: 'op-1' });
    msf.on(DescribeApplicationOperationCommand).resolves({ ApplicationOperationInfoDetails: { Operation: 'UpdateApplication', OperationStatus: 'SUCCESSFUL', StartTime: new Date(), EndTime: new Date() } });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    s3.on(PutObjectCommand).resolves({});
    const io = recordingIo();

    const code = await upgrade(
      { target: awsTarget, jar, set: [parseSetting('ClickCountJob.backpressure=true')], restore: 'latest', wait: { intervalMs: 1 }, s3: new S3Client({ region: 'eu-west-1' }) },
      io,
    );

    expect(code, io.text()).toBe(0);
    const put = s3.commandCalls(PutObjectCommand)[0].args[0].input;
    expect(put).toMatchObject({ Bucket: 'cdk-assets-bucket', Key: `playground-upgrades/${sha256}.jar` });
    const update = msf.commandCalls(UpdateApplicationCommand)[0].args[0].input;
    expect(update).toMatchObject({
      ApplicationName: APP,
      ConditionalToken: 'token-3',
      ApplicationConfigurationUpdate: {
        ApplicationCodeConfigurationUpdate: {
          CodeContentTypeUpdate: 'ZIPFILE',
          CodeContentUpdate: { S3ContentLocationUpdate: { BucketARNUpdate: codeLocation.BucketARN, FileKeyUpdate: `playground-upgrades/${sha256}.jar` } },
        },
        EnvironmentPropertyUpdates: { PropertyGroups: [{ PropertyGroupId: 'ClickCountJob', PropertyMap: { backpressure: 'true' } }] },
      },
      RunConfigurationUpdate: {
        ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' },
        FlinkRunConfiguration: { AllowNonRestoredState: false },
      },
    });
    expect(io.lines.join('\n')).toContain(`uploaded ${jar} (${readFileSync(jar).length} bytes) to s3://cdk-assets-bucket/playground-upgrades/${sha256}.jar`);
    expect(io.lines.join('\n')).toMatch(/is RUNNING at version 4 \(was 3\)/);
  });

  it('reports MSF’s failure message of the update operation and points at rollback (exit 1)', async () => {
    msf.on(DescribeApplicationCommand).resolves({ ApplicationDetail: withCode(detail('RUNNING', { version: 3 })) });
    msf.on(UpdateApplicationCommand).resolves({ ApplicationDetail: detail('UPDATING', { version: 4 }), OperationId: 'op-2' });
    msf.on(DescribeApplicationOperationCommand).resolves({
      ApplicationOperationInfoDetails: { Operation: 'UpdateApplication', OperationStatus: 'FAILED', StartTime: new Date(), EndTime: new Date(), OperationFailureDetails: { ErrorInfo: { ErrorString: 'Cannot map checkpoint/savepoint state' } } },
    });
    msf.on(ListApplicationSnapshotsCommand).resolves({ SnapshotSummaries: [] });
    const io = recordingIo();

    expect(await upgrade({ target: awsTarget, set: [parseSetting('ClickCountJob.backpressure=true')], restore: 'none', wait: { intervalMs: 1 } }, io)).toBe(1);

    expect(io.errors.join('\n')).toContain('FAILED: Cannot map checkpoint/savepoint state');
    expect(io.errors.join('\n')).toContain('Bring back version 3 with: playground rollback');
    expect(s3.commandCalls(PutObjectCommand)).toHaveLength(0);
    expect(msf.commandCalls(UpdateApplicationCommand)[0].args[0].input.RunConfigurationUpdate?.ApplicationRestoreConfiguration).toEqual({
      ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT',
    });
  });
});
