/** Reading what `cdk deploy --outputs-file` wrote: the stacks, the file, their outputs. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { STACK_NAME_LIST } from '../infra/lib/stack-names';
import { repoRoot } from '../local/paths';
import { UsageError } from './io';

/** The stack names whose outputs `cdk deploy --outputs-file` writes (infra/lib/stack-names.ts). */
export const CDK_STACKS = STACK_NAME_LIST;

/** Outputs of `cdk deploy --outputs-file`: stack name → output key → value. */
export type CdkOutputs = Readonly<Record<string, Readonly<Record<string, string>>>>;

/** The outputs file as written, stack by stack; undefined when there is none. @throws UsageError when it is not JSON */
export function readCdkOutputsFile(file: string): CdkOutputs | undefined {
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as CdkOutputs;
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (write it with: npx cdk deploy --all --outputs-file cdk-outputs.json)`, { cause: error });
  }
}

/** Every stack's outputs of the file, merged into one map. */
export function readCdkOutputs(file: string): Readonly<Record<string, string>> | undefined {
  const parsed = readCdkOutputsFile(file);
  if (!parsed) return undefined;
  const merged: Record<string, string> = {};
  for (const stack of CDK_STACKS) Object.assign(merged, parsed[stack] ?? {});
  return merged;
}

/** The outputs file `--outputs` names, else cdk-outputs.json of the repository. */
export function outputsFilePath(flags: { readonly outputs?: string }): string {
  return path.resolve(flags.outputs ?? path.join(repoRoot, 'cdk-outputs.json'));
}
