import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { UpReport } from '../../cli/commands/up';
import { reservePorts } from '../../local/ports';
import { tcpOpen } from '../../local/process';
import { runCli } from '../support/cli';
import { TestHomes } from '../support/homes';

const homes = new TestHomes();

afterAll(async () => {
  // Whatever happened, leave no process behind.
  for (const home of homes.all) await runCli(['down', '--home', home], { timeoutMs: 180_000 });
  homes.release();
}, 4 * 60_000);

describe('playground up --duration', () => {
  it.each([
    { streams: 'kafka', eventsPerWindow: 1000, portOption: '--kafka-port' },
    { streams: 'kinesis', eventsPerWindow: 100, portOption: '--kinesis-port' },
  ])(
    'runs the whole pipeline on $streams, audits every closed window exact, and stops everything',
    async ({ streams, eventsPerWindow, portOption }) => {
      // Prepare: a home and ports of our own, so a playground the user runs is not disturbed.
      const home = homes.create(`playground-e2e-${streams}-`);
      const [flink, streamsPort, dynamodb, controlPlane, view] = await reservePorts(5);
      const ports = { flink, streams: streamsPort, dynamodb, controlPlane, view };
      const reportFile = path.join(home, 'report.json');

      // Act
      const result = await runCli(
        [
          'up',
          '--home', home,
          '--streams', streams,
          '--duration', '50',
          '--report', reportFile,
          '--flink-port', String(ports.flink),
          portOption, String(ports.streams),
          '--dynamodb-port', String(ports.dynamodb),
          '--control-plane-port', String(ports.controlPlane),
          '--view-port', String(ports.view),
        ],
        { timeoutMs: 900_000 },
      );

      // Assess
      expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as UpReport;
      expect(report.streams).toBe(streams);
      expect(report.windows.exact).toBeGreaterThanOrEqual(2);
      expect(report.windows.wrong).toBe(0);
      expect(report.windows.missing).toBe(0);
      expect(report.windows.pending).toBe(0);
      // Every generated window was verified: 6 pages × eventsPerWindow events each.
      expect(report.events.generated).toBe(report.windows.exact * 6 * eventsPerWindow);
      expect(report.latencyMs.p50).toBeGreaterThan(0);
      expect(result.stdout).toContain('nothing of the playground is left running');
      for (const port of Object.values(ports)) expect(await tcpOpen(port)).toBe(false);
    },
    900_000,
  );
});
