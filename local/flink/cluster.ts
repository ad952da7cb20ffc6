import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { LocalStackError } from '../errors';
import { appendStackEvent } from '../events';
import { resolveClasspath } from '../maven';
import type { PlaygroundDirs } from '../paths';
import { poll } from '../poll';
import { assertPortFree, freePort } from '../ports';
import { httpOk, isAlive, signalGroup, startProcess, type ProcessExit, type RunningProcess } from '../process';
import { describeExit, RestartBackoff } from '../supervisor';
import { TaskManagerClassArchive } from './cds';
import { flinkJava17Options, taskManagerJitOptions, taskManagerSlotArgs, writeFlinkConfigDir, type FlinkClusterConfig } from './config';
import { rocksDbLibraryDir } from './rocksdb-native';
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
  /** The first restart's delay of a failed job (exponential-delay, as MSF; see config.ts). @default 1000 */
  readonly restartDelayMs?: number;
  /** @default 'java' */
  readonly java?: string;
  /** @default 'mvn' */
  readonly mvn?: string;
  /** Progress messages (Maven resolution, processes starting). */
  readonly onProgress?: (message: string) => void;
  /** How long one process may take to become ready. @default 180000 */
  readonly readyTimeoutMs?: number;
  /** The environment of every process of the cluster (the stack's one environment). @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** Delay before a TaskManager that ended by itself is replaced. @default 2000 */
  readonly taskManagerReplaceDelayMs?: number;
  /** Delay before a JobManager that ended by itself is started again. @default 1000 */
  readonly jobManagerRestartDelayMs?: number;
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
  /** How often the JobManager was started again after it ended by itself. */
  readonly jobManagerRestarts: number;
  readonly jobManagerLogFile: string;
  /** When the current JobManager process started (ISO-8601). */
  readonly jobManagerStartedAt: string;
  /** The TaskManagers this cluster started, with whether each process is still alive. */
  taskManagers(): TaskManagerProcess[];
  /**
   * SIGKILLs one TaskManager (the oldest live one without `id`), as a machine failure would, and
   * starts its replacement after `replaceAfterMs` (the `fail --kill-taskmanager` play). Resolves
   * once the TaskManager is gone.
   */
  killTaskManager(options: { readonly id?: string; readonly replaceAfterMs: number }): Promise<{ readonly victim: TaskManagerProcess; readonly replaceAt: number }>;
  /**
   * Makes the cluster have exactly `count` live TaskManagers with `slots` slots each: dead ones are
   * forgotten, TaskManagers with another slot count are replaced, then TaskManagers are added or
   * stopped (newest first). Resolves once the JobManager has registered them all. From then on a
   * TaskManager that ends by itself is replaced, so the cluster keeps `count`. `onShrunk` is called
   * once the TaskManagers that go have ended, before new ones start: from then on the cluster
   * offers no slot that is about to disappear.
   */
  resize(count: number, slots?: number, onShrunk?: () => void): Promise<void>;
  /** Called after the JobManager ended by itself and was started again (it knows no job then). */
  onJobManagerRestart(listener: () => void): void;
  /** Stops every TaskManager and the JobManager, and forgets the cluster. */
  stop(): Promise<void>;
}

function flinkClusterRecordFile(dirs: PlaygroundDirs): string {
  return path.join(dirs.state, 'flink-cluster.json');
}

/** The cluster record, or undefined when no cluster was started (or its JobManager is gone). */
export function readFlinkClusterRecord(dirs: PlaygroundDirs): FlinkClusterRecord | undefined {
  const record = readFlinkClusterRecordFile(dirs);
  return record && isAlive(record.jobManager.pid) ? record : undefined;
}

/** The cluster record as last written, whether its processes still run or not. */
export function readFlinkClusterRecordFile(dirs: PlaygroundDirs): FlinkClusterRecord | undefined {
  const file = flinkClusterRecordFile(dirs);
  if (!existsSync(file)) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as FlinkClusterRecord;
  } catch {
    return undefined;
  }
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
    restartDelayMs: options.restartDelayMs,
  };
  writeFlinkConfigDir(configDir, config);
  mkdirSync(dirs.logs, { recursive: true });
  const rocksDbDir = await rocksDbLibraryDir({ cacheDir: dirs.cache, classpath, java, searchPath: options.env?.PATH });
  const javaOptions: JavaOptions = { java, classpath, configDir, logsDir: dirs.logs, env: options.env, rocksDbDir };
  const readyTimeoutMs = options.readyTimeoutMs ?? 180_000;

  const [jmParams, tmParams] = await Promise.all([
    bashJavaUtils(javaOptions, 'GET_JM_RESOURCE_PARAMS', []),
    bashJavaUtils(javaOptions, 'GET_TM_RESOURCE_PARAMS', taskManagerSlotArgs(config.slotsPerTaskManager)),
  ]);
  const restUrl = `http://localhost:${restPort}`;
  const rest = new FlinkRestClient(restUrl);
  options.onProgress?.(`starting the Flink JobManager (REST and Web UI on ${restUrl})`);
  const startJobManager = (): Promise<RunningProcess> =>
    startProcess({
      name: 'jobmanager',
      command: java,
      args: [...jmParams.jvm, ...javaProcessArgs(javaOptions, 'jobmanager'), jobManagerMain, '--configDir', configDir, ...jmParams.dynamic],
      cwd: flinkHome,
      env: javaOptions.env,
      logFile: path.join(dirs.logs, 'jobmanager.log'),
      ready: () => httpOk(`${restUrl}/v1/overview`),
      readyTimeoutMs,
    });
  const jobManager = await startJobManager();
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
  }, config.slotsPerTaskManager, readyTimeoutMs, jobManager, startJobManager, {
    taskManagerMs: options.taskManagerReplaceDelayMs ?? 2_000,
    jobManagerMs: options.jobManagerRestartDelayMs ?? 1_000,
  });
  try {
    await cluster.resize(options.taskManagers ?? 1);
  } catch (error) {
    await cluster.stop();
    throw error;
  }
  return cluster;
}

interface JavaOptions {
  readonly java: string;
  readonly classpath: readonly string[];
  readonly configDir: string;
  readonly logsDir: string;
  /** @default the supervisor's own environment */
  readonly env?: NodeJS.ProcessEnv;
  /** RocksDB's JNI library, extracted once (./rocksdb-native.ts), for the TaskManagers' library path. */
  readonly rocksDbDir?: string;
}

class LocalFlinkCluster implements FlinkCluster {
  readonly restUrl: string;
  readonly savepointsDir: string;
  readonly checkpointsDir: string;
  private readonly processes = new Map<string, RunningProcess>();
  /** TaskManagers this cluster is ending itself (a resize, a play's kill, the cluster's stop). */
  private readonly ending = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  /** The TaskManagers the cluster keeps (set by resize). */
  private wanted = 0;
  /** Replacements a play postponed (`fail --kill-taskmanager --down-for`): not started before their time. */
  private postponed = 0;
  private stopped = false;
  private readonly jobManagerListeners: (() => void)[] = [];
  private readonly taskManagerBackoff: RestartBackoff;
  private readonly jobManagerBackoff: RestartBackoff;
  private readonly classArchive: TaskManagerClassArchive;
  private jobManagerStartMs = Date.now();
  jobManagerRestarts = 0;

  constructor(
    private readonly dirs: PlaygroundDirs,
    private readonly javaOptions: JavaOptions,
    readonly rest: FlinkRestClient,
    private record: FlinkClusterRecord,
    private defaultSlots: number,
    private readonly readyTimeoutMs: number,
    private jobManager: RunningProcess,
    private readonly startJobManager: () => Promise<RunningProcess>,
    private readonly delays: { readonly taskManagerMs: number; readonly jobManagerMs: number },
  ) {
    this.restUrl = record.restUrl;
    this.savepointsDir = record.savepointsDir;
    this.checkpointsDir = record.checkpointsDir;
    this.taskManagerBackoff = new RestartBackoff(delays.taskManagerMs);
    this.jobManagerBackoff = new RestartBackoff(delays.jobManagerMs);
    this.classArchive = new TaskManagerClassArchive(dirs.cache);
    this.save();
    this.watchJobManager(jobManager);
  }

  get jobManagerPid(): number {
    return this.jobManager.pid;
  }

  get jobManagerLogFile(): string {
    return this.jobManager.logFile;
  }

  get jobManagerStartedAt(): string {
    return this.record.jobManager.startedAt;
  }

  taskManagers(): TaskManagerProcess[] {
    return this.record.taskManagers.map((tm) => ({ ...tm, alive: isAlive(tm.pid) }));
  }

  killTaskManager(options: { readonly id?: string; readonly replaceAfterMs: number }): Promise<{ victim: TaskManagerProcess; replaceAt: number }> {
    return this.serialized(async () => {
      const live = this.taskManagers().filter((tm) => tm.alive);
      const victim = options.id ? live.find((tm) => tm.id === options.id) : live[0];
      if (!victim) {
        throw new LocalStackError(options.id ? `no live TaskManager '${options.id}' in the local Flink cluster` : 'no live TaskManager to kill');
      }
      this.postponed += 1;
      await this.endTaskManager(victim.id, true);
      appendStackEvent(this.dirs, {
        kind: 'killed',
        process: victim.id,
        pid: victim.pid,
        message: `${victim.id} (pid ${victim.pid}) killed (SIGKILL) by a play; its replacement starts in ${Math.round(options.replaceAfterMs / 1000)} s`,
      });
      const replaceAt = Date.now() + options.replaceAfterMs;
      setTimeout(() => {
        this.postponed -= 1;
        void this.replenish();
      }, options.replaceAfterMs).unref();
      return { victim, replaceAt };
    });
  }

  resize(count: number, slots?: number, onShrunk?: () => void): Promise<void> {
    if (!Number.isInteger(count) || count < 0) throw new LocalStackError(`cannot resize the Flink cluster to ${count} TaskManagers`);
    return this.serialized(async () => {
      const wanted = slots ?? this.defaultSlots;
      this.defaultSlots = wanted;
      this.wanted = count;
      this.update({ taskManagers: this.record.taskManagers.filter((tm) => isAlive(tm.pid)) });
      for (const tm of this.record.taskManagers.filter((t) => t.slots !== wanted)) await this.endTaskManager(tm.id, false);
      const live = [...this.record.taskManagers];
      for (const tm of live.slice(count).reverse()) await this.endTaskManager(tm.id, false);
      onShrunk?.();
      const missing = Math.max(0, count - live.length);
      const started = await Promise.allSettled(Array.from({ length: missing }, () => this.startTaskManager(wanted)));
      const failure = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
      if (failure) throw failure.reason;
      await this.awaitRegistered();
    });
  }

  onJobManagerRestart(listener: () => void): void {
    this.jobManagerListeners.push(listener);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.serialized(async () => {
      await Promise.all(this.record.taskManagers.map((tm) => this.endTaskManager(tm.id, false)));
      await this.jobManager.stop(20_000);
      rmSync(flinkClusterRecordFile(this.dirs), { force: true });
    });
  }

  private async startTaskManager(slots: number): Promise<TaskManagerProcess> {
    const number = this.record.nextTaskManager;
    this.update({ nextTaskManager: number + 1 });
    const id = `taskmanager-${number}`;
    let params = this.record.taskManagerJvm[String(slots)];
    if (!params) {
      params = await bashJavaUtils(this.javaOptions, 'GET_TM_RESOURCE_PARAMS', taskManagerSlotArgs(slots));
      this.update({ taskManagerJvm: { ...this.record.taskManagerJvm, [String(slots)]: params } });
    }
    const dynamic = [...params.dynamic, '-D', `taskmanager.resource-id=${id}`, ...taskManagerSlotArgs(slots)];
    const cds = this.classArchive.optionsFor(id, {
      java: this.javaOptions.java,
      searchPath: this.javaOptions.env?.PATH,
      classpath: this.javaOptions.classpath,
      flags: params.jvm,
    });
    let process: RunningProcess;
    try {
      process = await startProcess({
        name: id,
        command: this.javaOptions.java,
        args: [
          ...params.jvm,
          ...cds.args,
          ...taskManagerJitOptions,
          ...javaProcessArgs(this.javaOptions, id),
          taskManagerMain,
          '--configDir',
          this.javaOptions.configDir,
          ...dynamic,
        ],
        cwd: path.dirname(this.javaOptions.configDir),
        env: this.javaOptions.env,
        libraryDirs: this.javaOptions.rocksDbDir ? [this.javaOptions.rocksDbDir] : undefined,
        logFile: path.join(this.javaOptions.logsDir, `${id}.log`),
        ready: async () => (await this.rest.taskManagers()).some((tm) => tm.id === id),
        readyTimeoutMs: this.readyTimeoutMs,
      });
    } catch (error) {
      cds.ended({ code: null, signal: 'SIGKILL' });
      throw error;
    }
    this.processes.set(id, process);
    const tm = { id, pid: process.pid, slots, logFile: process.logFile, startedAt: new Date().toISOString() };
    this.update({ taskManagers: [...this.record.taskManagers, tm] });
    void process.ended.then((exit) => {
      cds.ended(exit);
      this.onTaskManagerEnded(id, process.pid, exit);
    });
    return { ...tm, alive: true };
  }

  /** A TaskManager ended: unless the cluster ended it, it is replaced after a short delay, as MSF does. */
  private onTaskManagerEnded(id: string, pid: number, exit: ProcessExit): void {
    if (this.ending.has(id) || this.stopped) return;
    const startedAt = Date.parse(this.record.taskManagers.find((t) => t.id === id)?.startedAt ?? '') || 0;
    this.processes.delete(id);
    this.update({ taskManagers: this.record.taskManagers.filter((t) => t.id !== id) });
    const delay = this.taskManagerBackoff.next(startedAt);
    appendStackEvent(this.dirs, {
      kind: 'exited',
      process: id,
      pid,
      message: `${id} (pid ${pid}) ended by itself (${describeExit(exit)}); a replacement starts in ${Math.round(delay / 1000)} s`,
    });
    setTimeout(() => void this.replenish(), delay).unref();
  }

  /** Starts TaskManagers until the cluster has the ones it keeps (less those a play postponed). */
  private replenish(): Promise<void> {
    return this.serialized(async () => {
      while (!this.stopped && this.record.taskManagers.filter((tm) => isAlive(tm.pid)).length < this.wanted - this.postponed) {
        try {
          const tm = await this.startTaskManager(this.defaultSlots);
          appendStackEvent(this.dirs, { kind: 'restarted', process: tm.id, pid: tm.pid, message: `${tm.id} (pid ${tm.pid}, ${tm.slots} slot(s)) started to replace a TaskManager that ended` });
        } catch (error) {
          const delay = this.taskManagerBackoff.next(Date.now());
          appendStackEvent(this.dirs, {
            kind: 'exited',
            message: `a replacement TaskManager could not be started (${(error as Error).message.split('\n')[0]}); trying again in ${Math.round(delay / 1000)} s`,
          });
          setTimeout(() => void this.replenish(), delay).unref();
          return;
        }
      }
    });
  }

  private watchJobManager(jobManager: RunningProcess): void {
    void jobManager.ended.then((exit) => {
      if (this.stopped || jobManager !== this.jobManager) return;
      void this.restartJobManager(jobManager, exit);
    });
  }

  /**
   * A JobManager that ended by itself is started again on the same ports; the TaskManagers register
   * with it again, and the listeners (the control plane) start the application's job again from its
   * latest checkpoint — Flink has no high availability without ZooKeeper or Kubernetes.
   */
  private async restartJobManager(ended: RunningProcess, exit: ProcessExit): Promise<void> {
    appendStackEvent(this.dirs, {
      kind: 'exited',
      process: 'jobmanager',
      pid: ended.pid,
      message: `jobmanager (pid ${ended.pid}) ended by itself (${describeExit(exit)}); it is started again`,
    });
    while (!this.stopped) {
      await sleep(this.jobManagerBackoff.next(this.jobManagerStartMs));
      if (this.stopped) return;
      this.jobManagerStartMs = Date.now();
      try {
        const next = await this.startJobManager();
        if (this.stopped) {
          await next.stop();
          return;
        }
        this.jobManager = next;
        this.jobManagerRestarts += 1;
        this.update({ jobManager: { pid: next.pid, logFile: next.logFile, startedAt: new Date().toISOString() } });
        this.watchJobManager(next);
        appendStackEvent(this.dirs, { kind: 'restarted', process: 'jobmanager', pid: next.pid, message: `jobmanager restarted (pid ${next.pid})` });
        for (const listener of this.jobManagerListeners) listener();
        return;
      } catch (error) {
        appendStackEvent(this.dirs, {
          kind: 'exited',
          process: 'jobmanager',
          message: `jobmanager could not be started again (${(error as Error).message.split('\n')[0]}); trying again`,
        });
      }
    }
  }

  private async endTaskManager(id: string, kill: boolean): Promise<void> {
    const tm = this.record.taskManagers.find((t) => t.id === id);
    if (!tm) throw new LocalStackError(`no TaskManager '${id}' in the local Flink cluster`);
    const process = this.processes.get(id);
    this.ending.add(id);
    if (kill) {
      signalGroup(tm.pid, 'SIGKILL');
      if (process) await process.ended;
      else {
        await poll(async () => (isAlive(tm.pid) ? { done: false, state: 'alive' } : { done: true, value: undefined }), {
          timeoutMs: 15_000,
          intervalMs: 50,
          timeout: () => new LocalStackError(`${id} (pid ${tm.pid}) is still alive 15 s after SIGKILL`),
        });
      }
    } else if (process) {
      await process.stop(15_000);
    }
    this.processes.delete(id);
    this.update({ taskManagers: this.record.taskManagers.filter((t) => t.id !== id) });
  }

  /** Waits until the JobManager lists exactly the live TaskManagers of the record. */
  private async awaitRegistered(): Promise<void> {
    const expected = new Set(this.record.taskManagers.map((tm) => tm.id));
    await poll(
      async () => {
        const registered = await this.rest.taskManagers().catch(() => undefined);
        if (registered && registered.length === expected.size && registered.every((tm) => expected.has(tm.id))) return { done: true, value: undefined };
        return { done: false, state: registered?.map((tm) => tm.id).join(', ') ?? '?' };
      },
      {
        timeoutMs: this.readyTimeoutMs,
        intervalMs: 250,
        timeout: (listed) => new LocalStackError(`the Flink JobManager lists TaskManagers [${listed}], expected [${[...expected].join(', ')}]`),
      },
    );
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
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
