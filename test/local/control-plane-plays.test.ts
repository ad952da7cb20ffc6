import {
  CreateApplicationCommand,
  CreateApplicationSnapshotCommand,
  DescribeApplicationCommand,
  ResourceInUseException,
  StartApplicationCommand,
  StopApplicationCommand,
  UpdateApplicationCommand,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describePlay } from '../../local/control-plane/server';
import { startTestControlPlane, stopTestControlPlane, type TestControlPlane } from './fake-flink-engine';

/** The stack's event log learns of every play from the control plane (local/stack.ts writes them). */
describe('the plays the control plane reports', () => {
  let test: TestControlPlane;
  const plays: string[] = [];

  beforeEach(async () => {
    plays.length = 0;
    test = await startTestControlPlane('control-plane-plays-', { onPlay: (application, message) => plays.push(`${application}: ${message}`) });
  });

  afterEach(() => stopTestControlPlane(test));

  async function settle(): Promise<void> {
    test.engine.release();
    await test.plane.service.idle();
    test.engine.hold();
  }

  it('reports start, snapshot, scale and stop once each, as they were asked, and no read or refused request', async () => {
    const { client } = test;
    await client.send(
      new CreateApplicationCommand({ ApplicationName: 'clicks', RuntimeEnvironment: 'FLINK-2_2', ServiceExecutionRole: 'arn:aws:iam::000000000000:role/local' }),
    );
    await client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }));
    await settle();
    await expect(client.send(new StartApplicationCommand({ ApplicationName: 'clicks' }))).rejects.toThrow(ResourceInUseException);
    await client.send(new DescribeApplicationCommand({ ApplicationName: 'clicks' }));
    await client.send(new CreateApplicationSnapshotCommand({ ApplicationName: 'clicks', SnapshotName: 'before-scale' }));
    await settle();
    await client.send(
      new UpdateApplicationCommand({
        ApplicationName: 'clicks',
        CurrentApplicationVersionId: 1,
        ApplicationConfigurationUpdate: {
          FlinkApplicationConfigurationUpdate: { ParallelismConfigurationUpdate: { ConfigurationTypeUpdate: 'CUSTOM', ParallelismUpdate: 2 } },
        },
      }),
    );
    await settle();
    await client.send(new StopApplicationCommand({ ApplicationName: 'clicks', Force: true }));
    await settle();

    expect(plays).toEqual([
      'clicks: start from the latest snapshot',
      'clicks: snapshot before-scale',
      'clicks: scale to parallelism 2',
      'clicks: stop at once (forced, no snapshot)',
    ]);
  });

  it.each([
    ['StartApplication', { RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_CUSTOM_SNAPSHOT', SnapshotName: 's1' } } }, 'start from snapshot s1'],
    ['StartApplication', { RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'SKIP_RESTORE_FROM_SNAPSHOT' } } }, 'start without restoring a snapshot'],
    ['StopApplication', {}, 'stop with a snapshot'],
    ['UpdateApplication', { ApplicationConfigurationUpdate: { ApplicationCodeConfigurationUpdate: { CodeContentTypeUpdate: 'ZIPFILE' } } }, 'upgrade the code'],
    ['UpdateApplication', { ApplicationConfigurationUpdate: { EnvironmentPropertyUpdates: {} } }, 'update the configuration'],
    ['RollbackApplication', {}, 'roll back to the previous version'],
    ['DeleteApplicationSnapshot', { SnapshotName: 'old' }, 'delete snapshot old'],
    ['ListApplications', {}, undefined],
  ])('describes %s %j as %s', (operation, request, expected) => {
    expect(describePlay(operation, request)).toBe(expected);
  });
});
