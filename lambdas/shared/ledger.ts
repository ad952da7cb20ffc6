import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, type BatchGetOptions } from './dynamodb-reads';
import { RETENTION_SECONDS } from './tables';
import { toIso, type Window } from './windows';

export type LedgerStatus = 'claimed' | 'sent';

/** A ledger item: one generated (or being generated) window. */
export interface LedgerEntry {
  readonly windowStart: string;
  readonly windowEnd: string;
  readonly status: LedgerStatus;
  /** Events per page in this window. */
  readonly eventsPerWindow: number;
  readonly pages: number;
  readonly claimedAt: string;
  readonly claimedBy: string;
  readonly sentAt?: string;
  readonly stream: string;
}

export interface ClaimRequest {
  readonly eventsPerWindow: number;
  readonly pages: number;
  readonly claimedBy: string;
  readonly claimedAtMs: number;
  readonly stream: string;
}

/** Where the generator records which windows it has claimed and sent. */
export interface Ledger {
  /** Claims a window; false when it is already claimed (by this or any other invocation). */
  claim(window: Window, request: ClaimRequest): Promise<boolean>;
  /** Marks a window this invocation claimed as completely sent. */
  markSent(window: Window, claimedBy: string, sentAtMs: number): Promise<void>;
}

function isConditionalCheckFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

export { isConditionalCheckFailed };

/** The ledger in a DynamoDB table with the `LEDGER_TABLE` schema. */
export class DynamoDbLedger implements Ledger {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async claim(window: Window, request: ClaimRequest): Promise<boolean> {
    const item: LedgerEntry & { expiresAt: number } = {
      windowStart: toIso(window.start),
      windowEnd: toIso(window.end),
      status: 'claimed',
      eventsPerWindow: request.eventsPerWindow,
      pages: request.pages,
      claimedAt: toIso(request.claimedAtMs),
      claimedBy: request.claimedBy,
      stream: request.stream,
      expiresAt: Math.floor(window.end / 1000) + RETENTION_SECONDS,
    };
    try {
      await this.doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(windowStart)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionalCheckFailed(error)) return false;
      throw error;
    }
  }

  async markSent(window: Window, claimedBy: string, sentAtMs: number): Promise<void> {
    await this.doc.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { windowStart: toIso(window.start) },
        UpdateExpression: 'SET #s = :sent, sentAt = :at',
        ConditionExpression: 'claimedBy = :me',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':sent': 'sent', ':at': toIso(sentAtMs), ':me': claimedBy },
      }),
    );
  }
}

/** Reads one ledger entry (strongly consistent). */
export async function getLedgerEntry(
  doc: DynamoDBDocumentClient,
  tableName: string,
  windowStart: string,
): Promise<LedgerEntry | undefined> {
  const out = await doc.send(new GetCommand({ TableName: tableName, Key: { windowStart }, ConsistentRead: true }));
  return out.Item as LedgerEntry | undefined;
}

/**
 * The ledger entries of the given windows (ISO starts), by window start; windows the generator never
 * claimed are absent. BatchGetItem, 100 keys per request, eventually consistent unless asked.
 */
export async function getLedgerEntries(
  doc: DynamoDBDocumentClient,
  tableName: string,
  windowStarts: readonly string[],
  options: BatchGetOptions = {},
): Promise<Map<string, LedgerEntry>> {
  const items = await batchGetAll(doc, tableName, [...new Set(windowStarts)].map((windowStart) => ({ windowStart })), options);
  return new Map(items.map((item) => [String(item.windowStart), item as unknown as LedgerEntry]));
}
