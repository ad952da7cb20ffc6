import { invalidArgument, resourceInUse, resourceNotFound } from './errors';
import type { ApplicationConfiguration, ApplicationRecord, Json } from './model';
import { newOperation, withOperation } from './operations';
import { loggingOptionFrom, optionalObject, requiredString } from './requests';
import { checkConditional, nextVersion } from './versions';
import { loggingOptionDescriptions } from './views';

/**
 * AddApplicationCloudWatchLoggingOption and DeleteApplicationCloudWatchLoggingOption: each makes a
 * new version with other logging options. Nothing for Flink to do locally, so the operation
 * succeeds at once. `save` stores the changed record and returns it.
 */

type Save = (record: ApplicationRecord) => ApplicationRecord;

function checkTarget(app: ApplicationRecord, request: Json): void {
  checkConditional(app, request);
  if (app.status !== 'READY' && app.status !== 'RUNNING') {
    throw resourceInUse(`Application ${app.name} is in ${app.status} state, it must be in READY or RUNNING state to change its logging options`);
  }
}

function change(app: ApplicationRecord, type: string, options: ApplicationConfiguration['cloudWatchLoggingOptions'], save: Save): Json {
  const changed: ApplicationRecord = { ...app, cloudWatchLoggingOptions: options };
  const operation = newOperation(type, { from: app.versionId, to: app.versionId + 1 }, true);
  const next = save({ ...changed, ...nextVersion(app, changed, {}), operations: withOperation(app.operations, operation) });
  return {
    ApplicationARN: next.arn,
    ApplicationVersionId: next.versionId,
    CloudWatchLoggingOptionDescriptions: loggingOptionDescriptions(next),
    OperationId: operation.id,
  };
}

export function addLoggingOption(app: ApplicationRecord, request: Json, save: Save): Json {
  checkTarget(app, request);
  const option = loggingOptionFrom(optionalObject(request, 'CloudWatchLoggingOption'), 'CloudWatchLoggingOption');
  if (app.cloudWatchLoggingOptions.some((o) => o.logStreamArn === option.logStreamArn)) {
    throw invalidArgument(`Application ${app.name} already has a CloudWatch logging option for ${option.logStreamArn}`);
  }
  const id = `${app.versionId + 1}.1`;
  return change(app, 'AddApplicationCloudWatchLoggingOption', [...app.cloudWatchLoggingOptions, { id, ...option }], save);
}

export function deleteLoggingOption(app: ApplicationRecord, request: Json, save: Save): Json {
  checkTarget(app, request);
  const id = requiredString(request, 'CloudWatchLoggingOptionId');
  if (!app.cloudWatchLoggingOptions.some((o) => o.id === id)) {
    throw resourceNotFound(`CloudWatch logging option ${id} is not found for application ${app.name}`);
  }
  return change(app, 'DeleteApplicationCloudWatchLoggingOption', app.cloudWatchLoggingOptions.filter((o) => o.id !== id), save);
}
