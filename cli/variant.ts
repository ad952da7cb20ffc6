/**
 * Which of the original playground's job variants an application runs — event or processing time,
 * checkpointing on or off, the Backpressure operator or not — read from DescribeApplication, so it
 * is the same on the local control plane and on AWS.
 */
import type { ApplicationDetail } from '@aws-sdk/client-kinesis-analytics-v2';

export interface JobVariantView {
  /** `ClickCountJob.event-time` (the job's default when the key is absent: true). */
  readonly eventTime: boolean;
  /** `ClickCountJob.backpressure` (default false). */
  readonly backpressure: boolean;
  /** CheckpointingEnabled (MSF's DEFAULT configuration: on, every 60 s). */
  readonly checkpointing: boolean;
  /** The checkpoint interval while checkpointing is on; null when it is off. */
  readonly checkpointIntervalMs: number | null;
}

/** MSF's DEFAULT checkpoint configuration: enabled, every 60 s. */
const MSF_DEFAULT_INTERVAL_MS = 60_000;

/** The variant an application's configuration runs. */
export function variantOf(detail: ApplicationDetail): JobVariantView {
  const config = detail.ApplicationConfigurationDescription;
  const groups = config?.EnvironmentPropertyDescriptions?.PropertyGroupDescriptions ?? [];
  const job = groups.find((group) => group.PropertyGroupId === 'ClickCountJob')?.PropertyMap ?? {};
  const checkpoint = config?.FlinkApplicationConfigurationDescription?.CheckpointConfigurationDescription;
  const custom = checkpoint?.ConfigurationType === 'CUSTOM';
  const checkpointing = custom ? (checkpoint.CheckpointingEnabled ?? true) : true;
  return {
    eventTime: job['event-time']?.trim().toLowerCase() !== 'false',
    backpressure: job.backpressure?.trim().toLowerCase() === 'true',
    checkpointing,
    checkpointIntervalMs: checkpointing ? ((custom ? checkpoint.CheckpointInterval : undefined) ?? MSF_DEFAULT_INTERVAL_MS) : null,
  };
}

/** `event time, checkpointing every 10 s, no backpressure`, `processing time, checkpointing off, backpressure operator`. */
export function describeVariant(variant: Omit<JobVariantView, 'checkpointIntervalMs'> & { readonly checkpointIntervalMs?: number | null }): string {
  const checkpoints = variant.checkpointing
    ? `checkpointing${variant.checkpointIntervalMs ? ` every ${variant.checkpointIntervalMs / 1000} s` : ' on'}`
    : 'checkpointing off';
  return [variant.eventTime ? 'event time' : 'processing time', checkpoints, variant.backpressure ? 'backpressure operator' : 'no backpressure'].join(', ');
}
