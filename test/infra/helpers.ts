import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseConfig, type PlaygroundConfig } from '../../infra/lib/config';
import { createPlayground, type PlaygroundStacks } from '../../infra/lib/playground';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Synthesized {
  readonly app: App;
  readonly config: PlaygroundConfig;
  readonly stacks: PlaygroundStacks;
  /** Templates of the stacks that exist, by stack name. */
  readonly templates: Readonly<Record<string, Template>>;
}

/**
 * A fresh App with the playground for the given context. `bundle: false` uses CDK's
 * `aws:cdk:bundling-stacks` context to skip esbuild (function properties are still synthesized);
 * the job jar comes from the same build-when-stale mechanism as `cdk synth`.
 */
export function synthesize(context: Record<string, unknown>, options: { bundle?: boolean } = {}): Synthesized {
  const app = new App({
    context: {
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const config = parseConfig(context);
  const stacks = createPlayground(app, config, { root: ROOT });
  const templates: Record<string, Template> = {};
  for (const stack of Object.values(stacks)) {
    if (stack instanceof Stack) templates[stack.stackName] = Template.fromStack(stack);
  }
  return { app, config, stacks, templates };
}

/** The template with asset hashes (64 hex digits) replaced, for snapshots. */
export function normalised(template: Template): unknown {
  return JSON.parse(JSON.stringify(template.toJSON()).replace(/[0-9a-f]{64}/g, '<asset-hash>'));
}

export interface DocumentedProperty {
  readonly group: string;
  readonly key: string;
  readonly default: string;
  /** `undefined`: optional; `{}`: always required; else required when `key` = `value`. */
  readonly requiredWhen?: { readonly key?: string; readonly value?: string };
}

/**
 * The job's property groups as documented in `job/README.md`: the table with the header
 * `| Group | Key | Default | Description |`. A default of `(required)` or
 * `(required when key=value…)` marks a required key.
 */
export function documentedJobProperties(readme = join(ROOT, 'job', 'README.md')): DocumentedProperty[] {
  const lines = readFileSync(readme, 'utf8').split('\n');
  const header = lines.findIndex((line) => /^\|\s*Group\s*\|\s*Key\s*\|\s*Default\s*\|\s*Description\s*\|/.test(line));
  if (header < 0) throw new Error('job/README.md has no `| Group | Key | Default | Description |` table');
  const rows: DocumentedProperty[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const [group, key, def] = line.split('|').slice(1, 4).map((cell) => cell.trim().replace(/`/g, ''));
    const required = /^\(required(?:\s+when\s+([\w.-]+)=([\w-]+))?/.exec(def);
    rows.push({ group, key, default: def, requiredWhen: required ? { key: required[1], value: required[2] } : undefined });
  }
  return rows;
}
