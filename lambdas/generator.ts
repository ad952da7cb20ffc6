import { createDocumentClient } from './shared/clients';
import { parseGeneratorConfig } from './shared/config';
import { createGeneratorHandler, type GeneratorHandler } from './shared/generator';
import { DynamoDbLedger } from './shared/ledger';
import { processLogger, processMetrics } from './shared/observability';
import { createStreamWriter } from './shared/writers';

// Validated at cold start: a missing or bad variable fails the init with a ConfigError naming it.
const config = parseGeneratorConfig(process.env);

export const handler: GeneratorHandler = createGeneratorHandler({
  ...config,
  ledger: new DynamoDbLedger(createDocumentClient(), config.ledgerTableName),
  writer: createStreamWriter(config.target),
  log: processLogger(),
  metrics: processMetrics(),
});
