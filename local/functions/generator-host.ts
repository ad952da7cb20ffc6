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
import { hostRegion } from './host-env';
import { lambdaContext, localSchedule, scheduledEvent } from './lambda-shapes';

// Read at the edge (see ./host-env.ts for what the local stack writes).
const { firstMs: first, periodMs } = localSchedule(process.env, Date.now());
const region = hostRegion(process.env);
const { handler } = await import('../../lambdas/generator');

let tick = 0;
let timer: NodeJS.Timeout | undefined;
/**
 * Invocations run one after the other. When the host falls behind (the machine stalled it, a
 * laptop slept), the overdue invocation waits for the one still sending: run side by side, both
 * would send the past slices of their windows at once, the next window's clicks could reach the
 * job before the last ones of the window before, and the watermark would drop those as late.
 */
let previous: Promise<void> = Promise.resolve();

function invoke(): void {
  const event = scheduledEvent(first + tick * periodMs, region, 'generator-schedule');
  tick += 1;
  previous = previous.then(() =>
    handler(event, lambdaContext('generator')).then(
      (result) => log({ level: 'INFO', message: 'invocation done', result }),
      (error: unknown) => log({ level: 'ERROR', message: 'invocation failed', error: String(error) }),
    ),
  );
  timer = setTimeout(invoke, Math.max(0, first + tick * periodMs - Date.now()));
}

function log(line: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}

process.once('SIGTERM', () => {
  clearTimeout(timer);
  process.exit(0);
});
invoke();
