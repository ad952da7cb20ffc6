import { fileURLToPath } from 'node:url';
import path from 'node:path';

/** The repository root (where package.json is), whatever the current directory. */
export const repoRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Everything the local stack writes: caches, logs, data, checkpoints, the control plane's state. */
export interface PlaygroundDirs {
  readonly home: string;
  readonly cache: string;
  readonly logs: string;
  readonly data: string;
  readonly state: string;
}

export function playgroundDirs(home: string = path.join(repoRoot, '.playground')): PlaygroundDirs {
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
