import { S3Client } from '@aws-sdk/client-s3';
import type { ApplicationDetail, PropertyGroup } from '@aws-sdk/client-kinesis-analytics-v2';
import { playTarget } from '../announce';
import { PlayError, runPlay, UsageError } from '../errors';
import type { Io } from '../io';
import { readJar, uploadJar, zipCodeUpdate, type Jar } from '../jar-code';
import { describeApplication, msfClient, recordedFailures, restoreConfiguration, seconds, type RestoreChoice, type WaitOptions } from '../msf';
import { upgradeApplication, type UpgradeChange } from '../msf-versions';
import { defineOptions } from '../options';
import { targetOptions, type PlayTarget } from '../target';
import type { RegisterCommand } from './register';
import { parseRestore } from './start';

/** One `--set Group.key=value`. */
export interface PropertySetting {
  readonly group: string;
  readonly key: string;
  readonly value: string;
}

export interface UpgradeOptions {
  readonly target: PlayTarget;
  /** The new job jar. */
  readonly jar?: string;
  readonly set: readonly PropertySetting[];
  /** @default 'latest' */
  readonly restore: RestoreChoice;
  /** Let Flink skip state of operators the new program no longer has. @default false */
  readonly allowNonRestoredState?: boolean;
  readonly wait?: WaitOptions;
  /** The S3 client of the AWS path (tests pass one). @default a client in the target's region */
  readonly s3?: S3Client;
}

/** Checks a `--set` value: `Group.key=value` (the group before the first dot, the value after the first `=`). @throws UsageError */
export function parseSetting(text: string): PropertySetting {
  const match = /^([^.=\s]+)\.([^=\s]+)=(.*)$/s.exec(text);
  if (!match) throw new UsageError(`--set takes Group.key=value (e.g. ClickCountJob.backpressure=true), got '${text}'`);
  return { group: match[1], key: match[2], value: match[3] };
}

/**
 * The property groups after the settings: each one replaces or adds a key of an existing group (an
 * unknown group is a usage error naming the groups there are). UpdateApplication replaces all
 * groups, so the result carries every group, changed or not.
 */
function mergeProperties(detail: ApplicationDetail, settings: readonly PropertySetting[]): PropertyGroup[] {
  const groups = (detail.ApplicationConfigurationDescription?.EnvironmentPropertyDescriptions?.PropertyGroupDescriptions ?? []).map((g) => ({
    PropertyGroupId: g.PropertyGroupId ?? '',
    PropertyMap: { ...(g.PropertyMap ?? {}) },
  }));
  for (const setting of settings) {
    const group = groups.find((g) => g.PropertyGroupId === setting.group);
    if (!group) {
      throw new UsageError(
        `--set ${setting.group}.${setting.key}: ${detail.ApplicationName ?? 'the application'} has no property group '${setting.group}' (it has: ${
          groups.map((g) => g.PropertyGroupId).join(', ') || 'none'
        })`,
      );
    }
    group.PropertyMap[setting.key] = setting.value;
  }
  return groups;
}

/** The code update: locally the jar's bytes (ZipFileContentUpdate), on AWS an upload to the code bucket. */
async function codeUpdate(options: UpgradeOptions, detail: ApplicationDetail, jar: Jar, io: Io): Promise<UpgradeChange['code']> {
  if (options.target.kind === 'local') {
    io.out(`jar ${jar.path}: ${jar.bytes.length} bytes, sha256 ${jar.sha256.slice(0, 12)}… (sent as ZipFileContentUpdate)`);
    return zipCodeUpdate(jar);
  }
  const s3 = options.s3 ?? new S3Client({ ...options.target.msf });
  try {
    const uploaded = await uploadJar(s3, detail, jar);
    io.out(`uploaded ${jar.path} (${jar.bytes.length} bytes) to s3://${uploaded.bucket}/${uploaded.key}`);
    return uploaded.update;
  } finally {
    if (!options.s3) s3.destroy();
  }
}

/**
 * `playground upgrade [--jar PATH] [--set Group.key=value …] [--restore latest|NAME|none]`: the
 * original's upgrade play as MSF does it — UpdateApplication with the new code and/or properties;
 * a running application is snapshotted and restarted with the new version from the snapshot.
 */
export async function upgrade(options: UpgradeOptions, io: Io): Promise<number> {
  const { target } = options;
  if (!options.jar && options.set.length === 0) throw new UsageError('upgrade needs --jar PATH and/or --set Group.key=value');
  const jar = options.jar ? readJar(options.jar) : undefined;
  const app = target.applicationName;
  const client = msfClient(target);
  return runPlay(io, target, async () => {
    const detail = await describeApplication(client, app);
    const state = detail.ApplicationStatus ?? 'UNKNOWN';
    if (state !== 'RUNNING' && state !== 'READY') {
      throw new PlayError(`${app} is ${state}; it can be upgraded when RUNNING or READY — wait for the current operation (playground status)`);
    }
    const propertyGroups = options.set.length > 0 ? mergeProperties(detail, options.set) : undefined;
    const code = jar ? await codeUpdate(options, detail, jar, io) : undefined;
    const what = [...(jar ? [`code ${jar.sha256.slice(0, 12)}…`] : []), ...options.set.map((s) => `${s.group}.${s.key}=${s.value}`)].join(', ');
    io.out(`upgrading ${app} (version ${detail.ApplicationVersionId ?? '?'}, ${state}): ${what}`);
    const result = await upgradeApplication(
      client,
      app,
      { code, propertyGroups, restore: restoreConfiguration(options.restore), allowNonRestoredState: options.allowNonRestoredState ?? false },
      { ...options.wait, current: detail, progress: (line) => io.out(line), lastFailure: recordedFailures(target) },
    );
    if (state === 'READY') {
      io.out(`${app} is READY at version ${result.version} (was ${result.from}); start it with: playground start`);
      return 0;
    }
    io.out(
      `${app} is ${result.status} at version ${result.version} (was ${result.from})${result.snapshot ? `, restarted from snapshot ${result.snapshot}` : ''}, in ${seconds(result.elapsedMs)}`,
    );
    return 0;
  });
}

const upgradeFlags = defineOptions((o) => ({
  target: targetOptions(o),
  jar: o.optionalText('--jar <path>', 'the new job jar (locally sent in the request; on AWS uploaded to the code bucket under playground-upgrades/)'),
  set: o.repeatedText('--set <Group.key=value>', 'set a runtime property, e.g. ClickCountJob.backpressure=true (repeatable)'),
  restore: o.text('--restore <snapshot>', 'the state the new version starts from: latest (the snapshot the update takes), none, or a snapshot name', 'latest'),
  allowNonRestoredState: o.flag('--allow-non-restored-state', 'let Flink drop the state of operators the new program no longer has'),
  timeoutSeconds: o.int('--timeout <seconds>', 'how long to wait for the update', { min: 1, max: 86_400 }, 900),
}));

export const registerUpgrade: RegisterCommand = (program, io, setExit) => {
  const command = upgradeFlags
    .add(program.command('upgrade'))
    .description('Upgrade the job (UpdateApplication): a new jar and/or properties; a running job restarts from a snapshot')
    .action(async () => {
      const flags = upgradeFlags.read(command);
      const set = flags.set.map(parseSetting);
      const restore = parseRestore(flags.restore);
      if (!flags.jar && set.length === 0) throw new UsageError('upgrade needs --jar PATH and/or --set Group.key=value');
      setExit(
        await upgrade(
          {
            target: await playTarget(flags.target, 'change', io),
            jar: flags.jar,
            set,
            restore,
            allowNonRestoredState: flags.allowNonRestoredState,
            wait: { timeoutMs: flags.timeoutSeconds * 1000 },
          },
          io,
        ),
      );
    });
};
