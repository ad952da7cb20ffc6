import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { TableSchema } from '../../../lambdas/shared/tables';

type Item = Record<string, unknown>;
type Values = Record<string, unknown> | undefined;
type Names = Record<string, string> | undefined;

/**
 * A small in-memory DynamoDB behind aws-sdk-client-mock that understands the expressions the
 * lambdas use (conditions, SET / ADD / list_append updates, key conditions and AND-ed filters).
 * Unit tests use it; the integration test runs the same code against DynamoDB Local.
 */
export class FakeDynamoDb {
  readonly tables = new Map<string, { schema: TableSchema; items: Map<string, Item> }>();
  readonly mock = mockClient(DynamoDBDocumentClient);
  /** Set to make the next matching write fail with a transient error. */
  failNextWriteWhen: ((item: Item) => boolean) | undefined;
  /**
   * Set to leave keys of BatchGetItem requests unprocessed, as DynamoDB does when throttled: called
   * with each request's keys, it returns how many of them (from the end) to hand back.
   */
  unprocessedKeys: ((keys: readonly Item[]) => number) | undefined;

  constructor(tables: Record<string, TableSchema>) {
    for (const [name, schema] of Object.entries(tables)) this.tables.set(name, { schema, items: new Map() });
    this.mock.on(PutCommand).callsFake((input) => this.put(input));
    this.mock.on(GetCommand).callsFake((input) => ({ Item: this.get(input.TableName, input.Key) }));
    this.mock.on(UpdateCommand).callsFake((input) => this.update(input));
    this.mock.on(QueryCommand).callsFake((input) => this.query(input));
    this.mock.on(ScanCommand).callsFake((input) => this.scan(input));
    this.mock.on(BatchGetCommand).callsFake((input) => this.batchGet(input));
  }

  /** A document client whose calls land in this fake. */
  client(): DynamoDBDocumentClient {
    return DynamoDBDocumentClient.from(
      new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }),
    );
  }

  items(table: string): Item[] {
    return [...this.table(table).items.values()].map((i) => structuredClone(i));
  }

  seed(table: string, item: Item): void {
    this.table(table).items.set(this.key(table, item), structuredClone(item));
  }

  restore(): void {
    this.mock.restore();
  }

  private table(name: string | undefined) {
    const table = this.tables.get(name ?? '');
    if (!table) throw new Error(`ResourceNotFoundException: no table ${name}`);
    return table;
  }

  private key(table: string | undefined, item: Item): string {
    const { schema } = this.table(table);
    return `${String(item[schema.partitionKey.name])}\u0000${schema.sortKey ? String(item[schema.sortKey.name]) : ''}`;
  }

  private get(table: string | undefined, key: Item | undefined): Item | undefined {
    const item = this.table(table).items.get(this.key(table, key ?? {}));
    return item ? structuredClone(item) : undefined;
  }

  private checkTransient(item: Item): void {
    if (this.failNextWriteWhen?.(item)) {
      this.failNextWriteWhen = undefined;
      const error = new Error('Throughput exceeds the current capacity of your table');
      error.name = 'ProvisionedThroughputExceededException';
      throw error;
    }
  }

  private condition(expression: string | undefined, existing: Item | undefined, names: Names, values: Values): void {
    if (expression && !evaluate(expression, existing ?? {}, names, values, existing === undefined)) {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
  }

  private put(input: PutCommand['input']) {
    const item = input.Item as Item;
    this.checkTransient(item);
    const existing = this.get(input.TableName, item);
    this.condition(input.ConditionExpression, existing, input.ExpressionAttributeNames, input.ExpressionAttributeValues);
    this.table(input.TableName).items.set(this.key(input.TableName, item), structuredClone(item));
    return {};
  }

  private update(input: UpdateCommand['input']) {
    const key = input.Key as Item;
    this.checkTransient(key);
    const existing = this.get(input.TableName, key);
    const names = input.ExpressionAttributeNames;
    const values = input.ExpressionAttributeValues;
    this.condition(input.ConditionExpression, existing, names, values);
    const item: Item = existing ?? structuredClone(key);
    const clauses = (input.UpdateExpression ?? '').split(/\b(?=SET |ADD )/);
    for (const clause of clauses) {
      const [verb, ...rest] = clause.trim().split(' ');
      const body = rest.join(' ');
      if (verb === 'ADD') {
        for (const part of splitTop(body)) {
          const [attr, value] = part.trim().split(/\s+/);
          const name = resolve(attr, names);
          item[name] = Number(item[name] ?? 0) + Number(values?.[value]);
        }
      } else if (verb === 'SET') {
        for (const part of splitTop(body)) {
          const [attr, expr] = part.split('=').map((s) => s.trim());
          const name = resolve(attr, names);
          const append = /^list_append\(if_not_exists\((\S+), (:\w+)\), (:\w+)\)$/.exec(expr);
          if (append) {
            const base = (item[resolve(append[1], names)] as unknown[] | undefined) ?? (values?.[append[2]] as unknown[]);
            item[name] = [...base, ...(values?.[append[3]] as unknown[])];
          } else {
            item[name] = values?.[expr];
          }
        }
      }
    }
    this.table(input.TableName).items.set(this.key(input.TableName, item), item);
    return {};
  }

  private batchGet(input: BatchGetCommand['input']) {
    const responses: Record<string, Item[]> = {};
    const unprocessed: Record<string, { Keys: Item[]; ConsistentRead?: boolean }> = {};
    const requests = Object.entries(input.RequestItems ?? {});
    const total = requests.reduce((sum, [, r]) => sum + (r.Keys?.length ?? 0), 0);
    if (total > 100) throw new Error('ValidationException: Too many items requested for the BatchGetItem call');
    for (const [table, request] of requests) {
      const keys = (request.Keys ?? []) as Item[];
      const left = Math.min(keys.length, this.unprocessedKeys?.(keys) ?? 0);
      const served = keys.slice(0, keys.length - left);
      responses[table] = served.map((key) => this.get(table, key)).filter((item): item is Item => item !== undefined);
      if (left > 0) unprocessed[table] = { Keys: keys.slice(keys.length - left), ConsistentRead: request.ConsistentRead };
    }
    return { Responses: responses, UnprocessedKeys: unprocessed };
  }

  private query(input: QueryCommand['input']) {
    const expression = input.KeyConditionExpression ?? '';
    const items = this.items(input.TableName ?? '').filter((item) =>
      evaluate(expression, item, input.ExpressionAttributeNames, input.ExpressionAttributeValues, false),
    );
    const { schema } = this.table(input.TableName);
    const sortKey = schema.sortKey?.name;
    if (sortKey) items.sort((a, b) => String(a[sortKey]).localeCompare(String(b[sortKey])));
    return { Items: items };
  }

  private scan(input: ScanCommand['input']) {
    const expression = input.FilterExpression;
    const items = this.items(input.TableName ?? '').filter(
      (item) => !expression || evaluate(expression, item, input.ExpressionAttributeNames, input.ExpressionAttributeValues, false),
    );
    return { Items: items };
  }
}

function resolve(attr: string, names: Names): string {
  return attr.startsWith('#') ? (names?.[attr] ?? attr) : attr;
}

function splitTop(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of body) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current.trim()) parts.push(current);
  return parts;
}

/** Evaluates `a AND b …` of comparisons, BETWEEN, IN and attribute_(not_)exists, with one level of OR. */
function evaluate(expression: string, item: Item, names: Names, values: Values, absent: boolean): boolean {
  return expression.split(' OR ').some((alternative) => {
    const terms = alternative.replace(/ BETWEEN (\S+) AND /g, ' BETWEEN $1 ~ ').split(' AND ');
    return terms.every((term) => {
      const t = term.trim();
      let m = /^attribute_not_exists\((\S+)\)$/.exec(t);
      if (m) return absent || item[resolve(m[1], names)] === undefined;
      m = /^attribute_exists\((\S+)\)$/.exec(t);
      if (m) return !absent && item[resolve(m[1], names)] !== undefined;
      m = /^(\S+) BETWEEN (\S+) ~ (\S+)$/.exec(t);
      if (m) {
        const v = item[resolve(m[1], names)] as string;
        return v >= (values?.[m[2]] as string) && v <= (values?.[m[3]] as string);
      }
      m = /^(\S+) IN \((.*)\)$/.exec(t);
      if (m) return m[2].split(',').some((v) => item[resolve(m![1], names)] === values?.[v.trim()]);
      m = /^(\S+) (=|<>|<=|>=|<|>) (\S+)$/.exec(t);
      if (!m) throw new Error(`FakeDynamoDb cannot evaluate ${JSON.stringify(t)}`);
      const left = item[resolve(m[1], names)] as string | number;
      const right = values?.[m[3]] as string | number;
      if (left === undefined) return false;
      switch (m[2]) {
        case '=':
          return left === right;
        case '<>':
          return left !== right;
        case '<':
          return left < right;
        case '<=':
          return left <= right;
        case '>':
          return left > right;
        default:
          return left >= right;
      }
    });
  });
}
