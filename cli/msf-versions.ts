/**
 * The version operations of Managed Flink (kinesisanalyticsv2) the `upgrade`, `rollback` and
 * `versions` plays share: an UpdateApplication or RollbackApplication followed by the wait for its
 * operation (DescribeApplicationOperation), and the versions with what changed between them. They
 * take a client and an application name, so they work alike against AWS and the local control plane.
 */
import {
  DescribeApplicationOperationCommand,
  DescribeApplicationVersionCommand,
  ListApplicationVersionsCommand,
  RollbackApplicationCommand,
  UpdateApplicationCommand,
  type ApplicationDetail,
  type ApplicationRestoreType,
  type KinesisAnalyticsV2Client,
  type PropertyGroup,
  type UpdateApplicationCommandInput,
} from '@aws-sdk/client-kinesis-analytics-v2';
import { poll, realClock } from '../local/poll';
import { PlayError, WaitTimeoutError } from './errors';
import { describeApplication, listSnapshots, reporter, seconds, type OperationOptions } from './msf';

const DEFAULT_TIMEOUT_MS = 900_000;

/** How an operation ended, as DescribeApplicationOperation says. */
export interface OperationOutcome {
  readonly status: string;
  /** MSF's OperationFailureDetails.ErrorInfo.ErrorString of a FAILED operation. */
  readonly error?: string;
  readonly detail: ApplicationDetail;
  readonly elapsedMs: number;
}

/**
 * Polls DescribeApplicationOperation until the operation is no longer IN_PROGRESS, printing the
 * application's status as it changes (`[  12.0 s] app UPDATING`).
 */
async function waitForOperation(
  client: KinesisAnalyticsV2Client,
  app: string,
  operationId: string,
  options: OperationOptions = {},
): Promise<OperationOutcome> {
  const report = reporter(options.progress, (status) => `${app} ${status}`);
  let status = 'UNKNOWN';
  const { value, elapsedMs } = await poll<{ status: string; error?: string; detail: ApplicationDetail }>(
    async () => {
      const operation = await client.send(new DescribeApplicationOperationCommand({ ApplicationName: app, OperationId: operationId }));
      const details = operation.ApplicationOperationInfoDetails;
      const detail = await describeApplication(client, app);
      status = detail.ApplicationStatus ?? 'UNKNOWN';
      const operationStatus = details?.OperationStatus ?? 'IN_PROGRESS';
      if (operationStatus === 'IN_PROGRESS') return { done: false, state: status };
      const error = details?.OperationFailureDetails?.ErrorInfo?.ErrorString;
      return { done: true, value: { status: operationStatus, detail, ...(error ? { error } : {}) } };
    },
    {
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      intervalMs: options.intervalMs ?? 2_000,
      clock: options.clock,
      onState: report.onState,
      timeout: (state, ms) =>
        new WaitTimeoutError(`${app} is still ${state} after ${seconds(ms)} (operation ${operationId} in progress); check 'playground status', or wait longer with --timeout`),
    },
  );
  report.last(status, elapsedMs);
  return { ...value, elapsedMs };
}

/** What an upgrade changes: a jar (how the target takes it), property groups, the restore configuration. */
export interface UpgradeChange {
  readonly code?: NonNullable<UpdateApplicationCommandInput['ApplicationConfigurationUpdate']>['ApplicationCodeConfigurationUpdate'];
  /** The whole property groups after the change (UpdateApplication replaces them all). */
  readonly propertyGroups?: readonly PropertyGroup[];
  readonly restore: { readonly ApplicationRestoreType: ApplicationRestoreType; readonly SnapshotName?: string };
  readonly allowNonRestoredState: boolean;
}

export interface UpgradeResult {
  readonly from: number;
  readonly version: number;
  /** The application's status once the operation ended. */
  readonly status: string;
  /** The snapshot the update took (of a running application), when one shows. */
  readonly snapshot?: string;
  readonly elapsedMs: number;
}

/**
 * UpdateApplication with the new code and/or property groups and the restore configuration, then
 * the wait for its operation. A running application is snapshotted and restarted with the new
 * version; when that fails, PlayError with MSF's message and the way back (`playground rollback`).
 */
export async function upgradeApplication(
  client: KinesisAnalyticsV2Client,
  app: string,
  change: UpgradeChange,
  options: OperationOptions & { readonly current: ApplicationDetail },
): Promise<UpgradeResult> {
  const clock = options.clock ?? realClock;
  const { current } = options;
  const from = current.ApplicationVersionId ?? 0;
  const wasRunning = current.ApplicationStatus === 'RUNNING';
  const requestedAt = Date.now();
  const startedAt = clock.now();
  const out = await client.send(
    new UpdateApplicationCommand({
      ApplicationName: app,
      ...(current.ConditionalToken ? { ConditionalToken: current.ConditionalToken } : { CurrentApplicationVersionId: from }),
      ApplicationConfigurationUpdate: {
        ...(change.code ? { ApplicationCodeConfigurationUpdate: change.code } : {}),
        ...(change.propertyGroups ? { EnvironmentPropertyUpdates: { PropertyGroups: [...change.propertyGroups] } } : {}),
      },
      RunConfigurationUpdate: {
        ApplicationRestoreConfiguration: { ...change.restore },
        FlinkRunConfiguration: { AllowNonRestoredState: change.allowNonRestoredState },
      },
    }),
  );
  const version = out.ApplicationDetail?.ApplicationVersionId ?? from + 1;
  if (!wasRunning) return { from, version, status: out.ApplicationDetail?.ApplicationStatus ?? 'READY', elapsedMs: clock.now() - startedAt };
  if (!out.OperationId) throw new PlayError(`UpdateApplication returned no OperationId for ${app}; follow it with 'playground status'`);
  options.progress?.(`${app}: version ${version} asked for (operation ${out.OperationId}); MSF snapshots the job and restarts it with the new version…`);
  const outcome = await waitForOperation(client, app, out.OperationId, options);
  const snapshot = (await listSnapshots(client, app)).find((s) => (s.SnapshotCreationTimestamp?.getTime() ?? 0) >= requestedAt - 1_000)?.SnapshotName;
  if (outcome.status !== 'SUCCESSFUL') {
    throw new PlayError(
      `the upgrade of ${app} to version ${version} ${outcome.status}: ${outcome.error ?? 'no reason given'}; ${app} is ${outcome.detail.ApplicationStatus ?? '?'} at version ${
        outcome.detail.ApplicationVersionId ?? '?'
      }. Bring back version ${from}${snapshot ? ` from snapshot ${snapshot}` : ''} with: playground rollback`,
    );
  }
  return { from, version, status: outcome.detail.ApplicationStatus ?? 'UNKNOWN', ...(snapshot ? { snapshot } : {}), elapsedMs: clock.now() - startedAt };
}

export interface RollbackResult {
  readonly from: number;
  readonly version: number;
  /** The version whose configuration runs again. */
  readonly rolledBackTo?: number;
  readonly status: string;
  readonly elapsedMs: number;
}

/** States RollbackApplication accepts (MSF). */
const ROLLBACK_STATES = new Set(['RUNNING', 'UPDATING', 'AUTOSCALING']);

/** RollbackApplication of the current version, then the wait for its operation and for RUNNING. */
export async function rollbackApplication(client: KinesisAnalyticsV2Client, app: string, options: OperationOptions = {}): Promise<RollbackResult> {
  const clock = options.clock ?? realClock;
  const current = await describeApplication(client, app);
  const state = current.ApplicationStatus ?? 'UNKNOWN';
  const from = current.ApplicationVersionId ?? 0;
  if (!ROLLBACK_STATES.has(state)) {
    throw new PlayError(`${app} is ${state}; MSF rolls back an application only while it is RUNNING, UPDATING or AUTOSCALING (to run an older snapshot of a READY application: playground start --restore NAME)`);
  }
  if (from <= 1) throw new PlayError(`${app} is at version ${from}: there is no version before it to roll back to`);
  options.progress?.(`rolling ${app} back from version ${from} to the version before it, from the latest snapshot…`);
  const startedAt = clock.now();
  const out = await client.send(new RollbackApplicationCommand({ ApplicationName: app, CurrentApplicationVersionId: from }));
  const version = out.ApplicationDetail?.ApplicationVersionId ?? from + 1;
  if (!out.OperationId) throw new PlayError(`RollbackApplication returned no OperationId for ${app}; follow it with 'playground status'`);
  const outcome = await waitForOperation(client, app, out.OperationId, options);
  if (outcome.status !== 'SUCCESSFUL' || outcome.detail.ApplicationStatus !== 'RUNNING') {
    throw new PlayError(
      `the rollback of ${app} ${outcome.status}: ${outcome.error ?? 'no reason given'}; ${app} is ${outcome.detail.ApplicationStatus ?? '?'} at version ${
        outcome.detail.ApplicationVersionId ?? '?'
      }; see 'playground status' and the application's logs`,
    );
  }
  const rolledBackTo = outcome.detail.ApplicationVersionRolledBackTo ?? out.ApplicationDetail?.ApplicationVersionRolledBackTo;
  return { from, version, status: outcome.detail.ApplicationStatus, ...(rolledBackTo !== undefined ? { rolledBackTo } : {}), elapsedMs: clock.now() - startedAt };
}

/** One version of the application, with what it changed from the version before it. */
export interface VersionView {
  readonly version: number;
  readonly status: string;
  /** ISO-8601, when known. */
  readonly createdAt?: string;
  /** The code: `md5 …` (a jar given as ZipFileContent) or `s3://bucket/key`. */
  readonly code?: string;
  readonly parallelism?: number;
  readonly parallelismPerKpu?: number;
  /** `Group.key` → value. */
  readonly properties: Readonly<Record<string, string>>;
  readonly updatedFrom?: number;
  readonly rolledBackFrom?: number;
  readonly rolledBackTo?: number;
  /** What differs from the version before (`code …`, `parallelism 1 → 2`, `Group.key: a → b`). */
  readonly changes: readonly string[];
}

function codeOf(detail: ApplicationDetail): string | undefined {
  const content = detail.ApplicationConfigurationDescription?.ApplicationCodeConfigurationDescription?.CodeContentDescription;
  const s3 = content?.S3ApplicationCodeLocationDescription;
  if (s3?.BucketARN && s3.FileKey) {
    return `s3://${s3.BucketARN.replace(/^arn:[^:]+:s3:::/, '')}/${s3.FileKey}${s3.ObjectVersion ? `?versionId=${s3.ObjectVersion}` : ''}`;
  }
  return content?.CodeMD5 ? `md5 ${content.CodeMD5}` : undefined;
}

function propertiesOf(detail: ApplicationDetail): Record<string, string> {
  const properties: Record<string, string> = {};
  for (const group of detail.ApplicationConfigurationDescription?.EnvironmentPropertyDescriptions?.PropertyGroupDescriptions ?? []) {
    for (const [key, value] of Object.entries(group.PropertyMap ?? {})) properties[`${group.PropertyGroupId ?? '?'}.${key}`] = value;
  }
  return properties;
}

function view(detail: ApplicationDetail, status: string): Omit<VersionView, 'changes'> {
  const parallelism = detail.ApplicationConfigurationDescription?.FlinkApplicationConfigurationDescription?.ParallelismConfigurationDescription;
  const code = codeOf(detail);
  return {
    version: detail.ApplicationVersionId ?? 0,
    status,
    ...(detail.ApplicationVersionCreateTimestamp ? { createdAt: detail.ApplicationVersionCreateTimestamp.toISOString() } : {}),
    ...(code ? { code } : {}),
    ...(parallelism?.Parallelism !== undefined ? { parallelism: parallelism.Parallelism } : {}),
    ...(parallelism?.ParallelismPerKPU !== undefined ? { parallelismPerKpu: parallelism.ParallelismPerKPU } : {}),
    properties: propertiesOf(detail),
    ...(detail.ApplicationVersionUpdatedFrom !== undefined ? { updatedFrom: detail.ApplicationVersionUpdatedFrom } : {}),
    ...(detail.ApplicationVersionRolledBackFrom !== undefined ? { rolledBackFrom: detail.ApplicationVersionRolledBackFrom } : {}),
    ...(detail.ApplicationVersionRolledBackTo !== undefined ? { rolledBackTo: detail.ApplicationVersionRolledBackTo } : {}),
  };
}

/** What `after` changed from `before`: code, parallelism and each property. */
function changesBetween(before: Omit<VersionView, 'changes'> | undefined, after: Omit<VersionView, 'changes'>): string[] {
  if (!before) return [`the oldest version listed${after.code ? `: code ${after.code}` : ''}`];
  const changes: string[] = [];
  if (after.rolledBackTo !== undefined) changes.push(`rolled back to version ${after.rolledBackTo}`);
  if (before.code !== after.code) changes.push(`code ${after.code ?? '?'} (was ${before.code ?? '?'})`);
  if (before.parallelism !== after.parallelism || before.parallelismPerKpu !== after.parallelismPerKpu) {
    changes.push(`parallelism ${before.parallelism ?? '?'} → ${after.parallelism ?? '?'} (${after.parallelismPerKpu ?? '?'} per KPU)`);
  }
  for (const key of new Set([...Object.keys(before.properties), ...Object.keys(after.properties)])) {
    const was = before.properties[key];
    const now = after.properties[key];
    if (was === now) continue;
    changes.push(now === undefined ? `${key} removed (was ${was})` : was === undefined ? `${key}=${now} (new)` : `${key}: ${was} → ${now}`);
  }
  return changes.length > 0 ? changes : ['no change to code, parallelism or properties'];
}

/** Every version of the application (ListApplicationVersions, DescribeApplicationVersion each), newest first. */
export async function listVersions(client: KinesisAnalyticsV2Client, app: string): Promise<VersionView[]> {
  const summaries: { id: number; status: string }[] = [];
  let token: string | undefined;
  do {
    const out = await client.send(new ListApplicationVersionsCommand({ ApplicationName: app, Limit: 50, NextToken: token }));
    for (const s of out.ApplicationVersionSummaries ?? []) summaries.push({ id: s.ApplicationVersionId ?? 0, status: s.ApplicationStatus ?? 'UNKNOWN' });
    token = out.NextToken;
  } while (token);
  const ascending = summaries.sort((a, b) => a.id - b.id);
  const views: Omit<VersionView, 'changes'>[] = [];
  for (const summary of ascending) {
    const out = await client.send(new DescribeApplicationVersionCommand({ ApplicationName: app, ApplicationVersionId: summary.id }));
    if (!out.ApplicationVersionDetail) throw new PlayError(`DescribeApplicationVersion returned no detail for version ${summary.id} of ${app}`);
    views.push(view(out.ApplicationVersionDetail, summary.status));
  }
  return views.map((v, i) => ({ ...v, changes: changesBetween(i > 0 ? views[i - 1] : undefined, v) })).reverse();
}
