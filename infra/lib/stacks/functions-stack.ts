import { Stack, type StackProps } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import { PlaygroundFunctions } from '../constructs/playground-functions';
import type { PlaygroundStreams } from '../streams';

export interface FunctionsStackProps extends StackProps {
  /** The repository root. */
  readonly root: string;
  readonly streams: PlaygroundStreams;
  readonly ledger: dynamodb.ITable;
  readonly audit: dynamodb.ITable;
  /** @default GENERATOR_DEFAULTS.eventsPerWindow (1000) */
  readonly eventsPerWindow?: number;
  /** @default true */
  readonly generatorEnabled?: boolean;
}

/** The generator, auditor and audit-sweep Lambda functions with their schedules and event source. */
export class FunctionsStack extends Stack {
  public readonly functions: PlaygroundFunctions;

  constructor(scope: Construct, id: string, props: FunctionsStackProps) {
    super(scope, id, props);
    this.functions = new PlaygroundFunctions(this, 'Functions', props);
  }
}
