import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { PlaygroundDirs } from '../paths';
import { withHistory, type ApplicationRecord } from './model';

/**
 * The state folder of the control plane's application records. Here, not with the server, so that
 * readers of the records (`status`, health) do not load the server.
 */
export function applicationsDir(dirs: PlaygroundDirs): string {
  return path.join(dirs.state, 'control-plane', 'applications');
}

/**
 * Application records on disk, one JSON file per application, written atomically (temp file +
 * rename) so other processes (the CLI, a restarted control plane) always read a whole record.
 */
export class ApplicationStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  get(name: string): ApplicationRecord | undefined {
    const file = this.file(name);
    if (!existsSync(file)) return undefined;
    return withHistory(JSON.parse(readFileSync(file, 'utf8')) as Parameters<typeof withHistory>[0]);
  }

  list(): ApplicationRecord[] {
    return readdirSync(this.dir)
      .filter((entry) => entry.endsWith('.json'))
      .map((entry) => this.get(entry.slice(0, -'.json'.length)))
      .filter((record): record is ApplicationRecord => record !== undefined)
      .sort((a, b) => a.createdAt - b.createdAt || a.name.localeCompare(b.name));
  }

  put(record: ApplicationRecord): void {
    const file = this.file(record.name);
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(partial, file);
  }

  /** Deletes the application's record and its folder (the jars of its versions). */
  delete(name: string): void {
    rmSync(this.file(name), { force: true });
    rmSync(path.join(this.dir, name), { recursive: true, force: true });
  }

  private file(name: string): string {
    return path.join(this.dir, `${name}.json`);
  }
}
