import { MAX_PARALLELISM_PER_KPU } from '../../infra/lib/msf-limits';
import { invalidArgument, limitExceeded } from './errors';
import {
  defaultCheckpoint,
  defaultParallelism,
  kpus,
  type CheckpointSettings,
  type Json,
  type ParallelismSettings,
  type PropertyGroup,
  type RestoreType,
} from './model';

/**
 * Request bodies → typed input. MSF answers a field of the wrong type, a missing field or a value
 * out of range with InvalidArgumentException (more KPUs than allowed: LimitExceededException); so do
 * these, before the operation looks at any application.
 */

const namePattern = /^[a-zA-Z0-9_.-]{1,128}$/;
const snapshotNamePattern = /^[a-zA-Z0-9_.-]{1,256}$/;
const restoreTypes: readonly RestoreType[] = ['SKIP_RESTORE_FROM_SNAPSHOT', 'RESTORE_FROM_LATEST_SNAPSHOT', 'RESTORE_FROM_CUSTOM_SNAPSHOT'];

export function applicationName(request: Json): string {
  const name = requiredString(request, 'ApplicationName');
  if (!namePattern.test(name)) {
    throw invalidArgument(`ApplicationName must be 1-128 characters of [a-zA-Z0-9_.-], got '${name}'`);
  }
  return name;
}

export function snapshotName(request: Json): string {
  const name = requiredString(request, 'SnapshotName');
  if (!snapshotNamePattern.test(name)) throw invalidArgument(`SnapshotName must be 1-256 characters of [a-zA-Z0-9_.-], got '${name}'`);
  return name;
}

export function requiredString(request: Json | undefined, key: string): string {
  const value = optionalString(request, key);
  if (value === undefined || value.length === 0) throw invalidArgument(`${key} is required`);
  return value;
}

export function optionalString(request: Json | undefined, key: string): string | undefined {
  const value = request?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidArgument(`${key} must be a string`);
  return value;
}

export function optionalNumber(request: Json | undefined, key: string): number | undefined {
  const value = request?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidArgument(`${key} must be a number`);
  return value;
}

export function optionalBoolean(request: Json | undefined, key: string): boolean | undefined {
  const value = request?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalidArgument(`${key} must be a boolean`);
  return value;
}

export function optionalObject(request: Json | undefined, key: string): Json | undefined {
  const value = request?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw invalidArgument(`${key} must be an object`);
  return value as Json;
}

/** JSON 1.1 timestamps are epoch seconds; returns epoch milliseconds. */
export function requiredTimestamp(request: Json, key: string): number {
  const value = request[key];
  if (typeof value !== 'number') throw invalidArgument(`${key} is required`);
  return value * 1000;
}

/** `ApplicationRestoreType` of a restore configuration, `fallback` when it does not say. */
export function restoreTypeFrom(restore: Json | undefined, fallback: RestoreType): RestoreType {
  const restoreType = (optionalString(restore, 'ApplicationRestoreType') ?? fallback) as RestoreType;
  if (!restoreTypes.includes(restoreType)) {
    throw invalidArgument(`ApplicationRestoreType must be one of ${restoreTypes.join(', ')}, got ${restoreType}`);
  }
  return restoreType;
}

/** The property groups listed under `container[key]` (EnvironmentProperties or EnvironmentPropertyUpdates). */
export function propertyGroupsFrom(container: Json | undefined, key: string): PropertyGroup[] {
  const value = container?.[key];
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidArgument(`${key} must be a list`);
  const seen = new Set<string>();
  return value.map((entry: unknown) => {
    const group = entry as Json;
    const id = requiredString(group, 'PropertyGroupId');
    if (seen.has(id)) throw invalidArgument(`PropertyGroupId ${id} appears more than once`);
    seen.add(id);
    const map = optionalObject(group, 'PropertyMap') ?? {};
    for (const [k, v] of Object.entries(map)) {
      if (typeof v !== 'string') throw invalidArgument(`PropertyMap value of ${id}.${k} must be a string`);
    }
    return { PropertyGroupId: id, PropertyMap: map as Record<string, string> };
  });
}

/**
 * A CheckpointConfiguration (`isUpdate`: a CheckpointConfigurationUpdate, whose keys end in `Update`
 * and whose missing fields keep `current`). DEFAULT means MSF's defaults, whatever else it says.
 */
export function checkpointFrom(config: Json | undefined, current: CheckpointSettings, isUpdate: boolean): CheckpointSettings {
  if (!config) return current;
  const suffix = isUpdate ? 'Update' : '';
  const type = optionalString(config, `ConfigurationType${suffix}`) ?? (isUpdate ? current.configurationType : undefined);
  if (type !== 'DEFAULT' && type !== 'CUSTOM') {
    throw invalidArgument(`CheckpointConfiguration.ConfigurationType${suffix} must be DEFAULT or CUSTOM`);
  }
  if (type === 'DEFAULT') return { ...defaultCheckpoint };
  const settings: CheckpointSettings = {
    configurationType: 'CUSTOM',
    checkpointingEnabled: optionalBoolean(config, `CheckpointingEnabled${suffix}`) ?? current.checkpointingEnabled,
    checkpointIntervalMs: optionalNumber(config, `CheckpointInterval${suffix}`) ?? current.checkpointIntervalMs,
    minPauseBetweenCheckpointsMs: optionalNumber(config, `MinPauseBetweenCheckpoints${suffix}`) ?? current.minPauseBetweenCheckpointsMs,
  };
  if (!Number.isInteger(settings.checkpointIntervalMs) || settings.checkpointIntervalMs < 1) {
    throw invalidArgument(`CheckpointInterval must be a positive number of milliseconds, got ${settings.checkpointIntervalMs}`);
  }
  if (!Number.isInteger(settings.minPauseBetweenCheckpointsMs) || settings.minPauseBetweenCheckpointsMs < 0) {
    throw invalidArgument(`MinPauseBetweenCheckpoints must be a non-negative number of milliseconds`);
  }
  return settings;
}

/**
 * A ParallelismConfiguration (`isUpdate`: a ParallelismConfigurationUpdate), as checkpointFrom; it
 * may need no more than `maxKpus` KPUs (one TaskManager process each on this machine).
 */
export function parallelismFrom(config: Json | undefined, current: ParallelismSettings, isUpdate: boolean, maxKpus: number): ParallelismSettings {
  if (!config) return current;
  const suffix = isUpdate ? 'Update' : '';
  const type = optionalString(config, `ConfigurationType${suffix}`) ?? (isUpdate ? current.configurationType : undefined);
  if (type !== 'DEFAULT' && type !== 'CUSTOM') {
    throw invalidArgument(`ParallelismConfiguration.ConfigurationType${suffix} must be DEFAULT or CUSTOM`);
  }
  if (type === 'DEFAULT') return { ...defaultParallelism };
  const settings: ParallelismSettings = {
    configurationType: 'CUSTOM',
    parallelism: optionalNumber(config, `Parallelism${suffix}`) ?? current.parallelism,
    parallelismPerKPU: optionalNumber(config, `ParallelismPerKPU${suffix}`) ?? current.parallelismPerKPU,
    autoScalingEnabled: optionalBoolean(config, `AutoScalingEnabled${suffix}`) ?? current.autoScalingEnabled,
  };
  if (!Number.isInteger(settings.parallelism) || settings.parallelism < 1) {
    throw invalidArgument(`Parallelism must be a positive integer, got ${settings.parallelism}`);
  }
  if (!Number.isInteger(settings.parallelismPerKPU) || settings.parallelismPerKPU < 1 || settings.parallelismPerKPU > MAX_PARALLELISM_PER_KPU) {
    throw invalidArgument(`ParallelismPerKPU must be an integer between 1 and ${MAX_PARALLELISM_PER_KPU}, got ${settings.parallelismPerKPU}`);
  }
  if (kpus(settings) > maxKpus) {
    throw limitExceeded(
      `Parallelism ${settings.parallelism} at ParallelismPerKPU ${settings.parallelismPerKPU} needs ${kpus(settings)} KPUs; this machine allows at most ${maxKpus} (one TaskManager process per KPU)`,
    );
  }
  return settings;
}

/** Which page of `total` items a List call asks for (`Limit`, at most 50, and the `NextToken` of the page before). */
export function pageRequest(request: Json, total: number): { readonly start: number; readonly limit: number } {
  const limit = optionalNumber(request, 'Limit') ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw invalidArgument('Limit must be between 1 and 50');
  const token = optionalString(request, 'NextToken');
  const start = token === undefined ? 0 : Number.parseInt(Buffer.from(token, 'base64url').toString(), 10);
  if (!Number.isInteger(start) || start < 0 || start > total) throw invalidArgument('NextToken is not valid');
  return { start, limit };
}
