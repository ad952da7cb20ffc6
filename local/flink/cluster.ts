import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { LocalStackError } from '../errors';
import { resolveClasspath } from '../maven';
import type { PlaygroundDirs } from '../paths';
import { assertPortFree, freePort, httpOk, isAlive, signalGroup, startProcess, stopPid, type RunningProcess } from '../process';
import { flinkJava17Options, writeFlinkConfigDir, type FlinkClusterConfig } from './config';
import { FlinkRestClient } from './rest';

const run = promisify(execFile);

const jobManagerMain = 'org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint';
const taskManagerMain = 'org.apache.flink.runtime.taskexecutor.TaskManagerRunner';
const bashJavaUtilsMain = 'org.apache.flink.runtime.util.bash.BashJavaUtils';

export interface FlinkClusterOptions {
  readonly dirs: PlaygroundDirs;
  /** REST API and Web UI. @default 8081 */
  readonly restPort?: number;
  /** TaskManager processes to start (= KPUs). @default 1 */
  readonly taskManagers?: number;
  /** Slots per TaskManager (= ParallelismPerKPU). @default 1 */
  readonly slotsPerTaskManager?: number;
  /** @default '1024m' */
  readonly jobManagerProcessSize?: string;
  /** @default '1280m' */
  readonly taskManagerProcessSize?: string;
  /** @default 'rocksdb' */
  readonly stateBackend?: 'rocksdb' | 'hashmap';
  /** Delay between restarts of a failed job. @default 5000 */
  readonly restartDelayMs?: number;
  /** @default 'java' */
  readonly java?: string;
  /** @default 'mvn' */
  readonly mvn?: string;
  /** Progress messages (Maven resolution, processes starting). */
  readonly onProgress?: (message: string) => void;
  /** How long one process may take to become ready. @default 180000 */
  readonly readyTimeoutMs?: number;
}

/** One TaskManager process of the cluster. */
export interface TaskManagerProcess {
  /** Its Flink resource id, as the REST API and the Web UI show it (`taskmanager-1`, …). */
  readonly id: string;
  readonly pid: number;
  readonly slots: number;
  readonly logFile: string;
  readonly startedAt: string;
  readonly alive: boolean;
}

/** What another process needs to find the cluster and its processes (`.playground/state/flink-cluster.json`). */
export interface FlinkClusterRecord {
  readonly restUrl: string;
  readonly restPort: number;
  readonly configDir: string;
  readonly savepointsDir: string;
  readonly checkpointsDir: string;
  readonly classpath: readonly string[];
  readonly java: string;
  readonly taskManagerJvm: Readonly<Record<string, TaskManagerJvmParams>>;
  readonly jobManager: { readonly pid: number; readonly logFile: string; readonly startedAt: string };
  readonly taskManagers: readonly Omit<TaskManagerProcess, 'alive'>[];
  readonly nextTaskManager: number;
  readonly logsDir: string;
}

interface TaskManagerJvmParams {
  readonly jvm: readonly string[];
  readonly dynamic: readonly string[];
}

/** A running local Flink session cluster: one JobManager and a set of TaskManager processes. */
export interface FlinkCluster {
  readonly restUrl: string;
  readonly rest: FlinkRestClient;
  readonly savepointsDir: string;
  readonly checkpointsDir: string;
  readonly jobManagerPid: number;
  /** The TaskManagers this cluster started, with whether each process is still alive. */
  taskManagers(): TaskManagerProcess[];
  /** Starts one more TaskManager (with `slots` slots, default the cluster's) and waits until it registered. */
  addTaskManager(slots?: number): Promise<TaskManagerProcess>;
  /** Stops one TaskManager gracefully (SIGTERM). */
  stopTaskManager(id: string): Promise<void>;
  /** SIGKILLs one TaskManager, as a machine failure would (the `fail --kill-taskmanager` play). */
  killTaskManager(id: string): Promise<void>;
  /**
   * Makes the cluster have exactly `count` live TaskManagers with `slots` slots each: dead ones are
   * forgotten, TaskManagers with another slot count are replaced, then TaskManagers are added or
   * stopped (newest first). Resolves once the JobManager has registered them all.
   */
  resize(count: number, slots?: number): Promise<void>;
  /** Stops every TaskManager and the JobManager, and forgets the cluster. */
  stop(): Promise<void>;
}

export function flinkClusterRecordFile(dirs: PlaygroundDirs): string {
  return path.join(dirs.state, 'flink-cluster.json');
}

/** The cluster record, or undefined when no cluster was started (or its JobManager is gone). */
export function readFlinkClusterRecord(dirs: PlaygroundDirs): FlinkClusterRecord | undefined {
  const file = flinkClusterRecordFile(dirs);
  if (!existsSync(file)) return undefined;
  const record = JSON.parse(readFileSync(file, 'utf8')) as FlinkClusterRecord;
  return isAlive(record.jobManager.pid) ? record : undefined;
}

/**
 * Starts a Flink session cluster from the Maven-resolved classpath (`local/poms/flink/pom.xml`): the
 * JobManager (REST + Web UI on `restPort`) and `taskManagers` TaskManagers, each process with JVM
 * memory flags derived by Flink's BashJavaUtils as `bin/jobmanager.sh` and `bin/taskmanager.sh` do.
 */
export async function startFlinkCluster(options: FlinkClusterOptions): Promise<FlinkCluster> {
  const { dirs } = options;
  const restPort = options.restPort ?? 8081;
  const existing = readFlinkClusterRecord(dirs);
  if (existing) {
    throw new LocalStackError(
      `a local Flink cluster is already running (JobManager pid ${existing.jobManager.pid}, ${existing.restUrl}); stop it first`,
    );
  }
  await assertPortFree(restPort, 'Flink REST API and Web UI', '--flink-port');
  const java = options.java ?? 'java';
  const classpath = await resolveClasspath('flink', { cacheDir: dirs.cache, mvn: options.mvn, onResolve: options.onProgress });

  const flinkHome = path.join(dirs.data, 'flink');
  const configDir = path.join(flinkHome, 'conf');
  const config: FlinkClusterConfig = {
    restPort,
    rpcPort: await freePort(),
    slotsPerTaskManager: options.slotsPerTaskManager ?? 1,
    jobManagerProcessSize: options.jobManagerProcessSize ?? '1024m',
    taskManagerProcessSize: options.taskManagerProcessSize ?? '1280m',
    checkpointsDir: path.join(flinkHome, 'checkpoints'),
    savepointsDir: path.join(flinkHome, 'savepoints'),
    workDir: path.join(flinkHome, 'work'),
    stateBackend: options.stateBackend,
    restartDelayMs: options.restartDelayMs ?? 5_000,
  };
  writeFlinkConfigDir(configDir, config);
  mkdirSync(dirs.logs, { recursive: true });
  const javaOptions: JavaOptions = { java, classpath, configDir, logsDir: dirs.logs };
  const readyTimeoutMs = options.readyTimeoutMs ?? 180_000;

  const [jmParams, tmParams] = await Promise.all([
    bashJavaUtils(javaOptions, 'GET_JM_RESOURCE_PARAMS', []),
    bashJavaUtils(javaOptions, 'GET_TM_RESOURCE_PARAMS', slotArgs(config.slotsPerTaskManager)),
  ]);
  const restUrl = `http://localhost:${restPort}`;
  const rest = new FlinkRestClient(restUrl);
  options.onProgress?.(`starting the Flink JobManager (REST and Web UI on ${restUrl})`);
  const jobManager = await startProcess({
    name: 'jobmanager',
    command: java,
    args: [...jmParams.jvm, ...javaProcessArgs(javaOptions, 'jobmanager'), jobManagerMain, '--configDir', configDir, ...jmParams.dynamic],
    cwd: flinkHome,
    logFile: path.join(dirs.logs, 'jobmanager.log'),
    ready: () => httpOk(`${restUrl}/v1/overview`),
    readyTimeoutMs,
  });
  const cluster = new LocalFlinkCluster(dirs, javaOptions, rest, {
    restUrl,
    restPort,
    configDir,
    savepointsDir: config.savepointsDir,
    checkpointsDir: config.checkpointsDir,
    classpath,
    java,
    taskManagerJvm: { [String(config.slotsPerTaskManager)]: tmParams },
    jobManager: { pid: jobManager.pid, logFile: jobManager.logFile, startedAt: new Date().toISOString() },
    taskManagers: [],
    nextTaskManager: 1,
    logsDir: dirs.logs,
  }, config.slotsPerTaskManager, readyTimeoutMs, jobManager);
  try {
    await cluster.resize(options.taskManagers ?? 1);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

/** A handle on the cluster another process started (e.g. the CLI acting on the daemon's cluster). */
export function attachFlinkCluster(dirs: PlaygroundDirs, readyTimeoutMs = 180_000): FlinkCluster {
  const record = readFlinkClusterRecord(dirs);
  if (!record) throw new LocalStackError('no local Flink cluster is running (start the playground with `playground up`)');
  const javaOptions: JavaOptions = { java: record.java, classpath: record.classpath, configDir: record.configDir, logsDir: record.logsDir };
  const slots = Number(Object.keys(record.taskManagerJvm)[0] ?? '1');
  return new LocalFlinkCluster(dirs, javaOptions, new FlinkRestClient(record.restUrl), record, slots, readyTimeoutMs);
}

interface JavaOptions {
  readonly java: string;
  readonly classpath: readonly string[];
  readonly configDir: string;
  readonly logsDir: string;
}

class LocalFlinkCluster implements FlinkCluster {
  readonly restUrl: string;
  readonly savepointsDir: string;
  readonly checkpointsDir: string;
  readonly jobManagerPid: number;
  private readonly processes = new Map<string, RunningProcess>();
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly dirs: PlaygroundDirs,
    private readonly javaOptions: JavaOptions,
    readonly rest: FlinkRestClient,
    private record: FlinkClusterRecord,
    private defaultSlots: number,
    private readonly readyTimeoutMs: number,
    private readonly jobManager?: RunningProcess,
  ) {
    this.restUrl = record.restUrl;
    this.savepointsDir = record.savepointsDir;
    this.checkpointsDir = record.checkpointsDir;
    this.jobManagerPid = record.jobManager.pid;
    this.save();
  }

  taskManagers(): TaskManagerProcess[] {
    this.reload();
    return this.record.taskManagers.map((tm) => ({ ...tm, alive: isAlive(tm.pid) }));
  }

  addTaskManager(slots?: number): Promise<TaskManagerProcess> {
    return this.serialized(() => this.startTaskManager(slots ?? this.defaultSlots));
  }

  stopTaskManager(id: string): Promise<void> {
    return this.serialized(() => this.endTaskManager(id, false));
  }

  killTaskManager(id: string): Promise<void> {
    return this.serialized(() => this.endTaskManager(id, true));
  }

  resize(count: number, slots?: number): Promise<void> {
    if (!Number.isInteger(count) || count < 0) throw new LocalStackError(`cannot resize the Flink cluster to ${count} TaskManagers`);
    return this.serialized(async () => {
      const wanted = slots ?? this.defaultSlots;
      this.defaultSlots = wanted;
      this.reload();
      this.update({ taskManagers: this.record.taskManagers.filter((tm) => isAlive(tm.pid)) });
      for (const tm of this.record.taskManagers.filter((t) => t.slots !== wanted)) await this.endTaskManager(tm.id, false);
      const live = [...this.record.taskManagers];
      for (const tm of live.slice(count).reverse()) await this.endTaskManager(tm.id, false);
      const missing = Math.max(0, count - live.length);
      const started = await Promise.allSettled(Array.from({ length: missing }, () => this.startTaskManager(wanted)));
      const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failure) throw failure.reason;
      await this.awaitRegistered();
    });
  }

  async stop(): Promise<void> {
    await this.serialized(async () => {
      this.reload();
      await Promise.all(this.record.taskManagers.map((tm) => this.endTaskManager(tm.id, false)));
      if (this.jobManager) await this.jobManager.stop(20_000);
      else await stopPid(this.record.jobManager.pid, 20_000);
      rmSync(flinkClusterRecordFile(this.dirs), { force: true });
    });
  }

  private async startTaskManager(slots: number): Promise<TaskManagerProcess> {
    this.reload();
    const number = this.record.nextTaskManager;
    this.update({ nextTaskManager: number + 1 });
    const id = `taskmanager-${number}`;
    let params = this.record.taskManagerJvm[String(slots)];
    if (!params) {
      params = await bashJavaUtils(this.javaOptions, 'GET_TM_RESOURCE_PARAMS', slotArgs(slots));
      this.update({ taskManagerJvm: { ...this.record.taskManagerJvm, [String(slots)]: params } });
    }
    const dynamic = [...params.dynamic, '-D', `taskmanager.resource-id=${id}`, ...slotArgs(slots)];
    const process = await startProcess({
      name: id,
      command: this.javaOptions.java,
      args: [...params.jvm, ...javaProcessArgs(this.javaOptions, id), taskManagerMain, '--configDir', this.javaOptions.configDir, ...dynamic],
      cwd: path.dirname(this.javaOptions.configDir),
      logFile: path.join(this.javaOptions.logsDir, `${id}.log`),
      ready: async () => (await this.rest.taskManagers()).some((tm) => tm.id === id),
      readyTimeoutMs: this.readyTimeoutMs,
      // An attached cluster belongs to another process (the daemon): its TaskManagers outlive this one.
      unref: this.jobManager === undefined,
    });
    this.processes.set(id, process);
    const tm = { id, pid: process.pid, slots, logFile: process.logFile, startedAt: new Date().toISOString() };
    this.reload();
    this.update({ taskManagers: [...this.record.taskManagers, tm] });
    return { ...tm, alive: true };
  }

  private async endTaskManager(id: string, kill: boolean): Promise<void> {
    this.reload();
    const tm = this.record.taskManagers.find((t) => t.id === id);
    if (!tm) throw new LocalStackError(`no TaskManager '${id}' in the local Flink cluster`);
    const process = this.processes.get(id);
    if (kill) {
      signalGroup(tm.pid, 'SIGKILL');
      // poll rather than await `exited`: the TaskManager may be another process's child
      while (isAlive(tm.pid)) await sleep(50);
    } else if (process) {
      await process.stop(15_000);
    } else {
      await stopPid(tm.pid, 15_000);
    }
    this.processes.delete(id);
    this.reload();
    this.update({ taskManagers: this.record.taskManagers.filter((t) => t.id !== id) });
  }

  /** Waits until the JobManager lists exactly the live TaskManagers of the record. */
  private async awaitRegistered(): Promise<void> {
    const expected = new Set(this.record.taskManagers.map((tm) => tm.id));
    const deadline = Date.now() + this.readyTimeoutMs;
    for (;;) {
      const registered = await this.rest.taskManagers().catch(() => undefined);
      if (registered && registered.length === expected.size && registered.every((tm) => expected.has(tm.id))) return;
      if (Date.now() > deadline) {
        throw new LocalStackError(
          `the Flink JobManager lists TaskManagers [${registered?.map((tm) => tm.id).join(', ') ?? '?'}], expected [${[...expected].join(', ')}]`,
        );
      }
      await sleep(250);
    }
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private reload(): void {
    const file = flinkClusterRecordFile(this.dirs);
    if (existsSync(file)) this.record = JSON.parse(readFileSync(file, 'utf8')) as FlinkClusterRecord;
  }

  private update(change: Partial<FlinkClusterRecord>): void {
    this.record = { ...this.record, ...change };
    this.save();
  }

  private save(): void {
    const file = flinkClusterRecordFile(this.dirs);
    mkdirSync(path.dirname(file), { recursive: true });
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, `${JSON.stringify(this.record, null, 2)}\n`);
    renameSync(partial, file);
  }
}

function slotArgs(slots: number): string[] {
  return ['-D', `taskmanager.numberOfTaskSlots=${slots}`];
}

function javaProcessArgs(options: JavaOptions, name: string): string[] {
  const log4j = path.join(options.configDir, 'log4j.properties');
  return [
    ...flinkJava17Options,
    '-XX:+IgnoreUnrecognizedVMOptions',
    `-Dlog.file=${path.join(options.logsDir, `${name}.log`)}`,
    `-Dlog4j.configuration=file:${log4j}`,
    `-Dlog4j.configurationFile=file:${log4j}`,
    '-classpath',
    options.classpath.join(path.delimiter),
  ];
}

/**
 * Runs Flink's BashJavaUtils as `bin/config.sh` does: the first result line holds the JVM flags
 * (-Xmx, -Xms, -XX:MaxDirectMemorySize, -XX:MaxMetaspaceSize), the last the dynamic properties
 * (`-D key=value` pairs) that make the process use exactly that memory layout.
 */
async function bashJavaUtils(options: JavaOptions, command: string, dynamic: readonly string[]): Promise<TaskManagerJvmParams> {
  let stdout: string;
  try {
    ({ stdout } = await run(
      options.java,
      ['-classpath', options.classpath.join(path.delimiter), bashJavaUtilsMain, command, '--configDir', options.configDir, ...dynamic],
      { timeout: 120_000 },
    ));
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    throw new LocalStackError(`Flink's BashJavaUtils ${command} failed: ${`${failure.stdout ?? ''}${failure.stderr ?? ''}`.trim()}`, {
      cause: error,
    });
  }
  const results = stdout
    .split('\n')
    .filter((line) => line.startsWith('BASH_JAVA_UTILS_EXEC_RESULT:'))
    .map((line) => line.slice('BASH_JAVA_UTILS_EXEC_RESULT:'.length).trim());
  if (results.length < 2) throw new LocalStackError(`Flink's BashJavaUtils ${command} gave no result:\n${stdout}`);
  return { jvm: results[0].split(/\s+/).filter(Boolean), dynamic: results[results.length - 1].split(/\s+/).filter(Boolean) };
}
