import { describe, expect, it } from 'vitest';
import { ApiError, type ApiErrorType } from '../../local/control-plane/errors';
import { defaultCheckpoint, defaultParallelism, type CheckpointSettings, type ParallelismSettings } from '../../local/control-plane/model';
import {
  applicationName,
  checkpointFrom,
  optionalBoolean,
  optionalNumber,
  optionalObject,
  optionalString,
  pageRequest,
  parallelismFrom,
  propertyGroupsFrom,
  requiredTimestamp,
  restoreTypeFrom,
  snapshotName,
} from '../../local/control-plane/requests';

const custom: CheckpointSettings = { configurationType: 'CUSTOM', checkpointingEnabled: false, checkpointIntervalMs: 10_000, minPauseBetweenCheckpointsMs: 1_000 };
const scaled: ParallelismSettings = { configurationType: 'CUSTOM', parallelism: 4, parallelismPerKPU: 2, autoScalingEnabled: false };

/** The error `read` throws (it must throw). */
function thrown(read: () => unknown): unknown {
  try {
    read();
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to be refused');
}

describe('control plane requests', () => {
  const refusals: [string, () => unknown, ApiErrorType, string][] = [
    ['a missing ApplicationName', () => applicationName({}), 'InvalidArgumentException', 'ApplicationName is required'],
    ['an empty ApplicationName', () => applicationName({ ApplicationName: '' }), 'InvalidArgumentException', 'ApplicationName is required'],
    [
      'an ApplicationName with a space',
      () => applicationName({ ApplicationName: 'click count' }),
      'InvalidArgumentException',
      "ApplicationName must be 1-128 characters of [a-zA-Z0-9_.-], got 'click count'",
    ],
    [
      'a SnapshotName with a slash',
      () => snapshotName({ SnapshotName: 'a/b' }),
      'InvalidArgumentException',
      "SnapshotName must be 1-256 characters of [a-zA-Z0-9_.-], got 'a/b'",
    ],
    ['a number where a string belongs', () => optionalString({ Description: 3 }, 'Description'), 'InvalidArgumentException', 'Description must be a string'],
    ['a string where a number belongs', () => optionalNumber({ Limit: '5' }, 'Limit'), 'InvalidArgumentException', 'Limit must be a number'],
    ['an infinite number', () => optionalNumber({ Limit: Infinity }, 'Limit'), 'InvalidArgumentException', 'Limit must be a number'],
    ['a string where a boolean belongs', () => optionalBoolean({ Force: 'true' }, 'Force'), 'InvalidArgumentException', 'Force must be a boolean'],
    ['a list where an object belongs', () => optionalObject({ RunConfiguration: [] }, 'RunConfiguration'), 'InvalidArgumentException', 'RunConfiguration must be an object'],
    ['a missing timestamp', () => requiredTimestamp({ CreateTimestamp: '2026-01-01' }, 'CreateTimestamp'), 'InvalidArgumentException', 'CreateTimestamp is required'],
    [
      'an unknown restore type',
      () => restoreTypeFrom({ ApplicationRestoreType: 'RESTORE_FROM_YESTERDAY' }, 'RESTORE_FROM_LATEST_SNAPSHOT'),
      'InvalidArgumentException',
      'ApplicationRestoreType must be one of SKIP_RESTORE_FROM_SNAPSHOT, RESTORE_FROM_LATEST_SNAPSHOT, RESTORE_FROM_CUSTOM_SNAPSHOT, got RESTORE_FROM_YESTERDAY',
    ],
    ['property groups that are not a list', () => propertyGroupsFrom({ PropertyGroups: {} }, 'PropertyGroups'), 'InvalidArgumentException', 'PropertyGroups must be a list'],
    ['a property group without an id', () => propertyGroupsFrom({ PropertyGroups: [{ PropertyMap: {} }] }, 'PropertyGroups'), 'InvalidArgumentException', 'PropertyGroupId is required'],
    [
      'a property group listed twice',
      () => propertyGroupsFrom({ PropertyGroups: [{ PropertyGroupId: 'Source' }, { PropertyGroupId: 'Source' }] }, 'PropertyGroups'),
      'InvalidArgumentException',
      'PropertyGroupId Source appears more than once',
    ],
    [
      'a property value that is not a string',
      () => propertyGroupsFrom({ PropertyGroups: [{ PropertyGroupId: 'Source', PropertyMap: { 'stream.name': 7 } }] }, 'PropertyGroups'),
      'InvalidArgumentException',
      'PropertyMap value of Source.stream.name must be a string',
    ],
    [
      'a checkpoint configuration of no type',
      () => checkpointFrom({ CheckpointInterval: 1_000 }, defaultCheckpoint, false),
      'InvalidArgumentException',
      'CheckpointConfiguration.ConfigurationType must be DEFAULT or CUSTOM',
    ],
    [
      'a checkpoint update of an unknown type',
      () => checkpointFrom({ ConfigurationTypeUpdate: 'FAST' }, custom, true),
      'InvalidArgumentException',
      'CheckpointConfiguration.ConfigurationTypeUpdate must be DEFAULT or CUSTOM',
    ],
    [
      'a checkpoint interval of 0',
      () => checkpointFrom({ ConfigurationType: 'CUSTOM', CheckpointInterval: 0 }, defaultCheckpoint, false),
      'InvalidArgumentException',
      'CheckpointInterval must be a positive number of milliseconds, got 0',
    ],
    [
      'a negative pause between checkpoints',
      () => checkpointFrom({ ConfigurationTypeUpdate: 'CUSTOM', MinPauseBetweenCheckpointsUpdate: -1 }, custom, true),
      'InvalidArgumentException',
      'MinPauseBetweenCheckpoints must be a non-negative number of milliseconds',
    ],
    [
      'a parallelism configuration of no type',
      () => parallelismFrom({ Parallelism: 2 }, defaultParallelism, false, 8),
      'InvalidArgumentException',
      'ParallelismConfiguration.ConfigurationType must be DEFAULT or CUSTOM',
    ],
    [
      'a parallelism of 1.5',
      () => parallelismFrom({ ConfigurationType: 'CUSTOM', Parallelism: 1.5 }, defaultParallelism, false, 8),
      'InvalidArgumentException',
      'Parallelism must be a positive integer, got 1.5',
    ],
    [
      'a ParallelismPerKPU above 8',
      () => parallelismFrom({ ConfigurationTypeUpdate: 'CUSTOM', ParallelismPerKPUUpdate: 9 }, scaled, true, 8),
      'InvalidArgumentException',
      'ParallelismPerKPU must be an integer between 1 and 8, got 9',
    ],
    [
      'more KPUs than the machine allows',
      () => parallelismFrom({ ConfigurationType: 'CUSTOM', Parallelism: 9, ParallelismPerKPU: 1 }, defaultParallelism, false, 8),
      'LimitExceededException',
      'Parallelism 9 at ParallelismPerKPU 1 needs 9 KPUs; this machine allows at most 8 (one TaskManager process per KPU)',
    ],
    ['a Limit of 51', () => pageRequest({ Limit: 51 }, 100), 'InvalidArgumentException', 'Limit must be between 1 and 50'],
    ['a NextToken past the end', () => pageRequest({ NextToken: Buffer.from('11').toString('base64url') }, 10), 'InvalidArgumentException', 'NextToken is not valid'],
    ['a NextToken that is no position', () => pageRequest({ NextToken: 'not-a-token' }, 10), 'InvalidArgumentException', 'NextToken is not valid'],
  ];

  it.each(refusals)('refuses %s with the error MSF answers', (_, read, type, message) => {
    const error = thrown(read);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ type, message, statusCode: 400 });
  });

  it('reads absent and null fields as not given, and DEFAULT as MSF defaults whatever else is said', () => {
    expect(optionalString({ Description: null }, 'Description')).toBeUndefined();
    expect(optionalObject(undefined, 'RunConfiguration')).toBeUndefined();
    expect(requiredTimestamp({ CreateTimestamp: 1_700_000_000.5 }, 'CreateTimestamp')).toBe(1_700_000_000_500);
    expect(checkpointFrom({ ConfigurationTypeUpdate: 'DEFAULT', CheckpointIntervalUpdate: 0 }, custom, true)).toEqual(defaultCheckpoint);
    expect(parallelismFrom({ ConfigurationType: 'DEFAULT', Parallelism: 64 }, scaled, false, 8)).toEqual(defaultParallelism);
  });

  it('keeps the current settings for fields an update leaves out', () => {
    expect(checkpointFrom({ CheckpointIntervalUpdate: 30_000 }, custom, true)).toEqual({ ...custom, checkpointIntervalMs: 30_000 });
    expect(parallelismFrom({ ParallelismUpdate: 6 }, scaled, true, 8)).toEqual({ ...scaled, parallelism: 6 });
    expect(restoreTypeFrom(undefined, 'SKIP_RESTORE_FROM_SNAPSHOT')).toBe('SKIP_RESTORE_FROM_SNAPSHOT');
  });

  it('pages from the position a NextToken names', () => {
    expect(pageRequest({}, 3)).toEqual({ start: 0, limit: 50 });
    expect(pageRequest({ Limit: 2, NextToken: Buffer.from('2').toString('base64url') }, 3)).toEqual({ start: 2, limit: 2 });
  });
});
