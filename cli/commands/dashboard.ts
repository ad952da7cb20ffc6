import { CreateApplicationPresignedUrlCommand } from '@aws-sdk/client-kinesis-analytics-v2';
import { PlayError, runPlay } from '../errors';
import type { Io } from '../io';
import { describeApplication, msfClient } from '../msf';
import { defineOptions } from '../options';
import { playTarget } from '../announce';
import { targetOptions, type PlayTarget } from '../target';
import type { RegisterCommand } from './register';

export interface DashboardOptions {
  readonly target: PlayTarget;
  /** How long the pre-signed URL's session lasts (AWS). @default 1800 */
  readonly sessionSeconds: number;
  readonly json: boolean;
}

/** `playground dashboard`: the Flink dashboard URL (pre-signed on AWS) and, on AWS, the CloudWatch dashboard. */
export async function dashboard(options: DashboardOptions, io: Io): Promise<number> {
  const { target } = options;
  return runPlay(io, target, async () => {
    let flink: string;
    let cloudwatch: string | undefined;
    if (target.local) {
      flink = target.local.record.endpoints.flinkRestUrl;
    } else {
      const client = msfClient(target);
      const detail = await describeApplication(client, target.applicationName);
      if (detail.ApplicationStatus !== 'RUNNING') {
        throw new PlayError(`${target.applicationName} is ${detail.ApplicationStatus}; the Flink dashboard exists only while it is RUNNING (playground start)`);
      }
      const out = await client.send(
        new CreateApplicationPresignedUrlCommand({
          ApplicationName: target.applicationName,
          UrlType: 'FLINK_DASHBOARD_URL',
          SessionExpirationDurationInSeconds: options.sessionSeconds,
        }),
      );
      if (!out.AuthorizedUrl) throw new PlayError('CreateApplicationPresignedUrl returned no URL');
      flink = out.AuthorizedUrl;
      cloudwatch = target.dashboardUrl;
    }
    if (options.json) {
      io.out(JSON.stringify({ flinkDashboard: flink, ...(cloudwatch ? { cloudWatchDashboard: cloudwatch } : {}) }, null, 2));
    } else {
      io.out(`Flink dashboard: ${flink}${target.local ? '' : ` (valid for ${options.sessionSeconds} s; open it within 3 minutes)`}`);
      if (cloudwatch) io.out(`CloudWatch dashboard: ${cloudwatch}`);
    }
    return 0;
  });
}

const dashboardFlags = defineOptions((o) => ({
  target: targetOptions(o),
  session: o.int('--session <seconds>', 'AWS: how long the dashboard session lasts', { min: 1_800, max: 43_200 }, 1_800),
  json: o.flag('--json', 'print the URLs as JSON'),
}));

export const registerDashboard: RegisterCommand = (program, io, setExit) => {
  const command = dashboardFlags
    .add(program.command('dashboard'))
    .description('Print the Flink dashboard URL (pre-signed on AWS) and the CloudWatch dashboard')
    .action(async () => {
      const flags = dashboardFlags.read(command);
      setExit(await dashboard({ target: await playTarget(flags.target, 'read', io, { json: flags.json }), sessionSeconds: flags.session, json: flags.json }, io));
    });
};
