import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration suites start real JVMs (Flink, Kafka, DynamoDB Local); on a 2-core machine
    // running their files one at a time is faster and steadier than running them side by side.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 300_000,
    restoreMocks: true,
    // README states the Node.js requirement; the SDK's per-process reminder only clutters the output.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});
