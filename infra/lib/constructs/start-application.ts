import { Lazy, Stack, type CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { createHash } from 'node:crypto';
import { awsCustomResourceLogGroup } from './aws-custom-resource-logs';
import type { FlinkApplication } from './flink-application';

export interface StartApplicationProps {
  readonly application: FlinkApplication;
}

/**
 * The SHA-256 of what the application runs: runtime, service role and its whole configuration
 * (code location with the jar's asset hash, property groups, checkpointing, parallelism,
 * monitoring, snapshots, VPC), as CloudFormation sees them. Values known only at deploy time
 * enter as their references (`Ref`, `Fn::GetAtt`, `Fn::ImportValue`), as in the hash that CDK
 * gives a Lambda function's current version.
 */
function applicationConfigurationHash(application: FlinkApplication): string {
  const cfn = application.application;
  const resolved: unknown = Stack.of(cfn).resolve({
    runtimeEnvironment: cfn.runtimeEnvironment,
    serviceExecutionRole: cfn.serviceExecutionRole,
    applicationConfiguration: cfn.applicationConfiguration,
  });
  return createHash('sha256').update(JSON.stringify(resolved)).digest('hex');
}

/**
 * Starts the Managed Flink application after deploy (CloudFormation only creates it), restoring from
 * the latest snapshot. Its properties carry {@link applicationConfigurationHash}, so every deploy that
 * changes the application's code or configuration calls StartApplication again, after CloudFormation
 * has updated the application: a stopped application (READY) starts from its latest snapshot; a
 * running one, which Managed Flink has already restarted with the new configuration, answers
 * `ResourceInUseException` (RUNNING, STARTING or UPDATING), which is ignored. Implemented with an
 * AwsCustomResource that may call only `kinesisanalytics:StartApplication` on this application.
 */
export class StartApplication extends Construct {
  public readonly resource: cr.AwsCustomResource;

  constructor(scope: Construct, id: string, props: StartApplicationProps) {
    super(scope, id);
    const call: cr.AwsSdkCall = {
      service: 'KinesisAnalyticsV2',
      action: 'startApplication',
      parameters: {
        ApplicationName: props.application.applicationName,
        RunConfiguration: { ApplicationRestoreConfiguration: { ApplicationRestoreType: 'RESTORE_FROM_LATEST_SNAPSHOT' } },
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${props.application.applicationName}-start`),
      // Already RUNNING, STARTING or UPDATING: nothing to do.
      ignoreErrorCodesMatching: 'ResourceInUseException',
    };
    this.resource = new cr.AwsCustomResource(this, 'Resource', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromStatements([
        new iam.PolicyStatement({ actions: ['kinesisanalytics:StartApplication'], resources: [props.application.applicationArn] }),
      ]),
      installLatestAwsSdk: false,
      logGroup: awsCustomResourceLogGroup(this),
    });
    // Any change of the hash changes the resource's properties and so runs onUpdate. Lazy: the hash
    // covers the configuration as synthesized, after every construct has added to it.
    const custom = this.resource.node.findChild('Resource').node.defaultChild as CfnResource;
    custom.addPropertyOverride(
      'ApplicationConfigurationHash',
      Lazy.string({ produce: () => applicationConfigurationHash(props.application) }),
    );
    // After the application, its role policy and its logging option exist (and, on update, after
    // CloudFormation has updated the application).
    this.resource.node.addDependency(props.application);
  }
}
