import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cost, registerCost } from '../../cli/commands/cost';
import { CHART_LOADS, chartLoads } from '../../cli/cost/chart';
import { CONFIGURATION_NAMES } from '../../cli/cost/model';
import { DEFAULT_PRICE_FILE, loadPriceTable } from '../../cli/cost/price-table';
import { UsageError, type Io } from '../../cli/io';
import { main } from '../../cli/main';

function recordingIo(): Io & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, interactive: false, out: (l) => outLines.push(l), err: (l) => errLines.push(l) };
}

/** A program with `cost` only, set up as cli/main.ts sets up the CLI's. */
function costProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command('playground').exitOverride().configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });
  registerCost(program, io, setExit);
  return program;
}

/** Runs `playground cost …` through commander, as the CLI does (a UsageError is printed and exits 2, as in cli/main.ts). */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo();
  let code = 0;
  const program = costProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(['cost', ...args], { from: 'user' });
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`error: ${error.message}`);
    code = 2;
  }
  return { code, out: io.outLines.join('\n'), err: io.errLines.join('\n') };
}

/** The attributes of every `<tag …>` in an SVG document (the chart's attributes hold no '>'). */
function elements(svg: string, tag: string): Record<string, string>[] {
  return [...svg.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'g'))].map((m) => Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1]!, a[2]!])));
}

/** Where a value lies on a log axis, from two of its grid lines (the decades either side, or any two). */
function onLogAxis(grid: Record<string, string>[], at: 'x1' | 'y1', value: number): number {
  const ticks = grid.map((g) => ({ value: Number(g['data-value']), px: Number(g[at]) })).sort((a, b) => a.value - b.value);
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]!;
  return lo.px + ((Math.log10(value) - Math.log10(lo.value)) / (Math.log10(hi.value) - Math.log10(lo.value))) * (hi.px - lo.px);
}

/** An upper estimate of a 12 px sans-serif text's width: 0.6 em a character. */
const textWidth = (text: string, fontSize = 12): number => text.length * fontSize * 0.6;

function viewBox(svg: string): { width: number; height: number } {
  const [, , width, height] = elements(svg, 'svg')[0]!.viewBox!.split(' ').map(Number);
  return { width: width!, height: height! };
}

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'playground-cost-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('playground cost', () => {
  it('prints every configuration with its line items and the totals', async () => {
    const { code, out } = await run([]);
    expect(code).toBe(0);
    for (const name of CONFIGURATION_NAMES) expect(out).toContain(`${name}: $`);
    expect(out).toContain('Totals');
    expect(out).toContain('400 events/s of 65 bytes');
  });

  it('prints exactly {"load":{…},"configurations":[{name,monthlyUsd,hourlyUsd,lineItems}],"prices":{source,date}} with --json', async () => {
    const { code, out } = await run(['--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, unknown> & {
      load: Record<string, unknown>;
      configurations: Record<string, unknown>[];
      prices: Record<string, unknown>;
    };
    expect(Object.keys(report)).toEqual(['load', 'configurations', 'prices']);
    // the load it priced, defaults filled in and record sizes measured
    expect(report.load).toEqual({ eventsPerSecond: 400, recordBytes: 65, outputRecordBytes: expect.any(Number), parallelism: 1, parallelismPerKpu: 1, region: 'us-east-1' });
    expect(Object.keys(report.prices)).toEqual(['source', 'date']);
    expect(report.prices.date).toBe(loadPriceTable().date);
    expect(report.configurations.map((c) => c.name)).toEqual([...CONFIGURATION_NAMES]);
    for (const c of report.configurations) {
      expect(Object.keys(c)).toEqual(['name', 'monthlyUsd', 'hourlyUsd', 'lineItems']);
      expect(typeof c.monthlyUsd).toBe('number');
      expect(c.hourlyUsd as number).toBeCloseTo((c.monthlyUsd as number) / 730, 3);
      const items = c.lineItems as Record<string, unknown>[];
      expect(items.length).toBeGreaterThan(0);
      for (const i of items) {
        expect(i).toEqual(
          expect.objectContaining({ component: expect.any(String), description: expect.any(String), quantity: expect.any(Number), unit: expect.any(String), unitPriceUsd: expect.any(Number), monthlyUsd: expect.any(Number), hourlyUsd: expect.any(Number) }),
        );
      }
    }
  });

  it('prints a markdown table with one row per configuration', async () => {
    const { code, out } = await run(['--markdown']);
    expect(code).toBe(0);
    const rows = out.split('\n').filter((l) => l.startsWith('| '));
    expect(rows).toHaveLength(1 + CONFIGURATION_NAMES.length);
    expect(out).toMatch(/\|---\|---:/);
  });

  it('scales the Kinesis on-demand data-in line with --events-per-second and --record-bytes', async () => {
    const small = JSON.parse((await run(['--json', '--events-per-second', '400', '--record-bytes', '100'])).out);
    const big = JSON.parse((await run(['--json', '--events-per-second', '800', '--record-bytes', '2000'])).out);
    const dataIn = (r: { configurations: { lineItems: { description: string; quantity: number }[] }[] }): number =>
      r.configurations[0]!.lineItems.find((i) => i.description.startsWith('data in'))!.quantity;
    // twice the records, each billed as 2 KB instead of 1 KB: ≈ 4 times the GB (the 0.4/s output records stay at 1 KB)
    expect(dataIn(big) / dataIn(small)).toBeCloseTo(4, 2);
  });

  it.each([
    [['--events-per-second', '0'], /--events-per-second must be a number greater than 0/],
    [['--events-per-second=-5'], /--events-per-second must be a number greater than 0/],
    [['--events-per-second', 'lots'], /got 'lots'/],
    [['--record-bytes', String(1024 * 1024 + 1)], /--record-bytes must be a whole number from 1 to 1,048,576/],
    [['--record-bytes', '0'], /--record-bytes must be a whole number/],
    [['--region', 'mars-north-1'], /--region mars-north-1 is not in the price table \(regions: us-east-1\)/],
    [['--parallelism', '0'], /--parallelism must be a whole number/],
    [['--parallelism-per-kpu', '9'], /--parallelism-per-kpu must be a whole number from 1 to 8/],
  ])('rejects %j before computing, with exit code 2', async (args, message) => {
    const chart = path.join(dir, 'never.svg');
    const { code, out, err } = await run([...args, '--chart', chart]);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(out).toBe('');
    expect(() => readFileSync(chart)).toThrow();
  });

  it('writes a well-formed SVG chart with one line per configuration across 100 to 100,000 events/s', async () => {
    const file = path.join(dir, 'cost.svg');
    const { code, err } = await run(['--chart', file]);
    expect(code).toBe(0);
    expect(err).toContain(`chart written to ${file}`);
    const svg = readFileSync(file, 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<polyline /g)).toHaveLength(CONFIGURATION_NAMES.length);
    for (const name of CONFIGURATION_NAMES) expect(svg).toContain(name);
    expect(svg).toContain('>100<');
    expect(svg).toContain('>100k<');
    // well-formed: every element closed in order, no stray ampersands
    const stack: string[] = [];
    for (const tag of svg.matchAll(/<(\/?)([a-zA-Z]+)[^>]*?(\/?)>/g)) {
      const [, closing, name, selfClosing] = tag;
      if (selfClosing) continue;
      if (closing) expect(stack.pop()).toBe(name);
      else stack.push(name!);
    }
    expect(stack).toEqual([]);
    expect(svg).not.toMatch(/&(?!amp;|lt;|gt;|quot;)/);
    // every coordinate is a finite number
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});

describe('playground cost: the command line', () => {
  it('rejects --events-per-second -5 as the command line is read (UsageError: exit 2), before the command runs', async () => {
    const io = recordingIo();
    let ran = false;
    const program = costProgram(io, () => (ran = true));

    await expect(program.parseAsync(['cost', '--events-per-second', '-5'], { from: 'user' })).rejects.toThrow(UsageError);
    expect(ran).toBe(false);

    const { code, out, err } = await run(['--events-per-second', '-5']);
    expect(code).toBe(2);
    expect(err).toBe("error: --events-per-second must be a number greater than 0 and at most 10,000,000, got '-5'");
    expect(out).toBe('');
  });

  it.each([
    [['--events-per-second', '-5'], /--events-per-second must be a number greater than 0 and at most 10,000,000, got '-5'/],
    [['--chart', 'out.png'], /--chart writes an SVG file: give a name ending in \.svg, got 'out.png'/],
  ])('exits 2 from the playground CLI for %j, saying why', async (args, message) => {
    const io = recordingIo();
    expect(await main(['cost', ...args], io)).toBe(2);
    expect(io.errLines.join('\n')).toMatch(message);
    expect(io.outLines).toEqual([]);
  });

  it('fits every line of the default table in 120 columns, wrapping long items onto the next line', async () => {
    for (const args of [[], ['--events-per-second', '10000000', '--parallelism', '10000', '--record-bytes', '1048576']]) {
      const { code, out } = await run(args);
      expect(code).toBe(0);
      const lines = out.split('\n');
      const widest = lines.reduce((a, b) => ([...b].length > [...a].length ? b : a));
      expect([...widest].length, widest).toBeLessThanOrEqual(120);
      // wrapped, not cut: the longest description is all there, across its lines
      const words = 'audit sweep: every minute, BatchGet of 60 ledger keys + a Query per window, eventually consistent (60 RRU)'.split(' ');
      const text = lines.join(' ').split(/\s+/);
      let at = text.indexOf('sweep:');
      for (const word of words.slice(1)) {
        at = text.indexOf(word, at);
        expect(at, word).toBeGreaterThan(0);
      }
    }
  });
});

describe('playground cost --chart', () => {
  it.each([400, 3000, 2_500_000])('marks the priced load (%d events/s) on the x axis and each configuration at its monthly cost', async (eventsPerSecond) => {
    const file = path.join(dir, 'cost.svg');
    const { code, out } = await run(['--chart', file, '--json', '--events-per-second', String(eventsPerSecond)]);
    expect(code).toBe(0);
    const report = JSON.parse(out) as { load: { eventsPerSecond: number }; configurations: { name: string; monthlyUsd: number }[] };
    expect(report.load.eventsPerSecond).toBe(eventsPerSecond);
    const svg = readFileSync(file, 'utf8');

    const marker = elements(svg, 'g').find((g) => g.class === 'load-marker');
    expect(marker?.['data-events-per-second']).toBe(String(eventsPerSecond));
    const markerStart = svg.indexOf('<g class="load-marker"');
    const markerSvg = svg.slice(markerStart, svg.indexOf('</g>', markerStart));
    const [line] = elements(markerSvg, 'line');
    const xGrid = elements(svg, 'line').filter((l) => l.class === 'x-grid');
    const expectedX = onLogAxis(xGrid, 'x1', eventsPerSecond);
    expect(Number(line!.x1)).toBeCloseTo(expectedX, 0);
    expect(Number(line!.x2)).toBe(Number(line!.x1));
    // inside the plot: the x axis reaches the load
    const plot = elements(svg, 'rect').find((r) => r.class === 'plot')!;
    expect(Number(line!.x1)).toBeGreaterThanOrEqual(Number(plot.x));
    expect(Number(line!.x1)).toBeLessThanOrEqual(Number(plot.x) + Number(plot.width));

    // a ring per configuration at (load, its monthly total as --json prints it)
    const yGrid = elements(svg, 'line').filter((l) => l.class === 'y-grid');
    const rings = elements(markerSvg, 'circle');
    expect(rings.map((r) => r['data-series'])).toEqual([...CONFIGURATION_NAMES]);
    for (const ring of rings) {
      const monthlyUsd = report.configurations.find((c) => c.name === ring['data-series'])!.monthlyUsd;
      expect(Number(ring.cx)).toBeCloseTo(expectedX, 0);
      expect(Number(ring.cy)).toBeCloseTo(onLogAxis(yGrid, 'y1', monthlyUsd), 0);
    }
  });

  it('follows --events-per-second: the marker moves with the load', async () => {
    const xAt = async (eventsPerSecond: number): Promise<number> => {
      const file = path.join(dir, `at-${eventsPerSecond}.svg`);
      await run(['--chart', file, '--events-per-second', String(eventsPerSecond)]);
      const svg = readFileSync(file, 'utf8');
      const start = svg.indexOf('<g class="load-marker"');
      return Number(elements(svg.slice(start), 'line')[0]!.x1);
    };
    expect(await xAt(1000)).toBeLessThan(await xAt(10_000));
  });

  it('keeps the legend box, and every entry in it, inside the picture', async () => {
    const file = path.join(dir, 'cost.svg');
    await run(['--chart', file]);
    const svg = readFileSync(file, 'utf8');
    const { width, height } = viewBox(svg);
    const box = elements(svg, 'rect').find((r) => r.class === 'legend-box')!;
    const [bx, by, bw, bh] = [box.x, box.y, box.width, box.height].map(Number) as [number, number, number, number];
    expect(bx).toBeGreaterThanOrEqual(0);
    expect(by).toBeGreaterThanOrEqual(0);
    expect(bx + bw).toBeLessThanOrEqual(width);
    expect(by + bh).toBeLessThanOrEqual(height);
    const entries = [...svg.matchAll(/<text class="legend-entry" x="([\d.]+)" y="([\d.]+)"[^>]*>([^<]*)<\/text>/g)];
    expect(entries.map((e) => e[3])).toEqual([...CONFIGURATION_NAMES, 'priced load: 400 events/s']);
    for (const [, x, y, text] of entries) {
      expect(Number(x) + textWidth(text!)).toBeLessThanOrEqual(bx + bw);
      expect(Number(y) - 6).toBeGreaterThanOrEqual(by);
      expect(Number(y) + 6).toBeLessThanOrEqual(by + bh);
    }
    // and the title fits across the picture
    const title = [...svg.matchAll(/<text x="([\d.]+)" y="24" text-anchor="middle" font-size="15">([^<]*)<\/text>/g)][0]!;
    expect(textWidth(title[2]!, 15)).toBeLessThanOrEqual(width);
  });

  it('writes only the chart: that one file, and no table on stdout', async () => {
    const file = path.join(dir, 'out.svg');
    const { code, out, err } = await run(['--chart', file]);
    expect(code).toBe(0);
    expect(readdirSync(dir)).toEqual(['out.svg']);
    expect(out).toBe('');
    expect(err).toBe(`chart written to ${file}`);
  });

  it.each(['out.png', 'out', 'out.svg.txt'])('refuses --chart %s (exit 2) and writes nothing', async (name) => {
    const { code, out, err } = await run(['--chart', path.join(dir, name)]);
    expect(code).toBe(2);
    expect(err).toMatch(/--chart writes an SVG file: give a name ending in \.svg/);
    expect(out).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('also refuses a name that is not .svg when cost() is called directly', async () => {
    const io = recordingIo();
    expect(await cost({ chart: path.join(dir, 'out.png') }, io)).toBe(2);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('charts 100 to 100,000 events/s, widened to take in the chosen load', () => {
    expect(chartLoads(100)).toEqual(CHART_LOADS);
    expect(chartLoads(400)).toEqual([...CHART_LOADS.slice(0, 2), 400, ...CHART_LOADS.slice(2)]);
    expect(chartLoads(2_500_000).at(-1)).toBe(10_000_000);
    expect(chartLoads(2_500_000)).toContain(2_500_000);
    expect(chartLoads(5)[0]).toBe(1);
  });
});

describe('playground cost --live', () => {
  const pricing = mockClient(PricingClient);
  afterEach(() => pricing.reset());

  function product(usagetype: string, usd: string, extra: Record<string, string> = {}): string {
    return JSON.stringify({
      product: { attributes: { usagetype, ...extra } },
      terms: { OnDemand: { 'T.1': { priceDimensions: { 'T.1.2': { beginRange: '0', pricePerUnit: { USD: usd } } } } } },
    });
  }

  it('refreshes the figures the Price List API returns, saves the table and prices with them', async () => {
    const priceFile = path.join(dir, 'prices.json');
    copyFileSync(DEFAULT_PRICE_FILE, priceFile);
    pricing.on(GetProductsCommand).callsFake((input: { ServiceCode?: string }) => {
      if (input.ServiceCode === 'AmazonKinesisAnalytics') return { PriceList: [product('USE1-KPU-Hour-Java', '0.12')] };
      if (input.ServiceCode === 'AmazonDynamoDB') return { PriceList: [product('WriteRequestUnits', '0.0000007')] };
      return { PriceList: [] };
    });
    const io = recordingIo();

    const code = await cost({ json: true, live: true, priceFile, pricingClient: new PricingClient({ region: 'us-east-1' }), today: '2026-12-01' }, io);

    expect(code).toBe(0);
    const saved = loadPriceTable(priceFile);
    expect(saved.regions['us-east-1']!['flink.kpuHour']).toMatchObject({ usd: 0.12, date: '2026-12-01', source: expect.stringContaining('AWS Price List API') });
    expect(saved.regions['us-east-1']!['dynamodb.writeMillion'].usd).toBeCloseTo(0.7, 9); // $0.0000007 per WRU × 1e6
    expect(saved.regions['us-east-1']!['kinesis.onDemand.streamHour']).toEqual(loadPriceTable().regions['us-east-1']!['kinesis.onDemand.streamHour']);
    const report = JSON.parse(io.outLines.join('\n'));
    expect(report.prices.date).toBe('2026-12-01');
    const kpu = report.configurations[0].lineItems.find((i: { priceKey: string }) => i.priceKey === 'flink.kpuHour');
    expect(kpu.monthlyUsd).toBeCloseTo(2 * 730 * 0.12, 4); // 2 KPU × 730 h × $0.12 = $175.20
    expect(io.errLines.join('\n')).toMatch(/2 figure\(s\) refreshed .*\n.*kept from the table: kinesis\.onDemand\.streamHour/);
    // GetProducts was asked for us-east-1 products
    const call = pricing.commandCalls(GetProductsCommand)[0]!;
    expect(call.args[0].input.Filters).toContainEqual({ Type: 'TERM_MATCH', Field: 'regionCode', Value: 'us-east-1' });
  });

  it('says so and keeps the stored table when there are no credentials', async () => {
    const priceFile = path.join(dir, 'prices.json');
    copyFileSync(DEFAULT_PRICE_FILE, priceFile);
    const before = readFileSync(priceFile, 'utf8');
    const noCredentials = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    pricing.on(GetProductsCommand).rejects(noCredentials);
    const io = recordingIo();

    const code = await cost({ live: true, priceFile, pricingClient: new PricingClient({ region: 'us-east-1' }) }, io);

    expect(code).toBe(0);
    expect(io.errLines.join('\n')).toContain('warning: --live: the AWS Price List API could not be called: no AWS credentials (set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY); using the price table of 2026-11-22');
    expect(readFileSync(priceFile, 'utf8')).toBe(before);
    expect(io.outLines.join('\n')).toContain('Totals');
  });
});
