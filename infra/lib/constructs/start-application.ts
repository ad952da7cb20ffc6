import type { CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import type { FlinkApplication } from './flink-application';

export interface StartApplicationProps {
  readonly application: FlinkApplication;
  /**
   * Values whose change should (re)start the application on update, e.g. the jar's asset hash.
   * A running application is updated by CloudFormation in place (MSF snapshots and restarts it);
   * a stopped one is started again from its latest snapshot.
   */
  readonly triggers?: readonly string[];
}

/**
 * Starts the Managed Flink application after deploy (CloudFormation only creates it), restoring from
 * the latest snapshot; on update it starts it again if it is not running. Implemented with an
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
    });
    // Any change of the triggers changes the resource's properties and so runs onUpdate.
    if (props.triggers?.length) {
      const custom = this.resource.node.findChild('Resource').node.defaultChild as CfnResource;
      custom.addPropertyOverride('Triggers', [...props.triggers]);
    }
    // After the application, its role policy and its logging option exist.
    this.resource.node.addDependency(props.application);
  }
}
