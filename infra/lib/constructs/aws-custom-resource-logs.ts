import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { IConstruct } from 'constructs';

const ID = 'AwsCustomResourceLogs';

/**
 * The log group of the provider function that CDK creates once per stack for every
 * `AwsCustomResource` in it: one week's retention, deleted with the stack. Without it Lambda
 * creates `/aws/lambda/<function>` on the first invocation, with no retention, and that group
 * outlives `cdk destroy`. Pass it as `logGroup` to every AwsCustomResource of the stack: the
 * provider is a singleton, and the first resource's props configure it.
 */
export function awsCustomResourceLogGroup(scope: IConstruct): logs.LogGroup {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(ID);
  if (existing) return existing as logs.LogGroup;
  return new logs.LogGroup(stack, ID, { retention: logs.RetentionDays.ONE_WEEK, removalPolicy: RemovalPolicy.DESTROY });
}
