import net from 'node:net';
import { PortInUseError } from './errors';
import { PORT_OPTIONS, type StackPorts, type StreamsKind } from './stack-state';

/** One port the local stack binds, with what it serves and the `up` option that moves it. */
export interface BoundPort {
  readonly port: number;
  readonly key: keyof StackPorts;
}

/**
 * Every port `up` binds for these options: Kafka also takes the next port (its controller),
 * kinesis-mock the one before (its TLS port). Only the chosen stream's ports count, and the
 * view's only when it is on.
 */
export function portsBound(streams: StreamsKind, ports: StackPorts, view = true): readonly BoundPort[] {
  const bound: BoundPort[] = [];
  for (const key of Object.keys(ports) as (keyof StackPorts)[]) {
    if ((key === 'kafka' || key === 'kinesis') && key !== streams) continue;
    if (key === 'view' && !view) continue;
    bound.push({ port: ports[key], key });
    if (key === 'kafka') bound.push({ port: ports[key] + 1, key });
    if (key === 'kinesis') bound.push({ port: ports[key] - 1, key });
  }
  return bound;
}

/** What is wrong when two of the stack's services would bind the same port, else undefined. */
export function portConflict(streams: StreamsKind, ports: StackPorts, view = true): string | undefined {
  const seen = new Map<number, keyof StackPorts>();
  for (const { port, key } of portsBound(streams, ports, view)) {
    const other = seen.get(port);
    if (other !== undefined && other !== key) {
      return (
        `${PORT_OPTIONS[other].option} and ${PORT_OPTIONS[key].option} both need port ${port} ` +
        `(${PORT_OPTIONS[other].purpose}; ${PORT_OPTIONS[key].purpose}); choose ports apart`
      );
    }
    seen.set(port, key);
  }
  return undefined;
}

/** True when the port can be bound on loopback right now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Throws PortInUseError when the port cannot be bound on loopback. */
export async function assertPortFree(port: number, purpose: string, option: string): Promise<void> {
  if (!(await portFree(port))) throw new PortInUseError(port, purpose, option);
}

/** A TCP port that is free right now, from the kernel's ephemeral range (internal ports no user needs to know). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Below Linux's ephemeral range (32768–60999), so no outgoing connection takes one meanwhile. */
const RESERVED_RANGE = { from: 20_000, to: 32_000 } as const;

/**
 * `count` distinct free ports whose neighbours (port - 1 and port + 1) are free and distinct too,
 * for stacks started by tests, the bench and chaos runs: any of them may serve Kafka (which takes the
 * next port) or kinesis-mock (the one before). Drawn at random below the ephemeral range, so two
 * calls in a row never hand out the same port, and neither does the kernel to a client socket.
 */
export async function reservePorts(count: number, random: () => number = Math.random): Promise<number[]> {
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let attempt = 0; ports.length < count; attempt++) {
    if (attempt >= 200 + count * 20) throw new Error(`found no ${count} free ports in ${RESERVED_RANGE.from}–${RESERVED_RANGE.to}`);
    const port = RESERVED_RANGE.from + 1 + Math.floor(random() * (RESERVED_RANGE.to - RESERVED_RANGE.from - 2));
    const around = [port - 1, port, port + 1];
    if (around.some((p) => taken.has(p))) continue;
    if (!(await Promise.all(around.map(portFree))).every(Boolean)) continue;
    for (const p of around) taken.add(p);
    ports.push(port);
  }
  return ports;
}

/** Ports for a whole local stack (`up --flink-port … --control-plane-port …`), all distinct. */
export async function reserveStackPorts(): Promise<StackPorts> {
  const [flink, kafka, kinesis, dynamodb, controlPlane, view] = await reservePorts(6);
  return { flink, kafka, kinesis, dynamodb, controlPlane, view } as StackPorts;
}

/** The `up` options that put a stack on these ports (only the chosen stream's port). */
export function portArgs(streams: StreamsKind, ports: StackPorts): string[] {
  // prettier-ignore
  return [
    '--flink-port', String(ports.flink),
    '--dynamodb-port', String(ports.dynamodb),
    '--control-plane-port', String(ports.controlPlane),
    '--view-port', String(ports.view),
    ...(streams === 'kafka' ? ['--kafka-port', String(ports.kafka)] : ['--kinesis-port', String(ports.kinesis)]),
  ];
}
