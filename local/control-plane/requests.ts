import { MAX_PARALLELISM_PER_KPU } from '../../infra/lib/msf-limits';
import { invalidArgument, limitExceeded, tooManyTags } from './errors';
import {
  defaultCheckpoint,
  defaultParallelism,
  kpus,
  type CheckpointSettings,
  type Json,
  type OperationStatus,
  type ParallelismSettings,
  type PropertyGroup,
  type RestoreType,
  type Tag,
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

/** The most user-defined tags an application may have (MSF's limit). */
const MAX_TAGS = 50;
const operationStatuses: readonly OperationStatus[] = ['IN_PROGRESS', 'CANCELLED', 'SUCCESSFUL', 'FAILED'];
const applicationArnPattern = /^arn:aws[a-z-]*:kinesisanalytics:[a-z0-9-]+:\d{12}:application\/([a-zA-Z0-9_.-]{1,128})$/;

/** The application name in the `ResourceARN` of the tag operations. */
export function applicationNameOfArn(request: Json): string {
  const arn = requiredString(request, 'ResourceARN');
  const match = applicationArnPattern.exec(arn);
  if (!match) throw invalidArgument(`ResourceARN must be the ARN of a kinesisanalytics application, got '${arn}'`);
  return match[1];
}

/**
 * The tags listed under `request[key]` (CreateApplication's Tags, TagResource's Tags), merged over
 * `current`: a key given again replaces its value. Keys 1-128 characters, values 0-256, no `aws:`
 * prefix, at most 50 tags in all (TooManyTagsException).
 */
export function tagsFrom(request: Json, key: string, current: readonly Tag[], required: boolean): Tag[] {
  const value = request[key];
  if (value === undefined || value === null) {
    if (required) throw invalidArgument(`${key} is required`);
    return [...current];
  }
  if (!Array.isArray(value) || (required && value.length === 0)) throw invalidArgument(`${key} must be a list of 1 to ${MAX_TAGS} tags`);
  const merged = new Map(current.map((tag) => [tag.Key, tag]));
  const seen = new Set<string>();
  for (const entry of value as unknown[]) {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw invalidArgument(`Each of ${key} must be an object`);
    const tagKey = requiredString(entry as Json, 'Key');
    const tagValue = optionalString(entry as Json, 'Value');
    if (tagKey.length > 128) throw invalidArgument(`Tag key must be at most 128 characters, got ${tagKey.length}`);
    if (tagKey.toLowerCase().startsWith('aws:')) throw invalidArgument(`Tag keys starting with aws: are reserved, got '${tagKey}'`);
    if (tagValue !== undefined && tagValue.length > 256) throw invalidArgument(`Tag value of ${tagKey} must be at most 256 characters`);
    if (seen.has(tagKey)) throw invalidArgument(`Tag key ${tagKey} appears more than once`);
    seen.add(tagKey);
    merged.set(tagKey, tagValue === undefined ? { Key: tagKey } : { Key: tagKey, Value: tagValue });
  }
  if (merged.size > MAX_TAGS) throw tooManyTags(`An application can have at most ${MAX_TAGS} tags; this would make ${merged.size}`);
  return [...merged.values()];
}

/** The `TagKeys` of UntagResource. */
export function tagKeysFrom(request: Json): string[] {
  const value = request.TagKeys;
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TAGS) {
    throw invalidArgument(`TagKeys must be a list of 1 to ${MAX_TAGS} keys`);
  }
  return value.map((key: unknown) => {
    if (typeof key !== 'string' || key.length < 1 || key.length > 128) throw invalidArgument('Each of TagKeys must be a string of 1-128 characters');
    return key;
  });
}

/** A CloudWatchLoggingOption: its log stream ARN (and, for SQL applications, a role, kept as given). */
export function loggingOptionFrom(option: Json | undefined, key: string): { readonly logStreamArn: string; readonly roleArn?: string } {
  if (!option) throw invalidArgument(`${key} is required`);
  const logStreamArn = requiredString(option, 'LogStreamARN');
  if (!/^arn:.*$/.test(logStreamArn) || logStreamArn.length > 2048) throw invalidArgument(`LogStreamARN must be an ARN, got '${logStreamArn}'`);
  const roleArn = optionalString(option, 'RoleARN');
  return roleArn === undefined ? { logStreamArn } : { logStreamArn, roleArn };
}

/** The CloudWatchLoggingOptions list of CreateApplication. */
export function loggingOptionsFrom(request: Json, key: string): { readonly logStreamArn: string; readonly roleArn?: string }[] {
  const value = request[key];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidArgument(`${key} must be a list`);
  return value.map((entry: unknown) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) throw invalidArgument(`Each of ${key} must be an object`);
    return loggingOptionFrom(entry as Json, key);
  });
}

/** The `OperationStatus` filter of ListApplicationOperations. */
export function operationStatusFrom(request: Json): OperationStatus | undefined {
  const status = optionalString(request, 'OperationStatus');
  if (status !== undefined && !operationStatuses.includes(status as OperationStatus)) {
    throw invalidArgument(`OperationStatus must be one of ${operationStatuses.join(', ')}, got ${status}`);
  }
  return status as OperationStatus | undefined;
}
