import { FlinkRestClient, terminalJobStates, type JobOverview } from '../local/flink/rest';
import { PlayError } from './errors';
import type { PlayTarget } from './target';

/** The local stack's Flink REST client. @throws PlayError on AWS */
export function localFlink(target: Pick<PlayTarget, 'local'>): FlinkRestClient {
  if (!target.local) throw new PlayError('this needs the local playground (--target local)');
  return new FlinkRestClient(target.local.record.endpoints.flinkRestUrl, 10_000);
}

/** The job that is running (or restarting) on the local cluster, if any. */
export async function currentJob(rest: FlinkRestClient): Promise<JobOverview | undefined> {
  const jobs = await rest.jobs();
  return jobs.find((j) => !terminalJobStates.has(j.state));
}

/** True when the job is RUNNING and every one of its tasks runs. */
export async function allTasksRunning(rest: FlinkRestClient, jobId: string): Promise<boolean> {
  const job = await rest.job(jobId);
  return job.state === 'RUNNING' && job.vertices.every((v) => v.status === 'RUNNING');
}
