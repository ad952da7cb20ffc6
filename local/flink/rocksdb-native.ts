import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { resolveJava } from './cds';

const run = promisify(execFile);

/**
 * The file name frocksdb's `Environment.getJniLibraryFileName("rocksdb")` gives on this platform
 * (glibc Linux on x86-64 or arm64), or undefined where this module does not pre-extract (other
 * systems, musl): there Flink extracts the library itself, as before.
 */
export function rocksDbJniFileName(platform: NodeJS.Platform = process.platform, arch: string = process.arch, glibc = hasGlibc()): string | undefined {
  if (platform !== 'linux' || !glibc) return undefined;
  if (arch === 'x64') return 'librocksdbjni-linux64.so';
  if (arch === 'arm64') return 'librocksdbjni-linux-aarch64.so';
  return undefined;
}

function hasGlibc(): boolean {
  const header = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header;
  return typeof header?.glibcVersionRuntime === 'string';
}

/**
 * RocksDB's JNI library, extracted once into the cache, for the TaskManagers' library path.
 *
 * Every TaskManager's first RocksDB-backed task calls frocksdb's `NativeLibraryLoader.loadLibrary`,
 * which tries `System.loadLibrary` first and only then copies the 13 MB library out of the
 * frocksdbjni jar into the task's temporary folder — about 0.2 s on a quiet 2-core machine and 0.7 s
 * under load, on the path of every start, scale and recovery (docs/benchmarks.md). With the library
 * in a folder on `LD_LIBRARY_PATH` (which the JVM puts first on `java.library.path` on Linux;
 * ProcessSpec's `libraryDirs`), the first attempt finds it. The library is the jar's own file, byte for byte; the folder is named after
 * the jar's path, size and time, so another frocksdb version extracts its own.
 *
 * Returns the folder, or undefined when there is nothing to do or the extraction failed (no `jar`
 * beside `java`, an unreadable jar): the TaskManagers then load the library as Flink does by default.
 */
export async function rocksDbLibraryDir(options: {
  readonly cacheDir: string;
  readonly classpath: readonly string[];
  readonly java: string;
  /** Where a bare `java` is looked up (the processes' PATH); `jar` is the JDK's beside it. */
  readonly searchPath: string | undefined;
  readonly fileName?: string;
}): Promise<string | undefined> {
  const fileName = options.fileName ?? rocksDbJniFileName();
  const jar = options.classpath.find((entry) => /frocksdbjni-[^/\\]*\.jar$/.test(entry));
  if (!fileName || !jar || !existsSync(jar)) return undefined;
  const { size, mtimeMs } = statSync(jar);
  const key = `${path.basename(jar, '.jar')}-${size}-${Math.round(mtimeMs)}`;
  const dir = path.join(options.cacheDir, 'native', key);
  if (existsSync(path.join(dir, fileName))) return dir;

  const jarTool = path.join(path.dirname(resolveJava(options.java, options.searchPath ?? '')), 'jar');
  if (!existsSync(jarTool)) return undefined;
  mkdirSync(path.dirname(dir), { recursive: true });
  const partial = mkdtempSync(`${dir}.tmp-`);
  try {
    await run(jarTool, ['xf', jar, fileName], { cwd: partial, timeout: 60_000 });
    if (!existsSync(path.join(partial, fileName))) return undefined;
    // another stack of this home may have finished first; either copy is the same file
    if (!existsSync(dir)) renameSync(partial, dir);
    return dir;
  } catch {
    return undefined;
  } finally {
    rmSync(partial, { recursive: true, force: true });
  }
}
