import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';
import { AUDIT_TABLE, LEDGER_TABLE, type TableSchema } from '../../../lambdas/shared/tables';

export interface PlaygroundTablesProps {
  /** @default RemovalPolicy.DESTROY — a sandbox playground keeps nothing after `cdk destroy` */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The generator's ledger and the auditor's verdicts, built from the schemas the handlers and the
 * local stack share (`lambdas/shared/tables.ts`): on-demand, KMS encryption with the AWS-managed
 * key, point-in-time recovery, TTL.
 */
export class PlaygroundTables extends Construct {
  public readonly ledger: dynamodb.Table;
  public readonly audit: dynamodb.Table;

  constructor(scope: Construct, id: string, props: PlaygroundTablesProps = {}) {
    super(scope, id);
    this.ledger = this.table(LEDGER_TABLE, props);
    this.audit = this.table(AUDIT_TABLE, props);
  }

  private table(schema: TableSchema, props: PlaygroundTablesProps): dynamodb.Table {
    const key = (k: TableSchema['partitionKey']): dynamodb.Attribute => ({ name: k.name, type: dynamodb.AttributeType.STRING });
    return new dynamodb.Table(this, schema.id, {
      partitionKey: key(schema.partitionKey),
      sortKey: schema.sortKey ? key(schema.sortKey) : undefined,
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      timeToLiveAttribute: schema.timeToLiveAttribute,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.DESTROY,
    });
  }
}
