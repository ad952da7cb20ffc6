#!/usr/bin/env node
// Entry point of the `playground` command: runs the TypeScript CLI through tsx, so there is no
// build step between `npm install` and `npx playground`.
import { register } from 'tsx/esm/api';

// The SDK warns on every process that Node.js 20 support ends in 2027; README states the Node.js
// requirement once, so the warning is not repeated on every command (and every child process).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
