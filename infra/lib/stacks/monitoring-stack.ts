import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { PlaygroundDashboard } from '../constructs/playground-dashboard';
import type { PlaygroundStreams } from '../streams';

export interface MonitoringStackProps extends StackProps {
  readonly streams: PlaygroundStreams;
  /** @default - no application widgets (LocalStack) */
  readonly applicationName?: string;
  readonly generator: lambda.IFunction;
  readonly auditor: lambda.IFunction;
}

/** The dashboard and alarms. */
export class MonitoringStack extends Stack {
  public readonly dashboard: PlaygroundDashboard;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.dashboard = new PlaygroundDashboard(this, 'Dashboard', props);
    new CfnOutput(this, 'DashboardUrl', { value: this.dashboard.dashboardUrl, description: 'CloudWatch dashboard' });
  }
}
