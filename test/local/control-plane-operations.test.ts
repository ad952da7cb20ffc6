import type {
  KinesisAnalyticsV2Client} from '@aws-sdk/client-kinesis-analytics-v2';
import {
  AddApplicationCloudWatchLoggingOptionCommand,
  AddApplicationVpcConfigurationCommand,
  ConcurrentModificationException,
  CreateApplicationCommand,
  CreateApplicationPresignedUrlCommand,
  CreateApplicationSnapshotCommand,
  DeleteApplicationCloudWatchLoggingOptionCommand,
  DeleteApplicationSnapshotCommand,
  DescribeApplicationCommand,
  DescribeApplicationOperationCommand,
  DescribeApplicationSnapshotCommand,
  DescribeApplicationVersionCommand,
  DiscoverInputSchemaCommand,
  InvalidArgumentException,
  InvalidRequestException,
  ListApplicationOperationsCommand,
  ListApplicationVersionsCommand,
  ListTagsForResourceCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  RollbackApplicationCommand,
  StartApplicationCommand,
  StopApplicationCommand,
  TagResourceCommand,
  TooManyTagsException,
  UnsupportedOperationException,
  UntagResourceCommand,
  UpdateApplicationCommand,
  UpdateApplicationMaintenanceConfigurationCommand,
  type ApplicationDetail,
  type ApplicationStatus,
  type CreateApplicationCommandInput,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ControlPlane } from '../../local/control-plane/server';
import { applicationsDir } from '../../local/control-plane/store';
import { playgroundDirs } from '../../local/paths';
import { startTestControlPlane, stopTestControlPlane, type FakeEngine } from './fake-flink-engine';

const ARN = 'arn:aws:kinesisanalytics:us-east-1:000000000000:application/clicks';

const createRequest: CreateApplicationCommandInput = {
  ApplicationName: 'clicks',
  RuntimeEnvironment: 'FLINK-2_2',
  ServiceExecutionRole: 'arn:aws:iam::000000000000:role/local',
  ApplicationConfiguration: {
    EnvironmentProperties: { PropertyGroups: [{ PropertyGroupId: 'ClickCountJob', PropertyMap: { streams: 'kafka' } }] },
  },
};

const rescale = (version: number, parallelism: number): UpdateApplicationCommand =>
  new UpdateApplicationCommand({
    ApplicationName: 'clicks',
    CurrentApplicationVersionId: version,
    ApplicationConfigurationUpdate: {
      FlinkApplicationConfigurationUpdate: {
        ParallelismConfigurationUpdate: { ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: parallelism, ParallelismPerKPUUpdate: 1 },
      },
    },
  });

describe('the local control plane: versions, rollback, operations, tags, logging options, dashboard URL', () => {
  let home: string;
  let engine: FakeEngine;
  let plane: ControlPlane;
  let client: KinesisAnalyticsV2Client;

  beforeEach(async () => {
    ({ home, engine, plane, client } = await startTestControlPlane('control-plane-ops-', { dashboardUrl: 'http://localhost:8081' }));
  });

  afterEach(() => stopTestControlPlane({ home, engine, plane, client }));

  const detail = async (): Promise<ApplicationDetail> =>
    (await client.send(new DescribeApplicationCommand({ ApplicationName: 'clicks' }))).ApplicationDetail as ApplicationDetail;
  const status = async (): Promise<ApplicationStatus | undefined> => (await detail()).ApplicationStatus;

  /** Lets the background work in flight complete, then holds the engine again. */
  async function settle(): Promise<void> {
    engine.release();
    await plane.service.idle();
    engine.hold();
  }

  async function running(request: CreateApplicationCommandInput = createRequest): Promise<void> {
    await client.send(new CreateApplicationCommand(request));
    await client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));
    await settle();
  }

  async function snapshot(name: string): Promise<void> {
    await client.send(new CreateApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: name }));
    await settle();
  }

  describe('versions', () => {
    it('records a version per update, keeps each configuration, and leaves start and stop at the same version', async () => {
      await client.send(new CreateApplicationCommand(createRequest));
      await client.send(
        new UpdateApplicationCommand({
          ApplicationName: 'clicks',
          CurrentApplicationVersionId: 1,
          ApplicationConfigurationUpdate: {
            EnvironmentPropertyUpdates: { PropertyGroups: [{ PropertyGroupId: 'ClickCountJob', PropertyMap: { streams: 'kinesis' } }] },
          },
        }),
      );
      await client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));
      await settle();
      await client.send(new StopApplicationCommand({ ApplicationName: 'clicks' }));
      await settle();

      const versions = await client.send(new ListApplicationVersionsCommand({ ApplicationName: 'clicks' }));
      expect(versions.ApplicationVersionSummaries).toEqual([
        { ApplicationVersionId: 2, ApplicationStatus: 'READY' },
        { ApplicationVersionId: 1, ApplicationStatus: 'READY' },
      ]);
      const first = (await client.send(new DescribeApplicationVersionCommand({ ApplicationName: 'clicks', ApplicationVersionId: 1 })))
        .ApplicationVersionDetail;
      expect(first?.ApplicationVersionId).toBe(1);
      expect(first?.ApplicationConfigurationDescription?.EnvironmentPropertyDescriptions?.PropertyGroupDescriptions?.[0].PropertyMap).toEqual({
        streams: 'kafka',
      });
      expect(first?.ConditionalToken).toBeUndefined();
      const second = (await client.send(new DescribeApplicationVersionCommand({ ApplicationName: 'clicks', ApplicationVersionId: 2 })))
        .ApplicationVersionDetail;
      expect(second?.ApplicationVersionUpdatedFrom).toBe(1);
      expect(second?.ConditionalToken).toBe((await detail()).ConditionalToken);
      expect(second?.ApplicationConfigurationDescription?.EnvironmentPropertyDescriptions?.PropertyGroupDescriptions?.[0].PropertyMap).toEqual({
        streams: 'kinesis',
      });
    });

    it('pages the versions and answers an unknown version or application with ResourceNotFoundException', async () => {
      await client.send(new CreateApplicationCommand(createRequest));
      await client.send(rescale(1, 2));
      await client.send(rescale(2, 3));

      const page = await client.send(new ListApplicationVersionsCommand({ ApplicationName: 'clicks', Limit: 2 }));
      const rest = await client.send(new ListApplicationVersionsCommand({ ApplicationName: 'clicks', Limit: 2, NextToken: page.NextToken }));

      expect(page.ApplicationVersionSummaries?.map((v) => v.ApplicationVersionId)).toEqual([3, 2]);
      expect(rest.ApplicationVersionSummaries?.map((v) => v.ApplicationVersionId)).toEqual([1]);
      expect(rest.NextToken).toBeUndefined();
      await expect(
        client.send(new DescribeApplicationVersionCommand({ ApplicationName: 'clicks', ApplicationVersionId: 9 })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(client.send(new ListApplicationVersionsCommand({ ApplicationName: 'nope' }))).rejects.toBeInstanceOf(
        ResourceNotFoundException,
      );
    });

    it('loads an application saved without history as one version, no operations and no tags', async () => {
      await client.send(new CreateApplicationCommand(createRequest));
      const file = path.join(applicationsDir(playgroundDirs(home)), 'clicks.json');
      const saved = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
      for (const key of ['versions', 'operations', 'tags', 'cloudWatchLoggingOptions']) delete saved[key];
      writeFileSync(file, JSON.stringify(saved));

      const versions = await client.send(new ListApplicationVersionsCommand({ ApplicationName: 'clicks' }));
      const operations = await client.send(new ListApplicationOperationsCommand({ ApplicationName: 'clicks' }));
      const tags = await client.send(new ListTagsForResourceCommand({ ResourceARN: ARN }));
      const updated = await client.send(rescale(1, 2));

      expect(versions.ApplicationVersionSummaries).toEqual([{ ApplicationVersionId: 1, ApplicationStatus: 'READY' }]);
      expect(operations.ApplicationOperationInfoList).toEqual([]);
      expect(tags.Tags).toEqual([]);
      expect(updated.ApplicationDetail?.ApplicationVersionId).toBe(2);
      const first = (await client.send(new DescribeApplicationVersionCommand({ ApplicationName: 'clicks', ApplicationVersionId: 1 })))
        .ApplicationVersionDetail;
      expect(first?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription?.Parallelism).toBe(1);
    });
  });

  describe('RollbackApplication', () => {
    it('runs the previous version again as a new version, from the newest snapshot, resized as an update is', async () => {
      await running();
      await client.send(rescale(1, 3));
      await settle();
      await snapshot('s1');

      const rolled = await client.send(new RollbackApplicationCommand({ ApplicationName: 'clicks', CurrentApplicationVersionId: 2 }));

      expect(rolled.OperationId).toBeTruthy();
      expect(rolled.ApplicationDetail).toMatchObject({
        ApplicationVersionId: 3,
        ApplicationStatus: 'UPDATING',
        ApplicationVersionUpdatedFrom: 2,
        ApplicationVersionRolledBackFrom: 2,
        ApplicationVersionRolledBackTo: 1,
      });
      await settle();
      expect(await status()).toBe('RUNNING');
      expect(engine.calls).toContain('cancel job-2');
      expect(engine.resizes.at(-1)).toEqual([1, 1]);
      const s1 = (await client.send(new DescribeApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's1' }))).SnapshotDetails;
      expect(s1?.SnapshotStatus).toBe('READY');
      expect(engine.launches.at(-1)?.savepointPath).toBe('file:///tmp/savepoints/savepoint-job-2-4');
      const parallelism = (await detail()).ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription
        ?.ParallelismConfigurationDescription;
      expect(parallelism).toMatchObject({ Parallelism: 1, CurrentParallelism: 1 });
      const operation = await client.send(new DescribeApplicationOperationCommand({ ApplicationName: 'clicks', OperationId: rolled.OperationId }));
      expect(operation.ApplicationOperationInfoDetails).toMatchObject({
        Operation: 'RollbackApplication',
        OperationStatus: 'SUCCESSFUL',
        ApplicationVersionChangeDetails: { ApplicationVersionUpdatedFrom: 2, ApplicationVersionUpdatedTo: 3 },
      });
      expect(operation.ApplicationOperationInfoDetails?.EndTime).toBeInstanceOf(Date);
    });

    it('overtakes an update stuck in UPDATING and cancels that update operation', async () => {
      await running();
      await snapshot('s1');
      const update = await client.send(rescale(1, 2));
      expect(await status()).toBe('UPDATING');

      await client.send(new RollbackApplicationCommand({ ApplicationName: 'clicks', CurrentApplicationVersionId: 2 }));
      await settle();

      expect(await status()).toBe('RUNNING');
      expect((await detail()).ApplicationVersionId).toBe(3);
      expect(engine.resizes.at(-1)).toEqual([1, 1]);
      const cancelled = await client.send(new DescribeApplicationOperationCommand({ ApplicationName: 'clicks', OperationId: update.OperationId }));
      expect(cancelled.ApplicationOperationInfoDetails?.OperationStatus).toBe('CANCELLED');
    });

    it('refuses a rollback without CurrentApplicationVersionId, with a stale one, in READY, with no previous version or no snapshot', async () => {
      await client.send(new CreateApplicationCommand(createRequest));
      await client.send(rescale(1, 2));

      await expect(client.send(new RollbackApplicationCommand({ ApplicationName: 'clicks', CurrentApplicationVersionId: undefined }))).rejects.toBeInstanceOf(
        InvalidArgumentException,
      );
      await expect(client.send(new RollbackApplicationCommand({ ApplicationName: 'clicks', CurrentApplicationVersionId: 1 }))).rejects.toBeInstanceOf(
        ConcurrentModificationException,
      );
      await expect(client.send(new RollbackApplicationCommand({ ApplicationName: 'clicks', CurrentApplicationVersionId: 2 }))).rejects.toBeInstanceOf(
        ResourceInUseException,
      );
      await expect(client.send(new RollbackApplicationCommand({ ApplicationName: 'nope', CurrentApplicationVersionId: 1 }))).rejects.toBeInstanceOf(
        ResourceNotFoundException,
      );
      await client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));
      await settle();
      await expect(client.send(new RollbackApplicationCommand({ ApplicationName: 'clicks', CurrentApplicationVersionId: 2 }))).rejects.toThrow(
        /no snapshot/,
      );
      await expect(client.send(new RollbackApplicationCommand({ ApplicationName: 'clicks', CurrentApplicationVersionId: 2 }))).rejects.toBeInstanceOf(
        InvalidRequestException,
      );
    });

    it('refuses to roll back the first version', async () => {
      await running();
      await snapshot('s1');

      const rollback = client.send(new RollbackApplicationCommand({ ApplicationName: 'clicks', CurrentApplicationVersionId: 1 }));

      await expect(rollback).rejects.toBeInstanceOf(InvalidRequestException);
      await expect(rollback).rejects.toThrow(/no version before version 1/);
    });

    it('moves to READY with a FAILED operation when the rolled-back job cannot start', async () => {
      await running();
      await client.send(rescale(1, 2));
      await settle();
      await snapshot('s1');
      engine.failStarts = true;

      const rolled = await client.send(new RollbackApplicationCommand({ ApplicationName: 'clicks', CurrentApplicationVersionId: 2 }));
      await settle();

      expect(await status()).toBe('READY');
      const operation = await client.send(new DescribeApplicationOperationCommand({ ApplicationName: 'clicks', OperationId: rolled.OperationId }));
      expect(operation.ApplicationOperationInfoDetails?.OperationStatus).toBe('FAILED');
      expect(operation.ApplicationOperationInfoDetails?.OperationFailureDetails?.ErrorInfo?.ErrorString).toBe('the job could not be submitted');
    });
  });

  describe('operations', () => {
    it('records start, update, snapshots and stop with their status and times, newest first, and filters them', async () => {
      await running();
      await client.send(rescale(1, 2));
      await settle();
      await snapshot('s1');
      const s1 = (await client.send(new DescribeApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's1' }))).SnapshotDetails;
      await client.send(
        new DeleteApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 's1', SnapshotCreationTimestamp: s1?.SnapshotCreationTimestamp }),
      );
      await client.send(new StopApplicationCommand({ ApplicationName: 'clicks' }));
      const stopping = await client.send(new ListApplicationOperationsCommand({ ApplicationName: 'clicks', OperationStatus: 'IN_PROGRESS' }));
      await settle();

      expect(stopping.ApplicationOperationInfoList?.map((o) => o.Operation)).toEqual(['StopApplication']);
      expect(stopping.ApplicationOperationInfoList?.[0].EndTime).toBeUndefined();
      const listed = await client.send(new ListApplicationOperationsCommand({ ApplicationName: 'clicks' }));
      expect(listed.ApplicationOperationInfoList?.map((o) => [o.Operation, o.OperationStatus])).toEqual([
        ['StopApplication', 'SUCCESSFUL'],
        ['DeleteApplicationSnapshot', 'SUCCESSFUL'],
        ['CreateApplicationSnapshot', 'SUCCESSFUL'],
        ['UpdateApplication', 'SUCCESSFUL'],
        ['StartApplication', 'SUCCESSFUL'],
      ]);
      for (const operation of listed.ApplicationOperationInfoList ?? []) {
        expect(operation.StartTime).toBeInstanceOf(Date);
        expect(operation.EndTime!.getTime()).toBeGreaterThanOrEqual(operation.StartTime!.getTime());
      }
      const updates = await client.send(new ListApplicationOperationsCommand({ ApplicationName: 'clicks', Operation: 'UpdateApplication' }));
      expect(updates.ApplicationOperationInfoList).toHaveLength(1);
      const update = await client.send(
        new DescribeApplicationOperationCommand({ ApplicationName: 'clicks', OperationId: updates.ApplicationOperationInfoList?.[0].OperationId }),
      );
      expect(update.ApplicationOperationInfoDetails?.ApplicationVersionChangeDetails).toEqual({
        ApplicationVersionUpdatedFrom: 1,
        ApplicationVersionUpdatedTo: 2,
      });
    });

    it('marks a failed snapshot FAILED with its error and a start overtaken by a forced stop CANCELLED', async () => {
      await running();
      engine.failSavepoints = true;
      await snapshot('broken');
      await client.send(new StopApplicationCommand({ ApplicationName: 'clicks', Force: true }));
      await settle();
      const start = await client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));

      await client.send(new StopApplicationCommand({ ApplicationName: 'clicks', Force: true }));
      await settle();

      const failed = await client.send(new ListApplicationOperationsCommand({ ApplicationName: 'clicks', OperationStatus: 'FAILED' }));
      expect(failed.ApplicationOperationInfoList?.map((o) => o.Operation)).toEqual(['CreateApplicationSnapshot']);
      const snapshotOperation = await client.send(
        new DescribeApplicationOperationCommand({ ApplicationName: 'clicks', OperationId: failed.ApplicationOperationInfoList?.[0].OperationId }),
      );
      expect(snapshotOperation.ApplicationOperationInfoDetails?.OperationFailureDetails?.ErrorInfo?.ErrorString).toBe(
        'checkpoint coordinator is shut down',
      );
      const cancelled = await client.send(new DescribeApplicationOperationCommand({ ApplicationName: 'clicks', OperationId: start.OperationId }));
      expect(cancelled.ApplicationOperationInfoDetails?.OperationStatus).toBe('CANCELLED');
      expect(await status()).toBe('READY');
    });

    it('answers an unknown operation id with ResourceNotFoundException and an unknown status filter with InvalidArgumentException', async () => {
      await client.send(new CreateApplicationCommand(createRequest));

      await expect(
        client.send(new DescribeApplicationOperationCommand({ ApplicationName: 'clicks', OperationId: 'nope' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(
        client.send(new ListApplicationOperationsCommand({ ApplicationName: 'clicks', OperationStatus: 'DONE' as 'FAILED' })),
      ).rejects.toBeInstanceOf(InvalidArgumentException);
    });
  });

  describe('CreateApplicationPresignedUrl', () => {
    it('answers the local Flink Web UI while the application runs', async () => {
      await client.send(new CreateApplicationCommand(createRequest));
      const url = new CreateApplicationPresignedUrlCommand({ ApplicationName: 'clicks', UrlType: 'FLINK_DASHBOARD_URL' });
      await expect(client.send(url)).rejects.toBeInstanceOf(ResourceInUseException);
      await client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));
      await settle();

      const answer = await client.send(url);

      expect(answer.AuthorizedUrl).toBe('http://localhost:8081/#/overview');
      await expect(
        client.send(new CreateApplicationPresignedUrlCommand({ ApplicationName: 'clicks', UrlType: 'ZEPPELIN_UI_URL' })),
      ).rejects.toBeInstanceOf(InvalidArgumentException);
      await expect(
        client.send(
          new CreateApplicationPresignedUrlCommand({ ApplicationName: 'clicks', UrlType: 'FLINK_DASHBOARD_URL', SessionExpirationDurationInSeconds: 60 }),
        ),
      ).rejects.toBeInstanceOf(InvalidArgumentException);
      await expect(
        client.send(new CreateApplicationPresignedUrlCommand({ ApplicationName: 'nope', UrlType: 'FLINK_DASHBOARD_URL' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    });
  });

  describe('tags', () => {
    it('keeps CreateApplication tags, replaces values of a key tagged again and removes untagged keys', async () => {
      await client.send(new CreateApplicationCommand({ ...createRequest, Tags: [{ Key: 'team', Value: 'streams' }, { Key: 'env' }] }));

      await client.send(new TagResourceCommand({ ResourceARN: ARN, Tags: [{ Key: 'team', Value: 'data' }, { Key: 'cost', Value: 'lab' }] }));
      await client.send(new UntagResourceCommand({ ResourceARN: ARN, TagKeys: ['env', 'absent'] }));

      const tags = await client.send(new ListTagsForResourceCommand({ ResourceARN: ARN }));
      expect(tags.Tags).toEqual([
        { Key: 'team', Value: 'data' },
        { Key: 'cost', Value: 'lab' },
      ]);
      expect((await detail()).ApplicationVersionId).toBe(1);
    });

    it('enforces MSF tag limits and answers unknown ARNs with ResourceNotFoundException', async () => {
      await client.send(new CreateApplicationCommand(createRequest));
      const many = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: 'v' }));

      await expect(client.send(new TagResourceCommand({ ResourceARN: ARN, Tags: many }))).rejects.toBeInstanceOf(TooManyTagsException);
      await client.send(new TagResourceCommand({ ResourceARN: ARN, Tags: many.slice(0, 50) }));
      await expect(client.send(new TagResourceCommand({ ResourceARN: ARN, Tags: [{ Key: 'one-more' }] }))).rejects.toBeInstanceOf(
        TooManyTagsException,
      );
      await expect(
        client.send(new CreateApplicationCommand({ ...createRequest, ApplicationName: 'other', Tags: many })),
      ).rejects.toBeInstanceOf(TooManyTagsException);
      await expect(client.send(new TagResourceCommand({ ResourceARN: ARN, Tags: [{ Key: 'x'.repeat(129) }] }))).rejects.toBeInstanceOf(
        InvalidArgumentException,
      );
      await expect(client.send(new TagResourceCommand({ ResourceARN: ARN, Tags: [{ Key: 'k', Value: 'v'.repeat(257) }] }))).rejects.toBeInstanceOf(
        InvalidArgumentException,
      );
      await expect(client.send(new TagResourceCommand({ ResourceARN: ARN, Tags: [{ Key: 'aws:owner' }] }))).rejects.toBeInstanceOf(
        InvalidArgumentException,
      );
      await expect(client.send(new ListTagsForResourceCommand({ ResourceARN: `${ARN}-gone` }))).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(
        client.send(new ListTagsForResourceCommand({ ResourceARN: 'arn:aws:kinesisanalytics:eu-west-1:111111111111:application/clicks' })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
      await expect(client.send(new UntagResourceCommand({ ResourceARN: 'clicks', TagKeys: ['k0'] }))).rejects.toBeInstanceOf(
        InvalidArgumentException,
      );
      expect((await client.send(new ListTagsForResourceCommand({ ResourceARN: ARN }))).Tags).toHaveLength(50);
    });
  });

  it('describes the job plan only with IncludeAdditionalDetails', async () => {
    await running();

    const plain = await client.send(new DescribeApplicationCommand({ ApplicationName: 'clicks' }));
    const verbose = await client.send(new DescribeApplicationCommand({ ApplicationName: 'clicks', IncludeAdditionalDetails: true }));

    expect(plain.ApplicationDetail?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.JobPlanDescription).toBeUndefined();
    expect(verbose.ApplicationDetail?.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.JobPlanDescription).toBe(
      'local Flink job job-1',
    );
    expect({ ...verbose.ApplicationDetail, ApplicationConfigurationDescription: undefined }).toEqual({
      ...plain.ApplicationDetail,
      ApplicationConfigurationDescription: undefined,
    });
  });

  describe('CloudWatch logging options', () => {
    const stream = 'arn:aws:logs:us-east-1:000000000000:log-group:flink:log-stream:clicks';

    it('adds and deletes logging options as new versions, shown by DescribeApplication', async () => {
      const created = await client.send(
        new CreateApplicationCommand({ ...createRequest, CloudWatchLoggingOptions: [{ LogStreamARN: `${stream}-create` }] }),
      );
      expect(created.ApplicationDetail?.CloudWatchLoggingOptionDescriptions).toEqual([
        { CloudWatchLoggingOptionId: '1.1', LogStreamARN: `${stream}-create` },
      ]);

      const added = await client.send(
        new AddApplicationCloudWatchLoggingOptionCommand({
          ApplicationName: 'clicks',
          CurrentApplicationVersionId: 1,
          CloudWatchLoggingOption: { LogStreamARN: stream },
        }),
      );

      expect(added).toMatchObject({ ApplicationARN: ARN, ApplicationVersionId: 2 });
      expect(added.OperationId).toBeTruthy();
      expect(added.CloudWatchLoggingOptionDescriptions?.map((o) => o.LogStreamARN)).toEqual([`${stream}-create`, stream]);
      expect((await detail()).CloudWatchLoggingOptionDescriptions).toEqual(added.CloudWatchLoggingOptionDescriptions);
      const deleted = await client.send(
        new DeleteApplicationCloudWatchLoggingOptionCommand({
          ApplicationName: 'clicks',
          ConditionalToken: (await detail()).ConditionalToken,
          CloudWatchLoggingOptionId: '1.1',
        }),
      );
      expect(deleted.ApplicationVersionId).toBe(3);
      expect(deleted.CloudWatchLoggingOptionDescriptions).toEqual([{ CloudWatchLoggingOptionId: '2.1', LogStreamARN: stream }]);
      const operation = await client.send(new DescribeApplicationOperationCommand({ ApplicationName: 'clicks', OperationId: deleted.OperationId }));
      expect(operation.ApplicationOperationInfoDetails).toMatchObject({
        Operation: 'DeleteApplicationCloudWatchLoggingOption',
        OperationStatus: 'SUCCESSFUL',
        ApplicationVersionChangeDetails: { ApplicationVersionUpdatedFrom: 2, ApplicationVersionUpdatedTo: 3 },
      });
      const first = (await client.send(new DescribeApplicationVersionCommand({ ApplicationName: 'clicks', ApplicationVersionId: 2 })))
        .ApplicationVersionDetail;
      expect(first?.CloudWatchLoggingOptionDescriptions).toHaveLength(2);
    });

    it('refuses stale versions, missing conditions, duplicates, unknown ids and transitions', async () => {
      await client.send(new CreateApplicationCommand(createRequest));
      const add = (input: Partial<ConstructorParameters<typeof AddApplicationCloudWatchLoggingOptionCommand>[0]>): Promise<unknown> =>
        client.send(new AddApplicationCloudWatchLoggingOptionCommand({ ApplicationName: 'clicks', CloudWatchLoggingOption: { LogStreamARN: stream }, ...input }));

      await expect(add({})).rejects.toBeInstanceOf(InvalidArgumentException);
      await expect(add({ CurrentApplicationVersionId: 7 })).rejects.toBeInstanceOf(ConcurrentModificationException);
      await expect(add({ ConditionalToken: 'stale' })).rejects.toBeInstanceOf(ConcurrentModificationException);
      await expect(add({ CurrentApplicationVersionId: 1, CloudWatchLoggingOption: { LogStreamARN: 'not-an-arn' } })).rejects.toBeInstanceOf(
        InvalidArgumentException,
      );
      await add({ CurrentApplicationVersionId: 1 });
      await expect(add({ CurrentApplicationVersionId: 2 })).rejects.toBeInstanceOf(InvalidArgumentException);
      await expect(
        client.send(
          new DeleteApplicationCloudWatchLoggingOptionCommand({ ApplicationName: 'clicks', CurrentApplicationVersionId: 2, CloudWatchLoggingOptionId: '9.9' }),
        ),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
      await client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));
      await expect(add({ CurrentApplicationVersionId: 2, CloudWatchLoggingOption: { LogStreamARN: `${stream}-2` } })).rejects.toBeInstanceOf(
        ResourceInUseException,
      );
      await expect(add({ ApplicationName: 'nope', CurrentApplicationVersionId: 1 })).rejects.toBeInstanceOf(ResourceNotFoundException);
    });
  });

  describe('operations without a local meaning', () => {
    it('answers them with UnsupportedOperationException once the application is known', async () => {
      await client.send(new CreateApplicationCommand(createRequest));
      const vpc = { CurrentApplicationVersionId: 1, VpcConfiguration: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-1'] } };

      await expect(client.send(new AddApplicationVpcConfigurationCommand({ ApplicationName: 'clicks', ...vpc }))).rejects.toBeInstanceOf(
        UnsupportedOperationException,
      );
      await expect(client.send(new AddApplicationVpcConfigurationCommand({ ApplicationName: 'nope', ...vpc }))).rejects.toBeInstanceOf(
        ResourceNotFoundException,
      );
      await expect(
        client.send(
          new UpdateApplicationMaintenanceConfigurationCommand({
            ApplicationName: 'clicks',
            ApplicationMaintenanceConfigurationUpdate: { ApplicationMaintenanceWindowStartTimeUpdate: '03:00' },
          }),
        ),
      ).rejects.toThrow(/no maintenance windows/);
      await expect(client.send(new DiscoverInputSchemaCommand({ ServiceExecutionRole: 'arn:aws:iam::000000000000:role/local' }))).rejects.toBeInstanceOf(
        UnsupportedOperationException,
      );
      expect((await detail()).ApplicationVersionId).toBe(1);
    });

    it('answers an X-Amz-Target that names no operation with UnknownOperationException and HTTP 400', async () => {
      for (const target of ['KinesisAnalytics_20180523.LaunchRocket', 'KinesisAnalytics_20180523.toString', 'Kinesis_20131202.ListStreams']) {
        const response = await fetch(plane.endpoint, {
          method: 'POST',
          headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
          body: '{}',
        });

        expect(response.status).toBe(400);
        expect(((await response.json()) as { __type: string }).__type).toBe('UnknownOperationException');
      }
    });
  });
});
