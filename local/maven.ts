import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { LocalStackError, MissingToolError } from './errors';
import { repoRoot } from './paths';

const run = promisify(execFile);

/** The folder of the small poms that describe each local runtime (flink, kafka, dynamodb-local). */
const pomsDir: string = path.join(repoRoot, 'local', 'poms');

export interface ResolveOptions {
  /** Where resolved classpaths are cached (one file per pom content). */
  readonly cacheDir: string;
  /** Told once when Maven has to run (the first time, or after the pom changed). */
  readonly onResolve?: (message: string) => void;
  /** @default 'mvn' */
  readonly mvn?: string;
}

/**
 * The classpath (absolute jar paths) of the runtime described by `local/poms/<name>/pom.xml`,
 * resolved from Maven Central into the local Maven repository. The result is cached under
 * `cacheDir`, keyed by the pom's content, and re-resolved when a cached jar has gone missing.
 */
export async function resolveClasspath(name: string, options: ResolveOptions): Promise<string[]> {
  const pom = path.join(pomsDir, name, 'pom.xml');
  if (!existsSync(pom)) throw new LocalStackError(`no pom for the local runtime '${name}' (${pom})`);
  const digest = createHash('sha256').update(readFileSync(pom)).digest('hex').slice(0, 16);
  const cacheFile = path.join(options.cacheDir, `classpath-${name}-${digest}.txt`);
  const cached = readClasspathFile(cacheFile);
  if (cached && cached.every((jar) => existsSync(jar))) return cached;

  mkdirSync(options.cacheDir, { recursive: true });
  options.onResolve?.(`resolving ${name} from Maven Central (first run only; this can take a few minutes)`);
  const partial = `${cacheFile}.${process.pid}.tmp`;
  try {
    await run(
      options.mvn ?? 'mvn',
      ['-B', '-q', '-f', pom, 'dependency:build-classpath', `-Dmdep.outputFile=${partial}`, '-Dmdep.includeScope=runtime'],
      { timeout: 20 * 60_000, maxBuffer: 16 * 1024 * 1024 },
    );
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (failure.code === 'ENOENT') {
      throw new MissingToolError('Maven (mvn) was not found on the PATH: the local stack needs Maven 3.8+', { cause: error });
    }
    const detail = `${failure.stdout ?? ''}${failure.stderr ?? ''}`.trim().split('\n').slice(-15).join('\n');
    throw new LocalStackError(`Maven could not resolve the '${name}' runtime (${pom}):\n${detail}`, { cause: error });
  }
  renameSync(partial, cacheFile);
  const classpath = readClasspathFile(cacheFile);
  if (!classpath || classpath.length === 0) throw new LocalStackError(`Maven resolved an empty classpath for '${name}'`);
  return classpath;
}

function readClasspathFile(file: string): string[] | undefined {
  if (!existsSync(file)) return undefined;
  return readFileSync(file, 'utf8')
    .trim()
    .split(path.delimiter)
    .filter((entry) => entry.length > 0);
}
