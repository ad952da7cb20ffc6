import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { MAX_PARALLELISM_PER_KPU } from '../../infra/lib/msf-limits';
import { DEFAULT_MAX_KPUS_LOCAL } from '../names';

/** Everything that shapes the local Flink session cluster's `config.yaml`. */
export interface FlinkClusterConfig {
  /** REST API and Web UI. */
  readonly restPort: number;
  /** The JobManager's RPC port (TaskManagers connect to it). */
  readonly rpcPort: number;
  /** Slots per TaskManager (= MSF ParallelismPerKPU). */
  readonly slotsPerTaskManager: number;
  /** e.g. `1024m` */
  readonly jobManagerProcessSize: string;
  /** e.g. `1280m` */
  readonly taskManagerProcessSize: string;
  /** Local folder of periodic checkpoints. */
  readonly checkpointsDir: string;
  /** Local folder of savepoints (MSF snapshots). */
  readonly savepointsDir: string;
  /** Uploaded jars and temporary files. */
  readonly workDir: string;
  /** @default 'rocksdb' (what MSF runs) */
  readonly stateBackend?: 'rocksdb' | 'hashmap';
  /**
   * The first restart's delay (the exponential-delay strategy's initial backoff); each restart
   * after a failure within the reset threshold waits `backoff-multiplier` times longer, up to the
   * max backoff. @default 1000 (Flink's default; MSF's guide names no number)
   */
  readonly restartDelayMs?: number;
}

/**
 * How MSF restarts a failed job on FLINK-1_19 and later (FLINK-2_2 included): the MSF developer
 * guide, "Modifiable Flink configuration properties" → "Restart strategy", says the service uses
 * the `exponential-delay` strategy by default and lets a support case change its initial backoff,
 * backoff multiplier, jitter factor and reset threshold, but gives none of the numbers; so these are
 * Flink's own defaults for the strategy (Flink 1.19+/2.x, FLIP-364), as a job that sets nothing gets.
 */
export const MSF_RESTART_STRATEGY = {
  /** `restart-strategy.exponential-delay.initial-backoff` (Flink default 1 s). */
  initialBackoffMs: 1_000,
  /** `restart-strategy.exponential-delay.max-backoff` (Flink default 1 min). */
  maxBackoffMs: 60_000,
  /** `restart-strategy.exponential-delay.backoff-multiplier` (Flink default 1.5). */
  backoffMultiplier: 1.5,
  /** `restart-strategy.exponential-delay.reset-backoff-threshold` (Flink default 1 h without a failure). */
  resetBackoffThresholdMs: 3_600_000,
  /** `restart-strategy.exponential-delay.jitter-factor` (Flink default 0.1: ±10 % of each backoff). */
  jitterFactor: 0.1,
} as const;

/**
 * How long the REST API caches a job's execution graph (`web.refresh-interval`, default 3 s): a
 * job's and its tasks' states are up to this old, so every wait of the control plane (all tasks
 * running, the job ended after a stop) and the health judgement see a change this much later, and
 * poll no more often than this. It is a cache of the REST API, not a setting of the job; rebuilding
 * the graph of a one-job cluster five times a second costs the JobManager next to nothing.
 */
export const REST_GRAPH_CACHE_MS = 200;

/** JVM options that Flink's own `config.yaml` sets for Java 17 (`env.java.opts.all`). */
export const flinkJava17Options: readonly string[] = [
  '--add-exports=java.base/sun.net.util=ALL-UNNAMED',
  '--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED',
  '--add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED',
  '--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED',
  '--add-opens=java.base/java.lang=ALL-UNNAMED',
  '--add-opens=java.base/java.net=ALL-UNNAMED',
  '--add-opens=java.base/java.io=ALL-UNNAMED',
  '--add-opens=java.base/java.nio=ALL-UNNAMED',
  '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
  '--add-opens=java.base/java.lang.reflect=ALL-UNNAMED',
  '--add-opens=java.base/java.text=ALL-UNNAMED',
  '--add-opens=java.base/java.time=ALL-UNNAMED',
  '--add-opens=java.base/java.util=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED',
  '--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED',
];

/** Bytes of one network buffer (`taskmanager.memory.segment-size`, Flink's default). */
const NETWORK_BUFFER_BYTES = 32 * 1024;

/**
 * The network buffers one slot of ClickCountJob needs at parallelism `parallelism`: a slot runs one
 * source and one window subtask, and the keyBy between them is all-to-all. The window's input gate
 * takes 2 exclusive buffers per channel and 8 floating ones (`buffers-per-channel`,
 * `floating-buffers-per-gate`: 2P + 8); the source's output at least one buffer per subpartition
 * and one more (P + 1).
 */
export function networkBuffersPerSlot(parallelism: number): number {
  return 2 * parallelism + 8 + (parallelism + 1);
}

/**
 * Network memory per TaskManager, in MiB: what its slots need at the largest parallelism this
 * machine allows (DEFAULT_MAX_KPUS_LOCAL × MAX_PARALLELISM_PER_KPU = 64; 201 buffers a slot),
 * rounded up to whole MiB, and never less than 16 MiB.
 *
 * Flink's default is a tenth of the TaskManager's Flink memory — 83 MiB, 2,662 buffers at our
 * 1280m — which a TaskManager allocates one direct buffer at a time as it starts: about 0.3 s of a
 * 2-second start on a 2-core machine, on the path of every start, scale and recovery. Fewer buffers
 * in flight change no result, only how soon backpressure reaches the source.
 */
export function networkMemoryMiB(slots: number): number {
  const maxParallelism = DEFAULT_MAX_KPUS_LOCAL * MAX_PARALLELISM_PER_KPU;
  const bytes = slots * networkBuffersPerSlot(maxParallelism) * NETWORK_BUFFER_BYTES;
  return Math.max(16, Math.ceil(bytes / (1024 * 1024)));
}

/**
 * What a TaskManager with `slots` slots is started with (and what BashJavaUtils derives its JVM
 * memory flags from): its slot count and its network memory.
 */
export function taskManagerSlotArgs(slots: number): string[] {
  const network = `${networkMemoryMiB(slots)}m`;
  return [
    '-D', `taskmanager.numberOfTaskSlots=${slots}`,
    '-D', `taskmanager.memory.network.min=${network}`,
    '-D', `taskmanager.memory.network.max=${network}`,
  ];
}

/**
 * JIT thresholds of the TaskManager JVMs: C2 (tier 4) compiles a method after twenty times as many
 * calls and loop iterations as by default (C1 is unchanged). A TaskManager spends most of its start
 * compiling: on a 2-core machine C1 and C2 took 2.7 s of CPU (`-XX:+CITime`) in a start of about
 * 2.6 s, 1.6 s of it C2 compiling code that runs only while the process starts (configuration
 * parsing, RPC set-up) and competes for the same two cores with the start itself. The job's hot
 * paths run hundreds of thousands of times a second and still reach C2 within a second, so the
 * steady rate is the JVM's usual one (the catch-up figure in docs/benchmarks.md is measured with
 * these options). Five TaskManager kills each (docs/benchmarks.md): the first result after the
 * replacement started came 4.6 s after it without these options, 3.4 s with them.
 */
export const taskManagerJitOptions: readonly string[] = [
  '-XX:Tier4InvocationThreshold=100000',
  '-XX:Tier4MinInvocationThreshold=12000',
  '-XX:Tier4CompileThreshold=300000',
  '-XX:Tier4BackEdgeThreshold=800000',
];

/** The flat `key: value` pairs of the cluster's configuration (Flink 2.x accepts flat keys in config.yaml). */
export function flinkConfiguration(config: FlinkClusterConfig): Record<string, string> {
  const initialBackoffMs = config.restartDelayMs ?? MSF_RESTART_STRATEGY.initialBackoffMs;
  return {
    'jobmanager.rpc.address': 'localhost',
    'jobmanager.rpc.port': String(config.rpcPort),
    'jobmanager.bind-host': 'localhost',
    'jobmanager.memory.process.size': config.jobManagerProcessSize,
    'taskmanager.bind-host': 'localhost',
    'taskmanager.host': 'localhost',
    'taskmanager.memory.process.size': config.taskManagerProcessSize,
    'taskmanager.numberOfTaskSlots': String(config.slotsPerTaskManager),
    'parallelism.default': '1',
    'rest.address': 'localhost',
    'rest.bind-address': '127.0.0.1',
    'rest.port': String(config.restPort),
    'web.submit.enable': 'true',
    'web.cancel.enable': 'true',
    'web.upload.dir': path.join(config.workDir, 'web-upload'),
    'web.tmpdir': path.join(config.workDir, 'web-tmp'),
    'io.tmp.dirs': path.join(config.workDir, 'tmp'),
    'blob.storage.directory': path.join(config.workDir, 'blobs'),
    'state.backend.type': config.stateBackend ?? 'rocksdb',
    'execution.checkpointing.dir': pathToFileURL(config.checkpointsDir).href,
    'execution.checkpointing.savepoint-dir': pathToFileURL(config.savepointsDir).href,
    // MSF keeps checkpoints on cancel too (its snapshots are savepoints; checkpoints are internal).
    'execution.checkpointing.num-retained': '3',
    // MSF restarts a failing job for ever, with exponential backoff (see MSF_RESTART_STRATEGY); the
    // plays kill TaskManagers and expect recovery. Flink's default number of attempts before the
    // backoff resets is already unlimited: set here so the config says so.
    'restart-strategy.type': 'exponential-delay',
    'restart-strategy.exponential-delay.initial-backoff': `${initialBackoffMs} ms`,
    // Flink refuses a max backoff below the initial one.
    'restart-strategy.exponential-delay.max-backoff': `${Math.max(MSF_RESTART_STRATEGY.maxBackoffMs, initialBackoffMs)} ms`,
    'restart-strategy.exponential-delay.backoff-multiplier': String(MSF_RESTART_STRATEGY.backoffMultiplier),
    'restart-strategy.exponential-delay.reset-backoff-threshold': `${MSF_RESTART_STRATEGY.resetBackoffThresholdMs} ms`,
    'restart-strategy.exponential-delay.jitter-factor': String(MSF_RESTART_STRATEGY.jitterFactor),
    'restart-strategy.exponential-delay.attempts-before-reset-backoff': '2147483647',
    // Notice a killed TaskManager within seconds rather than the default 50 s.
    'heartbeat.interval': '2000',
    'heartbeat.timeout': '10000',
    // a job that waits for a TaskManager that is not there yet (e.g. after a kill) waits long enough
    'slot.request.timeout': '600000',
    'resourcemanager.standalone.start-up-time': '0',
    // The REST API's metrics are at most 2 s old (default 10 s): the live view's rates and the
    // health checks read them.
    'metrics.fetcher.update-interval': '2000',
    // See REST_GRAPH_CACHE_MS.
    'web.refresh-interval': String(REST_GRAPH_CACHE_MS),
    'env.java.opts.all': flinkJava17Options.join(' '),
    'classloader.check-leaked-classloader': 'false',
  };
}

/** Renders `config.yaml` (flat keys, values quoted as YAML strings). */
export function renderConfigYaml(entries: Readonly<Record<string, string>>): string {
  const lines = Object.entries(entries).map(([key, value]) => `${key}: ${JSON.stringify(value)}`);
  return `# Written by local/flink (the Managed Flink Playground's local session cluster).\n${lines.join('\n')}\n`;
}

/** log4j2 configuration: each process logs to the file in its `log.file` system property. */
const log4jProperties = `# Written by local/flink: one log file per process (-Dlog.file).
monitorInterval = 0
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = MainAppender
logger.pekko.name = org.apache.pekko
logger.pekko.level = INFO
logger.kafka.name = org.apache.kafka
logger.kafka.level = WARN
logger.netty.name = org.jboss.netty.channel.DefaultChannelPipeline
logger.netty.level = OFF
logger.shaded_zookeeper.name = org.apache.flink.shaded.zookeeper3
logger.shaded_zookeeper.level = WARN
appender.main.name = MainAppender
appender.main.type = File
appender.main.append = true
appender.main.fileName = \${sys:log.file}
appender.main.layout.type = PatternLayout
appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n
`;

/** Writes `config.yaml` and `log4j.properties` into `configDir` and creates the data folders. */
export function writeFlinkConfigDir(configDir: string, config: FlinkClusterConfig): void {
  for (const dir of [configDir, config.checkpointsDir, config.savepointsDir, config.workDir]) {
    mkdirSync(dir, { recursive: true });
  }
  for (const sub of ['web-upload', 'web-tmp', 'tmp', 'blobs']) mkdirSync(path.join(config.workDir, sub), { recursive: true });
  writeFileSync(path.join(configDir, 'config.yaml'), renderConfigYaml(flinkConfiguration(config)));
  writeFileSync(path.join(configDir, 'log4j.properties'), log4jProperties);
  writeFileSync(path.join(configDir, 'log4j-console.properties'), log4jProperties);
}
