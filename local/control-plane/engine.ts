import type { ApplicationRecord } from './model';

/** What the application needs from Flink to run: a job from a savepoint or from nothing. */
export interface JobLaunch {
  readonly savepointPath?: string;
  readonly allowNonRestoredState: boolean;
  /** The version's jar (given as ZipFileContent); none: the stack's job jar. */
  readonly jarPath?: string;
}

/** The Flink-side work behind the control plane's operations (a fake one in unit tests). */
export interface FlinkEngine {
  /**
   * Makes the cluster have `taskManagers` TaskManagers with `slotsPerTaskManager` slots each.
   * `onShrunk`: called once the TaskManagers that go have ended, before new ones start.
   */
  resize(taskManagers: number, slotsPerTaskManager: number, onShrunk?: () => void): Promise<void>;
  /**
   * Submits the application's job; resolves with its job id once all of its tasks run. `sized`: the
   * resize that makes room for it, still under way (new TaskManagers booting); the job is submitted
   * meanwhile, and cancelled when that resize fails.
   */
  startJob(app: ApplicationRecord, launch: JobLaunch, sized?: Promise<void>): Promise<string>;
  /** Takes a savepoint of a running job; resolves with its location. */
  savepoint(jobId: string): Promise<string>;
  /** Stops a job with a savepoint; resolves with the savepoint's location. */
  stopWithSavepoint(jobId: string): Promise<string>;
  /** Cancels a job (no savepoint) and waits until it has ended. */
  cancel(jobId: string): Promise<void>;
  /** The job's Flink state, or undefined when the cluster does not know the job. */
  jobState(jobId: string): Promise<string | undefined>;
  /** Why the job failed, when Flink says. */
  jobFailure(jobId: string): Promise<string | undefined>;
  /** The newest completed checkpoint that a job left (even after its JobManager is gone), if any. */
  latestCheckpoint(jobId: string): Promise<string | undefined>;
  /** Deletes a savepoint's files. */
  disposeSavepoint(location: string): Promise<void>;
}
