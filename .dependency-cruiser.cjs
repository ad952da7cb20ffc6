/**
 * The import rules that hold the layering (`npm run lint` runs them): bench and chaos → cli →
 * local / infra → lambdas, the job apart; nothing outside test/ imports from test/; no circles,
 * type-only imports included.
 * @type {import('dependency-cruiser').IConfiguration}
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A circle of imports (type-only ones too): move the shared part into a module both sides import.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'no-test-imports-outside-test',
      severity: 'error',
      comment: 'Only tests import from test/.',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'lambdas-stand-alone',
      severity: 'error',
      comment: 'The Lambda code is bundled alone: it imports only lambdas/ and packages.',
      from: { path: '^lambdas/' },
      to: { path: '^(cli|local|infra|bench|chaos)/' },
    },
    {
      name: 'local-below-cli',
      severity: 'error',
      comment: 'The local stack does not reach up into the CLI, the bench or the chaos run.',
      from: { path: '^local/' },
      to: { path: '^(cli|bench|chaos)/' },
    },
    {
      name: 'infra-below-cli',
      severity: 'error',
      comment: 'The CDK app does not depend on the CLI, the local stack, the bench or the chaos run.',
      from: { path: '^infra/' },
      to: { path: '^(cli|local|bench|chaos)/' },
    },
    {
      name: 'cli-below-bench',
      severity: 'error',
      comment: 'The CLI does not depend on the bench or the chaos run.',
      from: { path: '^cli/' },
      to: { path: '^(bench|chaos)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdk\\.out|job|\\.playground|bench/results)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
