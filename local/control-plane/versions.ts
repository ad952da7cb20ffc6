import { randomUUID } from 'node:crypto';
import { concurrentModification, invalidArgument, resourceNotFound } from './errors';
import { configurationOf, type ApplicationRecord, type ApplicationVersionRecord, type Json } from './model';
import { optionalNumber, optionalString, pageRequest } from './requests';
import { paginate, versionDetail, versionSummary } from './views';

/**
 * An application's versions: each UpdateApplication, RollbackApplication and logging-option change
 * makes one, keeping the configuration (and code) it ran with; ListApplicationVersions and
 * DescribeApplicationVersion answer from them, and RollbackApplication runs the one before again.
 */

export function newToken(): string {
  return randomUUID().replace(/-/g, '').slice(0, 20);
}

/** CurrentApplicationVersionId and ConditionalToken: one of them is required, and what is given must be current. */
export function checkConditional(app: ApplicationRecord, request: Json): void {
  const version = optionalNumber(request, 'CurrentApplicationVersionId');
  const token = optionalString(request, 'ConditionalToken');
  if (version === undefined && token === undefined) {
    throw invalidArgument('Either CurrentApplicationVersionId or ConditionalToken must be provided');
  }
  if (version !== undefined && version !== app.versionId) {
    throw concurrentModification(
      `Current application version ${version} does not match the latest application version ${app.versionId} of ${app.name}`,
    );
  }
  if (token !== undefined && token !== app.conditionalToken) {
    throw concurrentModification(`The ConditionalToken does not match the current token of application ${app.name}`);
  }
}

/** The fields of the version after `app`'s, whose configuration is `changed`'s. */
export function nextVersion(
  app: ApplicationRecord,
  changed: ApplicationRecord,
  origin: Pick<ApplicationVersionRecord, 'rolledBackFrom' | 'rolledBackTo'>,
): Pick<ApplicationRecord, 'versionId' | 'conditionalToken' | 'versions'> {
  const versionId = app.versionId + 1;
  const version: ApplicationVersionRecord = {
    versionId,
    createdAt: Date.now(),
    configuration: configurationOf(changed),
    updatedFrom: app.versionId,
    ...origin,
  };
  const versions = app.versions.map((v) => (v.versionId === app.versionId ? { ...v, status: app.status } : v));
  return { versionId, conditionalToken: newToken(), versions: [...versions, version] };
}

/** ListApplicationVersions: newest first. */
export function listVersions(app: ApplicationRecord, request: Json): Json {
  const versions = [...app.versions].reverse().map((version) => versionSummary(app, version));
  const page = paginate(versions, pageRequest(request, versions.length));
  return { ApplicationVersionSummaries: page.items, ...(page.nextToken ? { NextToken: page.nextToken } : {}) };
}

export function describeVersion(app: ApplicationRecord, request: Json): Json {
  const versionId = optionalNumber(request, 'ApplicationVersionId');
  if (versionId === undefined) throw invalidArgument('ApplicationVersionId is required');
  const version = app.versions.find((v) => v.versionId === versionId);
  if (!version) throw resourceNotFound(`Version ${versionId} of application ${app.name} is not found`);
  return { ApplicationVersionDetail: versionDetail(app, version) };
}
