import { createAuditorHandler, type AuditorHandler } from './shared/auditor';
import { createDocumentClient } from './shared/clients';
import { parseAuditorConfig } from './shared/config';
import { processLogger, processMetrics } from './shared/observability';

// Validated at cold start: a missing or bad variable fails the init with a ConfigError naming it.
const config = parseAuditorConfig(process.env);

export const handler: AuditorHandler = createAuditorHandler({
  doc: createDocumentClient(),
  config,
  metrics: processMetrics(),
  log: processLogger(),
});
