import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every Node.js function of the app is bundled: the locally installed esbuild (no Docker),
 * minified ESM for Node.js 22 with source maps.
 */
export const LOCAL_ESM_BUNDLING: nodejs.BundlingOptions = {
  forceDockerBundling: false,
  format: nodejs.OutputFormat.ESM,
  target: 'node22',
  minify: true,
  sourceMap: true,
  mainFields: ['module', 'main'],
  // ESM bundles of CommonJS dependencies (kafkajs) still call require().
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
};
