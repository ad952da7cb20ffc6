import { createDocumentClient, createKinesisClient } from './shared/clients';
import { parseGeneratorConfig } from './shared/config';
import { createGeneratorHandler, type GeneratorHandler } from './shared/generator';
import { KafkaStreamWriter } from './shared/kafka-writer';
import { KinesisStreamWriter } from './shared/kinesis-writer';
import { DynamoDbLedger } from './shared/ledger';
import { processLogger, processMetrics } from './shared/observability';

// Validated at cold start: a missing or bad variable fails the init with a ConfigError naming it.
const config = parseGeneratorConfig(process.env);

export const handler: GeneratorHandler = createGeneratorHandler({
  ...config,
  ledger: new DynamoDbLedger(createDocumentClient(), config.ledgerTableName),
  writer:
    config.target.kind === 'kinesis'
      ? new KinesisStreamWriter({ client: createKinesisClient(), streamName: config.target.streamName })
      : new KafkaStreamWriter(config.target),
  log: processLogger(),
  metrics: processMetrics(),
});
