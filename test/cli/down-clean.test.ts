import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { down } from '../../cli/commands/down';
import { main } from '../../cli/main';
import { recordingIo } from './support';

let root: string;
let home: string;

beforeEach(() => {
  root = mkdtempSync(path.join(tmpdir(), 'pg-down-'));
  home = path.join(root, '.playground');
});

afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(relative: string, bytes: number): void {
  const file = path.join(home, relative);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, 'x'.repeat(bytes));
}

/** A home as a stopped stack leaves it: topics, tables, checkpoints, the control plane's state, logs and the cache. */
function stoppedStack(): void {
  write('data/kafka/input-0/00000000000000000000.log', 3 * 1024);
  write('data/dynamodb/shared-local-instance.db', 1024);
  write('data/flink/checkpoints/chk-1/_metadata', 1024);
  write('state/auditor-positions.json', 512);
  write('state/events.jsonl', 512);
  write('state/control-plane/applications/click-count-app.json', 1024);
  write('logs/jobmanager.log', 2048);
  write('cache/classpaths/flink.txt', 100);
}

describe('playground down --clean', () => {
  it('with no stack running, says so, removes data/, state/ and logs/ with their sizes, and keeps cache/', async () => {
    stoppedStack();
    const io = recordingIo();

    const code = await down({ home, clean: true }, io);

    expect(code).toBe(0);
    expect(readdirSync(home)).toEqual(['cache']);
    expect(existsSync(path.join(home, 'cache', 'classpaths', 'flink.txt'))).toBe(true);
    const text = io.lines.join('\n');
    expect(text).toContain('no local playground is running');
    expect(text).toMatch(/data\/\s+5\.0 KiB/);
    expect(text).toMatch(/state\/\s+2\.0 KiB/);
    expect(text).toMatch(/logs\/\s+2\.0 KiB/);
    expect(text).toContain('kept cache/ (100 B');
  });

  it('plain down keeps data/, state/ and logs/', async () => {
    stoppedStack();

    expect(await down({ home }, recordingIo())).toBe(0);

    expect(readdirSync(home).sort()).toEqual(['cache', 'data', 'logs', 'state']);
    expect(existsSync(path.join(home, 'data', 'kafka', 'input-0', '00000000000000000000.log'))).toBe(true);
  });

  it('cleans an already cleaned home without complaint', async () => {
    stoppedStack();
    await down({ home, clean: true }, recordingIo());
    const io = recordingIo();

    expect(await down({ home, clean: true }, io)).toBe(0);
    expect(io.lines.join('\n')).toContain('nothing to clean');
    expect(readdirSync(home)).toEqual(['cache']);
  });

  it('refuses (exit 2) a folder without state/ or data/, and one holding anything a playground does not write', async () => {
    const project = path.join(root, 'project');
    mkdirSync(path.join(project, 'logs'), { recursive: true });
    writeFileSync(path.join(project, 'logs', 'app.log'), 'keep me');
    const withData = path.join(root, 'other');
    mkdirSync(path.join(withData, 'data'), { recursive: true });
    mkdirSync(path.join(withData, 'src'));
    const io = recordingIo();

    expect(await down({ home: project, clean: true }, io)).toBe(2);
    expect(await down({ home: withData, clean: true }, io)).toBe(2);
    expect(await main(['down', '--clean', '--home', path.join(root, 'missing')], io)).toBe(2);

    expect(existsSync(path.join(project, 'logs', 'app.log'))).toBe(true);
    expect(existsSync(path.join(withData, 'data'))).toBe(true);
    expect(io.errors.join('\n')).toContain('has no state/ or data/ folder');
    expect(io.errors.join('\n')).toContain("'src'");
  });
});
