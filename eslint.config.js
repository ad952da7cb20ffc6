import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', 'job/', '.playground/', 'bench/results/'] },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['error'] }],
      '@typescript-eslint/explicit-module-boundary-types': 'error',
    },
  },
  {
    // Configuration is read from the environment once, at each edge, and passed on from there.
    files: ['**/*.ts'],
    ignores: [
      'bin/**', 'test/**', '.ci/**', 'cli/main.ts', 'bench/main.ts', 'chaos/main.ts', 'infra/bin/**',
      'lambdas/*.ts', 'infra/lambdas/**', 'local/daemon.ts', 'local/functions/*-host.ts',
      // the one place that spawns a process: a child inherits the parent's environment unless given one
      'local/process.ts',
    ],
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'env', message: 'read the environment at an edge (a handler, a host, a main) and pass the values in' },
      ],
    },
  },
  {
    // the web view's page script runs in the browser
    files: ['local/view/static/**/*.js'],
    languageOptions: { globals: { document: 'readonly', fetch: 'readonly', setTimeout: 'readonly' } },
  },
  {
    files: ['bin/**', 'test/**', 'bench/**', '.ci/**'],
    rules: { 'no-console': 'off' },
  },
);
