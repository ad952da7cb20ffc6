import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Where the job's Maven build lives, relative to the repository root. */
export interface JobJarLocation {
  /** The repository root. */
  readonly root: string;
  /** @default 'job' */
  readonly jobDir?: string;
  /** @default 'target/click-count-job.jar' (relative to `jobDir`) */
  readonly jar?: string;
}

/**
 * Maven failed to build the job jar.
 * @public what `ensureJobJar` throws, for callers that tell a build failure from other errors
 */
export class JobBuildError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'JobBuildError';
  }
}

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** True when the jar is missing or older than any file under `job/src` or `job/pom.xml`. */
function isJobJarStale(location: JobJarLocation): boolean {
  const jobDir = join(location.root, location.jobDir ?? 'job');
  const jar = join(jobDir, location.jar ?? 'target/click-count-job.jar');
  if (!existsSync(jar)) return true;
  const sources = Math.max(newestMtime(join(jobDir, 'src')), newestMtime(join(jobDir, 'pom.xml')));
  return statSync(jar).mtimeMs < sources;
}

/**
 * Returns the path of the job jar, building it with Maven first (`package -DskipTests`, no Docker)
 * when it is missing or stale. Synchronous: CDK constructs are built synchronously.
 */
export function ensureJobJar(location: JobJarLocation, log: (line: string) => void = () => {}): string {
  const jobDir = join(location.root, location.jobDir ?? 'job');
  const jar = join(jobDir, location.jar ?? 'target/click-count-job.jar');
  if (!isJobJarStale(location)) return jar;
  log(`building the job jar with Maven (${jar} is missing or older than its sources)…`);
  const build = (): void => {
    execFileSync('mvn', ['-f', join(jobDir, 'pom.xml'), '-B', '-q', 'package', '-DskipTests'], {
      cwd: location.root,
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  };
  try {
    build();
  } catch (first) {
    // Another build of the same work tree (an IDE, a parallel `mvn`) may have raced this one
    // over `target/`: use its jar if it is fresh, else try once more.
    if (!isJobJarStale(location)) return jar;
    log('the Maven build failed; retrying once…');
    try {
      build();
    } catch (error) {
      const output = error instanceof Error && 'stdout' in error ? String((error as { stdout: unknown }).stdout) : '';
      throw new JobBuildError(`Maven could not build the job jar (mvn -f job/pom.xml package -DskipTests):\n${output.slice(-4000)}`, {
        cause: error ?? first,
      });
    }
  }
  if (!existsSync(jar)) throw new JobBuildError(`Maven finished but ${jar} does not exist`);
  return jar;
}
