import { randomUUID } from 'node:crypto';
import { resourceNotFound } from './errors';
import { MAX_OPERATIONS, type ApplicationRecord, type Json, type OperationRecord } from './model';
import { operationStatusFrom, optionalString, pageRequest, requiredString } from './requests';
import { operationDetails, operationInfo, paginate } from './views';

/**
 * The operations an application records (every start, stop, update, rollback and snapshot, as MSF
 * lists them): how one is made and ended, and ListApplicationOperations / DescribeApplicationOperation.
 */

function newOperationId(): string {
  return randomUUID().replace(/-/g, '').slice(0, 16);
}

/** A new operation, IN_PROGRESS (or, for one that is done when the call returns, SUCCESSFUL). */
export function newOperation(operation: string, versionChange?: OperationRecord['versionChange'], done = false): OperationRecord {
  const now = Date.now();
  return {
    id: newOperationId(),
    operation,
    status: done ? 'SUCCESSFUL' : 'IN_PROGRESS',
    startedAt: now,
    ...(done ? { endedAt: now } : {}),
    ...(versionChange ? { versionChange } : {}),
  };
}

/** `operations` and `operation` after them, the newest MAX_OPERATIONS. */
export function withOperation(operations: readonly OperationRecord[], operation: OperationRecord): OperationRecord[] {
  return [...operations, operation].slice(-MAX_OPERATIONS);
}

/** The operations of `types` still IN_PROGRESS, CANCELLED because another one overtook them. */
export function cancelled(
  operations: readonly OperationRecord[],
  why: string,
  types: readonly string[] = ['StartApplication', 'StopApplication', 'UpdateApplication', 'RollbackApplication'],
): OperationRecord[] {
  return operations.map((o) =>
    o.status === 'IN_PROGRESS' && types.includes(o.operation) ? { ...o, status: 'CANCELLED' as const, endedAt: Date.now(), error: why } : o,
  );
}

/** ListApplicationOperations: newest first, filtered by `Operation` and `OperationStatus`. */
export function listOperations(app: ApplicationRecord, request: Json): Json {
  const type = optionalString(request, 'Operation');
  const status = operationStatusFrom(request);
  const operations = [...app.operations]
    .reverse()
    .filter((o) => (type === undefined || o.operation === type) && (status === undefined || o.status === status))
    .map(operationInfo);
  const page = paginate(operations, pageRequest(request, operations.length));
  return { ApplicationOperationInfoList: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}

export function describeOperation(app: ApplicationRecord, request: Json): Json {
  const id = requiredString(request, 'OperationId');
  const operation = app.operations.find((o) => o.id === id);
  if (!operation) throw resourceNotFound(`Operation ${id} of application ${app.name} is not found`);
  return { ApplicationOperationInfoDetails: operationDetails(operation) };
}
