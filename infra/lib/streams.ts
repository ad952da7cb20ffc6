import type * as kinesis from 'aws-cdk-lib/aws-kinesis';
import type { MskCluster } from './constructs/msk-cluster';

/** The Kafka topics and consumer groups of the playground. */
export const KAFKA_TOPICS = { input: 'input', output: 'output' } as const;
export const KAFKA_GROUPS = { job: 'click-count-job', auditor: 'playground-auditor' } as const;

/** The streams the job, generator and auditor are wired to: two Kinesis streams or an MSK cluster. */
export type PlaygroundStreams =
  | { readonly kind: 'kinesis'; readonly input: kinesis.IStream; readonly output: kinesis.IStream }
  | { readonly kind: 'msk'; readonly cluster: MskCluster };
