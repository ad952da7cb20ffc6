import { createHash } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ProcessExit } from '../process';

/** The JVM's CDS log (a warning for each of the ~1,000 classes it cannot archive, in the TaskManager's log) is off. */
const QUIET = '-Xlog:cds=off,cds+dynamic=off';

/** What an archive depends on: the java binary (found on `searchPath`), the classpath and the memory flags. */
interface TaskManagerJvm {
  readonly java: string;
  readonly searchPath?: string;
  readonly classpath: readonly string[];
  readonly flags: readonly string[];
}

/**
 * Application class-data sharing (AppCDS, JDK 13+) for the TaskManager JVMs: the first TaskManager
 * writes the classes it loaded into an archive when it ends (`-XX:ArchiveClassesAtExit`), and every
 * later one maps that archive (`-XX:SharedArchiveFile`) instead of loading and verifying those
 * classes from the jars again. A TaskManager then registers sooner — measured in docs/benchmarks.md
 * — which every start, scale and replacement waits for. The job's classes are not in it (Flink loads
 * them in a class loader of its own per job), so the archive is only Flink's and its libraries'.
 *
 * The archive is named after everything it depends on (the java binary, the classpath, the JVM
 * flags), so a new JDK, Flink version or memory layout writes a new one. The JVM validates an
 * archive when it maps it and runs without it if it does not match (its CDS log is off), so a
 * stale or unreadable file costs the speed-up, never the TaskManager.
 */
export class TaskManagerClassArchive {
  private writing = false;

  constructor(private readonly cacheDir: string) {}

  /**
   * The JVM options for a TaskManager about to start, and what to do when it ends: map the archive
   * if there is one; otherwise let this JVM write it at its exit (one writer at a time).
   */
  optionsFor(
    id: string,
    jvm: TaskManagerJvm,
  ): { args: string[]; ended: (exit: ProcessExit) => void } {
    const archive = path.join(this.cacheDir, 'cds', `taskmanager-${archiveKey(jvm)}.jsa`);
    if (existsSync(archive)) return { args: [`-XX:SharedArchiveFile=${archive}`, QUIET], ended: () => undefined };
    if (this.writing) return { args: [], ended: () => undefined };
    this.writing = true;
    mkdirSync(path.dirname(archive), { recursive: true });
    const partial = `${archive}.${id}.tmp`;
    return {
      args: [`-XX:ArchiveClassesAtExit=${partial}`, QUIET],
      ended: (exit) => {
        this.writing = false;
        // A JVM killed (SIGKILL) may have left half a file; one that exited wrote it whole.
        if (exit.signal !== 'SIGKILL' && existsSync(partial) && statSync(partial).size > 0) renameSync(partial, archive);
        else rmSync(partial, { force: true });
      },
    };
  }
}

function archiveKey(jvm: TaskManagerJvm): string {
  const binary = resolveJava(jvm.java, jvm.searchPath ?? '');
  const hash = createHash('sha256');
  hash.update(binary);
  try {
    hash.update(String(statSync(binary).mtimeMs));
  } catch {
    // not found: the JVM start fails on its own and says why
  }
  for (const part of [...jvm.classpath, '\0', ...jvm.flags]) hash.update(`${part}\n`);
  return hash.digest('hex').slice(0, 16);
}

/** The java binary's real path (a `java` on the search path resolved through its links), or the name as given. */
export function resolveJava(java: string, searchPath: string): string {
  const candidates = java.includes(path.sep) ? [java] : searchPath.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, java));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return realpathSync(candidate);
    } catch {
      // not here
    }
  }
  return java;
}
