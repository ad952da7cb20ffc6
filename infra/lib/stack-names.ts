/**
 * The CDK app's stack names, in the order `cdk deploy --all` deploys them (dependency order). The
 * CLI reads `cdk deploy --outputs-file` by these names. A module without imports, so the CLI can
 * take it without loading the CDK.
 */
export const STACK_NAMES = {
  stateful: 'PlaygroundStateful',
  application: 'PlaygroundApplication',
  functions: 'PlaygroundFunctions',
  monitoring: 'PlaygroundMonitoring',
} as const;

/** Every stack name, in deploy order. */
export const STACK_NAME_LIST = [STACK_NAMES.stateful, STACK_NAMES.application, STACK_NAMES.functions, STACK_NAMES.monitoring] as const;
