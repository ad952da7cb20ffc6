#!/usr/bin/env node
// Entry point of the `playground` command: runs the TypeScript CLI through tsx, so there is no
// build step between `npm install` and `npx playground`.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
