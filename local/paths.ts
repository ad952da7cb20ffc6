import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (where package.json is), whatever the current directory. */
export const repoRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The fields of package.json the CLI uses. */
export interface PackageInfo {
  readonly name: string;
  readonly version: string;
}

function readPackageInfo(dir: string): PackageInfo | undefined {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<PackageInfo>;
    return typeof parsed.name === 'string' ? { name: parsed.name, version: String(parsed.version ?? '') } : undefined;
  } catch {
    return undefined;
  }
}

/** This repository's package.json: its name tells a checkout apart, its version is `playground --version`. */
export const packageInfo: PackageInfo = readPackageInfo(repoRoot) ?? { name: 'managed-flink-playground', version: '0.0.0' };

/** The folder of a checkout where the local stack lives unless `--home` says otherwise. */
const HOME_DIR_NAME = '.playground';

/** True when `dir` is the root of a checkout of this repository (its package.json names this package). */
export function isCheckout(dir: string): boolean {
  return readPackageInfo(dir)?.name === packageInfo.name;
}

/** The checkout that `dir` is in (or is), walking up; undefined outside any checkout. */
export function findCheckout(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (isCheckout(current)) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

/**
 * The stack's home, the one rule every command follows to find (or place) the local stack:
 * - no `--home`: the `.playground` of the checkout the current directory is in (any folder of it),
 *   else of the checkout this code runs from;
 * - `--home` naming a checkout: its `.playground`;
 * - any other `--home` (the `.playground` folder itself, or a home elsewhere): that directory,
 *   relative to the current directory.
 * Always an absolute path, so processes started elsewhere (the supervisor) agree on it.
 */
export function resolveHome(home?: string, cwd: string = process.cwd()): string {
  if (home === undefined || home === '') return path.join(findCheckout(cwd) ?? repoRoot, HOME_DIR_NAME);
  const dir = path.resolve(cwd, home);
  return isCheckout(dir) ? path.join(dir, HOME_DIR_NAME) : dir;
}

/** Everything the local stack writes: caches, logs, data, checkpoints, the control plane's state. */
export interface PlaygroundDirs {
  readonly home: string;
  readonly cache: string;
  readonly logs: string;
  readonly data: string;
  readonly state: string;
}

export function playgroundDirs(home: string = path.join(repoRoot, HOME_DIR_NAME)): PlaygroundDirs {
  return {
    home,
    cache: path.join(home, 'cache'),
    logs: path.join(home, 'logs'),
    data: path.join(home, 'data'),
    state: path.join(home, 'state'),
  };
}

/** The job jar that Maven builds (`mvn -f job/pom.xml package`). */
export const jobJarPath: string = path.join(repoRoot, 'job', 'target', 'click-count-job.jar');
