import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cost, registerCost } from '../../cli/commands/cost';
import { CONFIGURATION_NAMES } from '../../cli/cost/model';
import { DEFAULT_PRICE_FILE, loadPriceTable } from '../../cli/cost/price-table';
import type { Io } from '../../cli/io';

function recordingIo(): Io & { outLines: string[]; errLines: string[] } {
  const outLines: string[] = [];
  const errLines: string[] = [];
  return { outLines, errLines, interactive: false, out: (l) => outLines.push(l), err: (l) => errLines.push(l) };
}

/** Runs `playground cost …` through commander, as the CLI does. */
async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const io = recordingIo();
  let code = 0;
  const program = new Command('playground').exitOverride();
  registerCost(program, io, (c) => (code = c));
  await program.parseAsync(['cost', ...args], { from: 'user' });
  return { code, out: io.outLines.join('\n'), err: io.errLines.join('\n') };
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

  it('prints exactly {"configurations":[{name,monthlyUsd,hourlyUsd,lineItems}],"prices":{source,date}} with --json', async () => {
    const { code, out } = await run(['--json']);
    expect(code).toBe(0);
    const report = JSON.parse(out) as Record<string, unknown> & {
      configurations: Record<string, unknown>[];
      prices: Record<string, unknown>;
    };
    expect(Object.keys(report)).toEqual(['configurations', 'prices']);
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
