import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

/** The browsers a test may drive, by the names their packages put on PATH. */
const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** How to get one, in the message a test fails with when there is none. */
const CHROMIUM_MISSING =
  'no Chromium found on PATH (chromium, chromium-browser or google-chrome), and CHROMIUM is not set: install it, e.g. on Debian or Ubuntu: sudo apt-get install -y chromium (or set CHROMIUM=/path/to/chrome)';

/** The Chromium on this machine: `CHROMIUM`, else the first of NAMES on PATH. @throws Error with CHROMIUM_MISSING */
function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHROMIUM) return env.CHROMIUM;
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    for (const name of NAMES) {
      const file = path.join(dir, name);
      try {
        accessSync(file, constants.X_OK);
        return file;
      } catch {
        // not here
      }
    }
  }
  throw new Error(CHROMIUM_MISSING);
}

/**
 * A headless Chromium of the machine's own (playwright-core downloads no browser). Root (CI) runs
 * it without its sandbox, which needs user namespaces a container may not allow.
 */
export function launchChromium(): Promise<Browser> {
  const executablePath = findChromium();
  return chromium.launch({ executablePath, headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}
