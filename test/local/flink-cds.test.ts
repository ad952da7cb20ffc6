import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TaskManagerClassArchive } from '../../local/flink/cds';

const JVM = { java: 'java', searchPath: '', classpath: ['/m2/flink-runtime.jar', '/m2/flink-core.jar'], flags: ['-Xmx300m'] };

describe('TaskManagerClassArchive', () => {
  let cache: string;
  beforeEach(() => {
    cache = mkdtempSync(path.join(tmpdir(), 'cds-test-'));
  });
  afterEach(() => rmSync(cache, { recursive: true, force: true }));

  const archiveFlag = (args: string[], flag: string): string | undefined =>
    args.find((a) => a.startsWith(`-XX:${flag}=`))?.slice(`-XX:${flag}=`.length);

  it('lets the first TaskManager write the archive at its exit, and later ones map it', () => {
    const archives = new TaskManagerClassArchive(cache);
    const first = archives.optionsFor('taskmanager-1', JVM);
    const partial = archiveFlag(first.args, 'ArchiveClassesAtExit');
    expect(partial).toBeDefined();
    expect(archives.optionsFor('taskmanager-2', JVM).args).toEqual([]); // one writer at a time

    writeFileSync(partial as string, 'archive'); // what the JVM writes as it exits
    first.ended({ code: 143, signal: null });

    const later = archives.optionsFor('taskmanager-3', JVM);
    const mapped = archiveFlag(later.args, 'SharedArchiveFile');
    expect(mapped).toBe((partial as string).replace(/\.taskmanager-1\.tmp$/, ''));
    expect(existsSync(mapped as string)).toBe(true);
    expect(readdirSync(path.join(cache, 'cds'))).toEqual([path.basename(mapped as string)]);
  });

  it('throws away what a killed writer left and lets the next TaskManager write it', () => {
    const archives = new TaskManagerClassArchive(cache);
    const first = archives.optionsFor('taskmanager-1', JVM);
    writeFileSync(archiveFlag(first.args, 'ArchiveClassesAtExit') as string, 'half an archive');
    first.ended({ code: null, signal: 'SIGKILL' });

    expect(readdirSync(path.join(cache, 'cds'))).toEqual([]);
    expect(archiveFlag(archives.optionsFor('taskmanager-2', JVM).args, 'ArchiveClassesAtExit')).toMatch(/\.taskmanager-2\.tmp$/);
  });

  it('keeps no empty archive (a JVM that wrote nothing)', () => {
    const archives = new TaskManagerClassArchive(cache);
    const first = archives.optionsFor('taskmanager-1', JVM);
    first.ended({ code: 1, signal: null });
    expect(archiveFlag(archives.optionsFor('taskmanager-2', JVM).args, 'ArchiveClassesAtExit')).toBeDefined();
  });

  it('names the archive after the classpath and the JVM flags, so another layout writes its own', () => {
    const name = (jvm: typeof JVM): string => path.basename(archiveFlag(new TaskManagerClassArchive(cache).optionsFor('tm', jvm).args, 'ArchiveClassesAtExit') as string);
    const base = name(JVM);
    expect(name({ ...JVM, flags: ['-Xmx600m'] })).not.toBe(base);
    expect(name({ ...JVM, classpath: [...JVM.classpath, '/m2/extra.jar'] })).not.toBe(base);
    expect(name({ ...JVM })).toBe(base);
  });
});
