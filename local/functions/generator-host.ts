/**
 * The generator's local runtime: a process that invokes the unchanged generator handler on a
 * schedule with EventBridge's event shape, as the schedule rule does on AWS.
 *
 * Configuration (environment, set by the local stack): the generator's own variables (see
 * lambdas/shared/config.ts) plus PLAYGROUND_SCHEDULE_MS (the schedule's period),
 * PLAYGROUND_SCHEDULE_START_MS (when the schedule was created; see localSchedule) and AWS_REGION.
 * On SIGTERM it stops at once: a window in flight stays `claimed` in the ledger, never `sent`, so
 * the auditor does not expect it.
 */
import { lambdaContext, localSchedule, scheduledEvent } from './lambda-shapes';

const { firstMs: first, periodMs } = localSchedule(process.env, Date.now());
const region = process.env.AWS_REGION ?? 'us-east-1';
const { handler } = await import('../../lambdas/generator');

let tick = 0;
let timer: NodeJS.Timeout | undefined;

function invoke(): void {
  const scheduled = first + tick * periodMs;
  tick += 1;
  handler(scheduledEvent(scheduled, region, 'generator-schedule'), lambdaContext('generator'))
    .then((result) => process.stdout.write(`${JSON.stringify({ level: 'INFO', message: 'invocation done', result })}\n`))
    .catch((error: unknown) =>
      process.stdout.write(`${JSON.stringify({ level: 'ERROR', message: 'invocation failed', error: String(error) })}\n`),
    );
  timer = setTimeout(invoke, Math.max(0, first + tick * periodMs - Date.now()));
}

process.once('SIGTERM', () => {
  clearTimeout(timer);
  process.exit(0);
});
invoke();
