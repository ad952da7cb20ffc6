import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, KinesisStreamBatchResponse, KinesisStreamEvent, KinesisStreamRecord, MSKEvent } from 'aws-lambda';
import { auditRecord, sweep, type AuditDeps, type SweepResult } from './audit';

/** The event shapes the auditor accepts: a Kinesis event source mapping batch or an MSK batch. */
export type AuditorEvent = KinesisStreamEvent | MSKEvent;

export type AuditorHandler = (event: AuditorEvent, context: Context) => Promise<KinesisStreamBatchResponse | undefined>;

function isMskEvent(event: AuditorEvent): event is MSKEvent {
  const source: string = (event as { eventSource?: string }).eventSource ?? '';
  return source === 'aws:kafka' || source === 'SelfManagedKafka';
}

function decode(base64: string | undefined | null): string {
  return base64 ? Buffer.from(base64, 'base64').toString('utf8') : '';
}

/**
 * Builds the auditor's Lambda handler. Kinesis batches go through Powertools batch processing: a
 * record whose processing throws (a transient DynamoDB error) is reported as a batch item failure
 * and retried; malformed records are counted and succeed. MSK batches have no partial response: a
 * transient error fails the batch, and its redelivery is harmless (arrivals are idempotent).
 */
export function createAuditorHandler(deps: AuditDeps): AuditorHandler {
  const processor = new BatchProcessor(EventType.KinesisDataStreams);
  const handleKinesisRecord = async (record: KinesisStreamRecord): Promise<void> => {
    await auditRecord(decode(record.kinesis.data), deps);
  };
  return async (event, context) => {
    try {
      if (isMskEvent(event)) {
        for (const records of Object.values(event.records)) {
          for (const record of records) await auditRecord(decode(record.value), deps);
        }
        return undefined;
      }
      return await processPartialResponse(event, handleKinesisRecord, processor, { context, processInParallel: false });
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}

export type SweepHandler = (event: unknown, context: Context) => Promise<SweepResult>;

/** Builds the scheduled missing-window sweep's handler. */
export function createSweepHandler(deps: AuditDeps): SweepHandler {
  return async () => {
    try {
      return await sweep(deps);
    } finally {
      deps.metrics.publishStoredMetrics();
    }
  };
}
