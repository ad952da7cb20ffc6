import { BatchGetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BatchGetError } from './errors';

type Item = Record<string, unknown>;

/** BatchGetItem reads at most 100 keys per request. */
export const BATCH_GET_MAX_KEYS = 100;

export interface BatchGetOptions {
  /** @default false (eventually consistent: half the read units) */
  readonly consistentRead?: boolean;
  /** Requests per chunk before unprocessed keys fail the read. @default 8 */
  readonly maxAttempts?: number;
  /** First backoff before re-requesting unprocessed keys; doubles per attempt, full jitter. @default 25 */
  readonly baseDelayMs?: number;
  /** How to wait between attempts. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Chunks requested at the same time. @default 4 */
  readonly concurrency?: number;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapConcurrently<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}

/**
 * Reads `keys` of one table with BatchGetItem, 100 keys per request; keys DynamoDB returns as
 * `UnprocessedKeys` (throttling, the 16 MB response limit) are requested again after an
 * exponential backoff with full jitter, and a chunk still incomplete after `maxAttempts` requests
 * throws a BatchGetError. Keys without an item are simply absent from the result (order is not kept).
 */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Item[],
  options: BatchGetOptions = {},
): Promise<Item[]> {
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 25;
  const sleep = options.sleep ?? realSleep;
  const chunks: Item[][] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_MAX_KEYS) chunks.push(keys.slice(i, i + BATCH_GET_MAX_KEYS));
  const perChunk = await mapConcurrently(chunks, options.concurrency ?? 4, async (chunk) => {
    const items: Item[] = [];
    let pending: Item[] = chunk;
    for (let attempt = 1; ; attempt++) {
      const out = await doc.send(
        new BatchGetCommand({
          RequestItems: { [tableName]: { Keys: pending, ConsistentRead: options.consistentRead ?? false } },
        }),
      );
      items.push(...(out.Responses?.[tableName] ?? []));
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Item[];
      if (pending.length === 0) return items;
      if (attempt >= maxAttempts) {
        throw new BatchGetError(
          `BatchGetItem on ${tableName}: ${pending.length} key(s) still unprocessed after ${attempt} requests`,
          pending.length,
        );
      }
      await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 1));
    }
  });
  return perChunk.flat();
}

/** Every item of a Query (all pages). */
export async function queryAll(
  doc: DynamoDBDocumentClient,
  input: Omit<NonNullable<ConstructorParameters<typeof QueryCommand>[0]>, 'ExclusiveStartKey'>,
): Promise<Item[]> {
  const items: Item[] = [];
  let startKey: Item | undefined;
  do {
    const out = await doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
    items.push(...(out.Items ?? []));
    startKey = out.LastEvaluatedKey;
  } while (startKey);
  return items;
}
