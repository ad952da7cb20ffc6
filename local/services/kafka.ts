import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Kafka, logLevel } from 'kafkajs';
import { LocalStackError } from '../errors';
import { resolveClasspath } from '../maven';
import { startProcess, tcpOpen, type RunningProcess } from '../process';

const run = promisify(execFile);

export interface KafkaOptions {
  /** Client port on 127.0.0.1. @default 9092 */
  readonly port?: number;
  /** Broker data (KRaft metadata and logs); kept between runs of the same stack. */
  readonly dataDir: string;
  readonly logDir: string;
  /** Where resolved classpaths are cached. */
  readonly cacheDir: string;
  /** Topics to create (idempotent). */
  readonly topics?: readonly { readonly name: string; readonly partitions: number }[];
  readonly onProgress?: (message: string) => void;
  /** The broker's environment. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

export interface LocalKafka {
  readonly bootstrapServers: string;
  readonly process: RunningProcess;
  stop(): Promise<void>;
}

/**
 * Starts a single-node Apache Kafka broker in KRaft mode (broker and controller in one JVM) from
 * the Maven Central artifacts in `local/poms/kafka`, formats its storage on first use, and creates
 * the requested topics.
 */
export async function startKafka(options: KafkaOptions): Promise<LocalKafka> {
  const port = options.port ?? 9092;
  const classpath = (await resolveClasspath('kafka', { cacheDir: options.cacheDir, onResolve: options.onProgress })).join(
    path.delimiter,
  );
  const configDir = path.join(options.dataDir, 'config');
  const logsDir = path.join(options.dataDir, 'kraft-logs');
  mkdirSync(configDir, { recursive: true });
  const properties = path.join(configDir, 'server.properties');
  writeFileSync(properties, serverProperties(port, port + 1, logsDir));
  const log4j = path.join(configDir, 'log4j2.properties');
  writeFileSync(log4j, LOG4J2);
  const jvm = ['-Xms256m', '-Xmx768m', '-XX:+UseG1GC', `-Dlog4j2.configurationFile=${log4j}`, '-cp', classpath];

  if (!existsSync(path.join(logsDir, 'meta.properties'))) {
    try {
      await run(
        'java',
        [...jvm, 'kafka.tools.StorageTool', 'format', '--standalone', '-t', 'bWFuYWdlZC1mbGluay1wbA', '-c', properties],
        { timeout: 120_000, env: options.env },
      );
    } catch (error) {
      const failure = error as { stdout?: string; stderr?: string };
      throw new LocalStackError(`could not format Kafka's storage in ${logsDir}: ${failure.stderr ?? failure.stdout ?? ''}`, {
        cause: error,
      });
    }
  }

  const bootstrapServers = `127.0.0.1:${port}`;
  const broker = await startProcess({
    name: 'kafka',
    command: 'java',
    args: [...jvm, 'kafka.Kafka', properties],
    env: options.env,
    logFile: path.join(options.logDir, 'kafka.log'),
    ready: () => tcpOpen(port),
    readyTimeoutMs: 120_000,
  });
  try {
    if (options.topics?.length) await createTopics(bootstrapServers, options.topics);
  } catch (error) {
    await broker.stop();
    throw new LocalStackError(`Kafka started but its topics could not be created: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return { bootstrapServers, process: broker, stop: () => broker.stop() };
}

/** Creates the topics that do not exist yet, waiting for the broker to accept metadata requests. */
export async function createTopics(
  bootstrapServers: string,
  topics: readonly { readonly name: string; readonly partitions: number; readonly config?: Readonly<Record<string, string>> }[],
): Promise<void> {
  const admin = new Kafka({ clientId: 'playground-admin', brokers: [bootstrapServers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic.name));
    if (missing.length > 0) {
      await admin.createTopics({
        waitForLeaders: true,
        topics: missing.map((topic) => ({
          topic: topic.name,
          numPartitions: topic.partitions,
          replicationFactor: 1,
          ...(topic.config ? { configEntries: Object.entries(topic.config).map(([name, value]) => ({ name, value })) } : {}),
        })),
      });
    }
  } finally {
    await admin.disconnect();
  }
}

function serverProperties(port: number, controllerPort: number, logsDir: string): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.bootstrap.servers=127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${logsDir}`,
    'num.partitions=2',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=4',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    'group.initial.rebalance.delay.ms=0',
    'auto.create.topics.enable=false',
    // A playground keeps a few hours of clicks, not a week.
    'log.retention.hours=6',
    '',
  ].join('\n');
}

const LOG4J2 = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = out',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = %d{ISO8601} %-5p [%c{1}] %m%n',
  'rootLogger.level = info',
  'rootLogger.appenderRef.out.ref = out',
  'logger.kafka.name = kafka',
  'logger.kafka.level = warn',
  'logger.apache.name = org.apache.kafka',
  'logger.apache.level = warn',
  '',
].join('\n');
