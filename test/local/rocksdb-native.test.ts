import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rocksDbJniFileName, rocksDbLibraryDir } from '../../local/flink/rocksdb-native';
import { processEnv } from '../../local/process';

const LIBRARY = 'librocksdbjni-linux64.so';

describe("RocksDB's JNI library for the TaskManagers", () => {
  let work: string;
  let jar: string;
  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'rocksdb-native-test-'));
    // a jar laid out as frocksdbjni's: the library at its root, beside other platforms' ones
    const content = path.join(work, 'content');
    mkdirSync(content);
    writeFileSync(path.join(content, LIBRARY), 'the linux x86-64 library');
    writeFileSync(path.join(content, 'librocksdbjni-osx-arm64.jnilib'), 'another platform');
    jar = path.join(work, 'frocksdbjni-8.10.0-ververica-1.0.jar');
    execFileSync('jar', ['cf', jar, '-C', content, '.']);
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  it('names the file frocksdb looks for on glibc Linux, and nothing elsewhere', () => {
    expect(rocksDbJniFileName('linux', 'x64', true)).toBe('librocksdbjni-linux64.so');
    expect(rocksDbJniFileName('linux', 'arm64', true)).toBe('librocksdbjni-linux-aarch64.so');
    expect(rocksDbJniFileName('linux', 'x64', false)).toBeUndefined(); // musl: Flink extracts it
    expect(rocksDbJniFileName('darwin', 'arm64', true)).toBeUndefined();
  });

  it('extracts only this platform\'s library, once, into the cache', async () => {
    const cacheDir = path.join(work, 'cache');
    const options = { cacheDir, classpath: ['/m2/flink-core.jar', jar], java: 'java', searchPath: process.env.PATH, fileName: LIBRARY };
    const dir = await rocksDbLibraryDir(options);

    expect(dir).toBeDefined();
    expect(readdirSync(dir as string)).toEqual([LIBRARY]);
    expect(readFileSync(path.join(dir as string, LIBRARY), 'utf8')).toBe('the linux x86-64 library');
    const extractedAt = statSync(path.join(dir as string, LIBRARY)).mtimeMs;

    expect(await rocksDbLibraryDir(options)).toBe(dir);
    expect(statSync(path.join(dir as string, LIBRARY)).mtimeMs).toBe(extractedAt);
    expect(readdirSync(path.dirname(dir as string))).toEqual([path.basename(dir as string)]); // no partial folder left
  });

  it('leaves the loading to Flink when it cannot extract: no frocksdb jar, a jar without the library, no jar tool', async () => {
    const cacheDir = path.join(work, 'cache');
    expect(await rocksDbLibraryDir({ cacheDir, classpath: ['/m2/flink-core.jar'], java: 'java', searchPath: process.env.PATH, fileName: LIBRARY })).toBeUndefined();
    expect(await rocksDbLibraryDir({ cacheDir, classpath: [jar], java: 'java', searchPath: process.env.PATH, fileName: 'librocksdbjni-linux-aarch64.so' })).toBeUndefined();
    expect(await rocksDbLibraryDir({ cacheDir, classpath: [jar], java: path.join(work, 'no-jdk', 'java'), searchPath: undefined, fileName: LIBRARY })).toBeUndefined();
  });

  it('puts the folder first on a process\'s LD_LIBRARY_PATH, keeping what was there', () => {
    expect(processEnv({ env: { PATH: '/bin' }, libraryDirs: ['/cache/native/x'] })).toEqual({ PATH: '/bin', LD_LIBRARY_PATH: '/cache/native/x' });
    expect(processEnv({ env: { LD_LIBRARY_PATH: '/opt/lib' }, libraryDirs: ['/cache/native/x'] })?.LD_LIBRARY_PATH).toBe('/cache/native/x:/opt/lib');
    const env = { PATH: '/bin' };
    expect(processEnv({ env })).toBe(env);
    expect(processEnv({ env, extraEnv: { A: '1' } })).toEqual({ PATH: '/bin', A: '1' });
  });
});
