import { createSweepHandler, type SweepHandler } from './shared/auditor';
import { createDocumentClient } from './shared/clients';
import { parseAuditSweepConfig } from './shared/config';
import { processLogger, processMetrics } from './shared/observability';

// Validated at cold start: a missing or bad variable fails the init with a ConfigError naming it.
const config = parseAuditSweepConfig(process.env);

export const handler: SweepHandler = createSweepHandler({
  doc: createDocumentClient(),
  config,
  metrics: processMetrics(),
  log: processLogger(),
});
