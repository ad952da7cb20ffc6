import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORTS } from '../../local/stack-state';
import { portArgs, portConflict, portFree, portsBound, reservePorts } from '../../local/ports';

describe('the local stack ports', () => {
  it('counts the Kafka controller and the kinesis-mock TLS port, only for the chosen stream', () => {
    const kafka = portsBound('kafka', DEFAULT_PORTS).map(({ port }) => port);
    expect(kafka).toEqual([8081, 9092, 9093, 8000, 8085, 8090]);
    const kinesis = portsBound('kinesis', DEFAULT_PORTS).map(({ port }) => port);
    expect(kinesis).toEqual([8081, 4568, 4567, 8000, 8085, 8090]);
    expect(portConflict('kafka', DEFAULT_PORTS)).toBeUndefined();
    expect(portConflict('kinesis', { ...DEFAULT_PORTS, dynamodb: 4567 })).toContain('--kinesis-port and --dynamodb-port both need port 4567');
    // the other stream's port is not bound, so it may equal one in use
    expect(portConflict('kafka', { ...DEFAULT_PORTS, kinesis: 8081 })).toBeUndefined();
  });

  it("counts the web view's port only when the view is on", () => {
    expect(portConflict('kafka', { ...DEFAULT_PORTS, view: 8085 })).toContain('--control-plane-port and --view-port both need port 8085');
    expect(portsBound('kafka', DEFAULT_PORTS, false).map(({ key }) => key)).not.toContain('view');
    expect(portConflict('kafka', { ...DEFAULT_PORTS, view: 8085 }, false)).toBeUndefined();
  });

  it('reserves distinct free ports whose neighbours are free and not handed out twice', async () => {
    // a random source that repeats itself: every port after the first is drawn twice in a row
    const draws = [0.1, 0.1, 0.1001, 0.5, 0.5, 0.9, 0.9, 0.3];
    let next = 0;
    const ports = await reservePorts(4, () => draws[next++ % draws.length]!);
    expect(new Set(ports).size).toBe(4);
    const neighbourhoods = ports.flatMap((port) => [port - 1, port, port + 1]);
    expect(new Set(neighbourhoods).size).toBe(12);
    for (const port of ports) expect(port).toBeGreaterThan(20_000);
    for (const port of ports) expect(port).toBeLessThan(32_000);
  });

  it('skips a port that is taken', async () => {
    const [port] = await reservePorts(1);
    const holder = net.createServer().listen(port, '127.0.0.1');
    await new Promise((resolve) => holder.once('listening', resolve));
    try {
      expect(await portFree(port!)).toBe(false);
      const fraction = (port! - 20_001) / (32_000 - 20_000 - 2);
      let calls = 0;
      const [other] = await reservePorts(1, () => (calls++ === 0 ? fraction + 1e-9 : Math.random()));
      expect(calls).toBeGreaterThan(1);
      expect(other).not.toBe(port);
    } finally {
      holder.close();
    }
  });

  it('turns ports into the up options of the chosen stream', () => {
    expect(portArgs('kinesis', DEFAULT_PORTS)).toEqual(['--flink-port', '8081', '--dynamodb-port', '8000', '--control-plane-port', '8085', '--view-port', '8090', '--kinesis-port', '4568']);
  });
});
