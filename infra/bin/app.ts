/**
 * The CDK app (`cdk.json`: `npx tsx infra/bin/app.ts`). The only place that reads configuration:
 * CDK context from cdk.json or `-c key=value`.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_KEYS, InvalidConfigError, parseConfig } from '../lib/config';
import { createPlayground } from '../lib/playground';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = new App();
const raw = Object.fromEntries(CONFIG_KEYS.map((key) => [key, app.node.tryGetContext(key)]));

try {
  const config = parseConfig(raw);
  createPlayground(app, config, { root, log: (line) => console.error(line) });
} catch (error) {
  if (error instanceof InvalidConfigError) {
    console.error(`error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}
Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
app.synth();
