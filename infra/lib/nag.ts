import { Validations, type Stack } from 'aws-cdk-lib';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { IConstruct } from 'constructs';

/**
 * Acknowledges a cdk-nag rule on a construct (and its children). With `findings`, only those
 * findings of the rule (`RuleId[Finding]`, e.g. `AwsSolutions-IAM5[Resource::*]`) are acknowledged.
 */
export function acknowledge(scope: IConstruct, ruleId: string, reason: string, findings?: readonly string[]): void {
  const ids = findings?.length ? findings.map((finding) => `${ruleId}[${finding}]`) : [ruleId];
  for (const id of ids) Validations.of(scope).acknowledge({ id, reason });
}

/** AWS-managed policy findings as cdk-nag prints them. */
export const MANAGED_POLICY = {
  basicExecution: 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole',
  vpcAccess: 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole',
  mskExecution: 'Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaMSKExecutionRole',
} as const;

/**
 * Acknowledges the findings of the provider function that CDK creates once per stack for
 * AwsCustomResource (CDK-managed code): it logs through AWSLambdaBasicExecutionRole.
 * Call after the stack's AwsCustomResources are created.
 */
export function acknowledgeAwsCustomResourceProvider(stack: Stack): void {
  const provider = stack.node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
  if (!provider) return;
  acknowledge(provider, 'AwsSolutions-IAM4', 'CDK-managed AwsCustomResource provider: writes its logs through AWSLambdaBasicExecutionRole', [
    MANAGED_POLICY.basicExecution,
  ]);
}
