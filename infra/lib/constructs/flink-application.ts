import { Arn, ArnFormat, DefaultStackSynthesizer, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kda from 'aws-cdk-lib/aws-kinesisanalyticsv2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import { Construct } from 'constructs';
import { UPGRADE_CODE_PREFIX } from '../code-location';
import { acknowledge } from '../nag';

/** Property groups as the job reads them: group id → key → value. */
export type PropertyGroups = Readonly<Record<string, Readonly<Record<string, string>>>>;

export interface FlinkApplicationProps {
  /** Path of the job jar (a CDK file asset). */
  readonly jarPath: string;
  /** The Managed Flink runtime. @default 'FLINK-2_2' */
  readonly runtime?: string;
  readonly propertyGroups: PropertyGroups;
  /** @default 1 */
  readonly parallelism?: number;
  /** @default 1 */
  readonly parallelismPerKpu?: number;
  /** @default false */
  readonly autoScaling?: boolean;
  /** @default 60000 */
  readonly checkpointIntervalMs?: number;
  /**
   * CheckpointingEnabled: false runs the job without checkpoints (a restart then resumes without
   * state; the interval is kept for when it is enabled again). @default true
   */
  readonly checkpointing?: boolean;
  /** Run inside this VPC (required for MSK). @default - no VPC */
  readonly vpc?: ec2.IVpc;
  /** @default - private subnets with egress */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/**
 * A Managed Service for Apache Flink application running the job jar: service role, log group and
 * stream, checkpointing, parallelism, snapshots, and optionally VPC access.
 */
export class FlinkApplication extends Construct implements iam.IGrantable {
  public readonly application: kda.CfnApplication;
  public readonly applicationName: string;
  public readonly applicationArn: string;
  public readonly role: iam.Role;
  public readonly grantPrincipal: iam.IPrincipal;
  public readonly logGroup: logs.LogGroup;
  public readonly jar: s3assets.Asset;
  public readonly securityGroup?: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: FlinkApplicationProps) {
    super(scope, id);
    const parallelism = props.parallelism ?? 1;
    const parallelismPerKpu = props.parallelismPerKpu ?? 1;
    const checkpointIntervalMs = props.checkpointIntervalMs ?? 60_000;
    for (const [name, value] of Object.entries({ parallelism, parallelismPerKpu, checkpointIntervalMs })) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
    }
    const stack = Stack.of(this);

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('kinesisanalytics.amazonaws.com'),
      description: 'Service execution role of the ClickCountJob Managed Flink application',
    });
    this.grantPrincipal = this.role;

    this.jar = new s3assets.Asset(this, 'Jar', { path: props.jarPath });
    // Only the jar object (Asset.grantRead would allow the whole assets bucket).
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [this.jar.bucket.arnForObjects(this.jar.s3ObjectKey)],
      }),
    );

    // The jars `playground upgrade --jar` puts next to it (one object per jar, under its own prefix).
    const qualifier = (this.node.tryGetContext('@aws-cdk/core:bootstrapQualifier') as string | undefined) ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
    const upgradeCode = new iam.Policy(this, 'UpgradeCode', {
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: [this.jar.bucket.arnForObjects(`${UPGRADE_CODE_PREFIX}*`)],
        }),
      ],
    });
    acknowledge(
      upgradeCode,
      'AwsSolutions-IAM5',
      `the jars that playground upgrade uploads are named by their SHA-256 under ${UPGRADE_CODE_PREFIX} of the code bucket, unknown at deploy time; the role may only read them`,
      [`Resource::arn:<AWS::Partition>:s3:::cdk-${qualifier}-assets-<AWS::AccountId>-<AWS::Region>/${UPGRADE_CODE_PREFIX}*`],
    );

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_WEEK,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logStream = new logs.LogStream(this, 'LogStream', { logGroup: this.logGroup, removalPolicy: RemovalPolicy.DESTROY });
    const logStreamArn = Arn.format(
      {
        service: 'logs',
        resource: 'log-group',
        resourceName: `${this.logGroup.logGroupName}:log-stream:${logStream.logStreamName}`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      stack,
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['logs:PutLogEvents', 'logs:DescribeLogStreams'], resources: [this.logGroup.logGroupArn, logStreamArn] }),
    );
    // Managed Flink lists log groups to validate its logging option; a list action has no narrower scope.
    const allLogGroups = Arn.format({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack);
    const describeLogGroups = new iam.Policy(this, 'DescribeLogGroups', {
      roles: [this.role],
      statements: [new iam.PolicyStatement({ actions: ['logs:DescribeLogGroups'], resources: [allLogGroups] })],
    });
    acknowledge(
      describeLogGroups,
      'AwsSolutions-IAM5',
      'logs:DescribeLogGroups is a list action that Managed Flink calls to validate the logging option; it has no resource-level scope',
      ['Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:*'],
    );

    const policies: iam.Policy[] = [describeLogGroups, upgradeCode];
    let vpcConfigurations: kda.CfnApplication.VpcConfigurationProperty[] | undefined;
    if (props.vpc) {
      this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
        vpc: props.vpc,
        description: 'ClickCountJob Managed Flink application',
      });
      const subnets = props.vpc.selectSubnets(props.vpcSubnets ?? { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
      vpcConfigurations = [{ subnetIds: subnets.subnetIds, securityGroupIds: [this.securityGroup.securityGroupId] }];
      // Managed Flink creates its ENIs in the subnets with the service role.
      const vpcAccess = new iam.Policy(this, 'VpcAccess', { roles: [this.role] });
      vpcAccess.addStatements(
        new iam.PolicyStatement({
          actions: [
            'ec2:DescribeVpcs',
            'ec2:DescribeSubnets',
            'ec2:DescribeSecurityGroups',
            'ec2:DescribeDhcpOptions',
            'ec2:DescribeNetworkInterfaces',
            'ec2:CreateNetworkInterface',
            'ec2:CreateNetworkInterfacePermission',
            'ec2:DeleteNetworkInterface',
          ],
          resources: ['*'],
        }),
      );
      acknowledge(
        vpcAccess,
        'AwsSolutions-IAM5',
        'Managed Flink in a VPC manages its ENIs with the service role; these EC2 Describe* and network-interface actions take no resource-level scope (the documented MSF VPC policy)',
        ['Resource::*'],
      );
      policies.push(vpcAccess);
    }

    this.application = new kda.CfnApplication(this, 'Resource', {
      runtimeEnvironment: props.runtime ?? 'FLINK-2_2',
      serviceExecutionRole: this.role.roleArn,
      applicationDescription: 'ClickCountJob of the Managed Flink Playground',
      applicationConfiguration: {
        applicationCodeConfiguration: {
          codeContentType: 'ZIPFILE',
          codeContent: { s3ContentLocation: { bucketArn: this.jar.bucket.bucketArn, fileKey: this.jar.s3ObjectKey } },
        },
        applicationSnapshotConfiguration: { snapshotsEnabled: true },
        environmentProperties: {
          propertyGroups: Object.entries(props.propertyGroups).map(([propertyGroupId, propertyMap]) => ({
            propertyGroupId,
            propertyMap: { ...propertyMap },
          })),
        },
        flinkApplicationConfiguration: {
          checkpointConfiguration: {
            configurationType: 'CUSTOM',
            checkpointingEnabled: props.checkpointing ?? true,
            checkpointInterval: checkpointIntervalMs,
            minPauseBetweenCheckpoints: Math.min(5000, checkpointIntervalMs),
          },
          parallelismConfiguration: {
            configurationType: 'CUSTOM',
            parallelism,
            parallelismPerKpu,
            autoScalingEnabled: props.autoScaling ?? false,
          },
          monitoringConfiguration: { configurationType: 'CUSTOM', logLevel: 'INFO', metricsLevel: 'APPLICATION' },
        },
        vpcConfigurations,
      },
    });
    this.application.applyRemovalPolicy(RemovalPolicy.DESTROY);
    this.application.node.addDependency(this.role, ...policies);
    this.applicationName = this.application.ref;
    this.applicationArn = Arn.format({ service: 'kinesisanalytics', resource: 'application', resourceName: this.applicationName }, stack);

    const logging = new kda.CfnApplicationCloudWatchLoggingOption(this, 'Logging', {
      applicationName: this.applicationName,
      cloudWatchLoggingOption: { logStreamArn },
    });
    logging.applyRemovalPolicy(RemovalPolicy.DESTROY);

  }
}
