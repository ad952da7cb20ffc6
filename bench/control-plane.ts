import type { KinesisAnalyticsV2Client } from '@aws-sdk/client-kinesis-analytics-v2';
import { msfClient, recordedFailures, type OperationOptions } from '../cli/msf';
import { resolveTarget, type PlayTarget } from '../cli/target';
import type { PlaygroundDirs } from '../local/paths';

/** A bench stack's local control plane, as the plays see it: the target, a client and how operations wait. */
export interface BenchControlPlane {
  readonly target: PlayTarget;
  readonly client: KinesisAnalyticsV2Client;
  /** For cli/msf.ts's operations: quick looks (the durations are measured), failures the control plane recorded, progress to the log. */
  readonly operation: OperationOptions;
}

/** The real kinesisanalyticsv2 client, pointed at the stack's local control plane (the stack record in `dirs`). */
export function benchControlPlane(dirs: PlaygroundDirs, log: (line: string) => void): BenchControlPlane {
  const target = resolveTarget({ target: 'local', home: dirs.home });
  return {
    target,
    client: msfClient(target),
    operation: { intervalMs: 250, lastFailure: recordedFailures(target), progress: (line) => log(`  ${line}`) },
  };
}

/** Seconds `action` took. */
export async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return (performance.now() - started) / 1000;
}
