import type { JobDetails } from '../../local/flink/rest';

/** A job as Flink's REST API details it: one vertex per entry of `tasks` (its task counts by state). */
export function jobDetails(jid: string, state: JobDetails['state'], tasks: Record<string, number>[]): JobDetails {
  return {
    jid,
    name: 'Click Event Count',
    state,
    'start-time': 0,
    'end-time': -1,
    vertices: tasks.map((t, i) => ({ id: `v${i}`, name: `vertex ${i}`, parallelism: Object.values(t).reduce((a, b) => a + b, 0), status: 'RUNNING', tasks: t })),
  };
}
