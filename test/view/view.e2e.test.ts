import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpReport } from '../../cli/commands/up';
import { repoRoot } from '../../local/paths';
import { launchChromium } from '../support/chromium';
import { runCli } from '../support/cli';
import { TestHomes } from '../support/homes';
import { E2EStack } from '../support/local-stack';

/**
 * The web view in a real headless Chromium, on one local stack (Kafka): the grid shows the windows
 * with the verdicts `playground audit --json` gives them, and `playground fail` puts a marker on
 * the timeline. A screenshot goes to test-results/view/.
 */
const homes = new TestHomes();
const stack = new E2EStack(homes.create('playground-view-'));
const minute = 60_000;
const screenshots = path.join(repoRoot, 'test-results', 'view');
let browser: Browser | undefined;
let page: Page;

type Verdicts = Record<string, string>;

/** The verdict of every column of the grid, by window start. */
function gridVerdicts(): Promise<Verdicts> {
  return page.$$eval('#grid .column', (columns) =>
    Object.fromEntries(columns.map((c) => [c.getAttribute('data-window-start') ?? '?', c.getAttribute('data-verdict') ?? '?'])),
  );
}

/** Waits until the grid shows an audit read after `ms` (the page refreshes it every 2 s). */
async function gridReadAfter(ms: number): Promise<void> {
  // an expression, evaluated in the page (the test's own types have no DOM)
  await page.waitForFunction(`Date.parse(document.getElementById('grid')?.dataset.now ?? '') > ${ms}`, undefined, { timeout: minute });
}

function countBy(verdicts: Verdicts): Record<string, number> {
  const counts: Record<string, number> = { exact: 0, wrong: 0, missing: 0, incomplete: 0, pending: 0 };
  for (const verdict of Object.values(verdicts)) counts[verdict] = (counts[verdict] ?? 0) + 1;
  return counts;
}

beforeAll(
  () =>
    homes.guard(async () => {
      // Without a browser there is nothing to test: say how to get one before starting a stack.
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await stack.start();
      await page.goto(stack.record.endpoints.view ?? 'http://127.0.0.1:1/no-view');
      await page.waitForSelector('#grid .column[data-verdict="exact"]', { timeout: minute });
    }),
  12 * minute,
);

afterAll(async () => {
  await browser?.close();
  await stack.down();
  homes.release();
}, 4 * minute);

describe('the web view of a local stack', () => {
  it('shows every window with the verdict playground audit --json gives it', async () => {
    // The grid refreshes every 2 s and the auditor decides a window every 15 s: compare the audit
    // with a grid read before it that is still the same in a grid read after it.
    let last = '';
    for (let attempt = 0; attempt < 10; attempt++) {
      await gridReadAfter(Date.now());
      const before = await gridVerdicts();
      const audit = await runCli(['audit', '--json', '--home', stack.home]);
      const report = JSON.parse(audit.stdout) as UpReport;
      await gridReadAfter(Date.parse(report.finishedAt));
      const after = await gridVerdicts();
      last = `grid ${JSON.stringify(countBy(after))}, audit ${JSON.stringify(report.windows)}`;
      if (JSON.stringify(before) !== JSON.stringify(after) || JSON.stringify(countBy(after)) !== JSON.stringify(report.windows)) continue;

      expect(countBy(after)).toEqual(report.windows);
      for (const window of report.nonExact) expect(after[window.windowStart], window.windowStart).toBe(window.verdict);
      expect(report.windows.exact).toBeGreaterThan(0);
      // every column has a cell per page, each an exact window's cells exact
      const cells = await page.$$eval('#grid .column[data-verdict="exact"]', (columns) => columns.map((c) => [...c.children].map((cell) => cell.getAttribute('data-verdict'))));
      for (const column of cells) expect(column).toEqual(Array(6).fill('exact'));
      // the legend counts the same windows
      expect(await page.textContent('#legend [data-verdict="exact"]')).toBe(`exact ${report.windows.exact}`);
      // a click on a cell shows its window: every page's count against the ledger's, latency, arrival
      await page.click('#grid .column[data-verdict="exact"] .cell[data-page="/shop"]');
      expect(await page.textContent('#detail')).toMatch(/EXACT.*\/shop\s*exact\s*1000\s*1000\s*\d/s);
      return;
    }
    throw new Error(`the grid and the audit never agreed on a still grid: ${last}`);
  }, 5 * minute);

  it('puts playground fail on the timeline, and lists it', async () => {
    await stack.play(['fail']);

    await page.waitForSelector('#timeline .marker[data-kind="fault"]', { timeout: minute });
    expect(await page.textContent('#events li[data-kind="fault"]')).toContain('control record');
    // the job panel follows the job through its restart
    await expect.poll(() => page.textContent('#job [data-fact="restarts"]'), { timeout: minute }).not.toBe('0');

    mkdirSync(screenshots, { recursive: true });
    const file = path.join(screenshots, 'view-after-fail.png');
    await page.screenshot({ path: file, fullPage: true });
    console.log(`screenshot of the view: ${path.relative(repoRoot, file)}`);
  }, 5 * minute);
});
