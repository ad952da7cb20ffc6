import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';

/**
 * The throw-away playground homes of one end-to-end file. Each is removed when the file ends,
 * unless the set-up or a test of the file failed: then all are kept and their logs directories
 * printed, so a failure in CI can be read afterwards. Construct it at the top level of the file
 * (it registers an afterEach hook there).
 */
export class TestHomes {
  private readonly dirs: string[] = [];
  private failed = false;

  constructor() {
    afterEach((context) => {
      if (context.task.result?.state === 'fail') this.failed = true;
    });
  }

  /** A new home under the system's temporary directory, named `<prefix><random>`. */
  create(prefix: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  /** All homes created so far. */
  get all(): readonly string[] {
    return this.dirs;
  }

  /** Runs a set-up step (beforeAll has no afterEach): a failure keeps the homes. */
  async guard<T>(step: () => Promise<T>): Promise<T> {
    try {
      return await step();
    } catch (error) {
      this.failed = true;
      throw error;
    }
  }

  /** Removes the homes, or keeps and names them after a failure. Call last in afterAll. */
  release(): void {
    for (const dir of this.dirs) {
      if (this.failed) console.log(`kept the stack's home for a look at its logs: ${path.join(dir, 'logs')}`);
      else rmSync(dir, { recursive: true, force: true });
    }
  }
}
