import { resourceNotFound } from './errors';
import type { ApplicationRecord, Json } from './model';
import { applicationNameOfArn, tagKeysFrom, tagsFrom } from './requests';
import type { ApplicationStore } from './store';

/** TagResource, UntagResource and ListTagsForResource: the application's tags, by its ARN. */

function taggedApplication(store: ApplicationStore, request: Json): ApplicationRecord {
  const name = applicationNameOfArn(request);
  const app = store.get(name);
  const arn = request.ResourceARN as string;
  if (!app || app.status === 'DELETING' || app.arn !== arn) throw resourceNotFound(`Application ${arn} is not found`);
  return app;
}

export function tagResource(store: ApplicationStore, request: Json): Json {
  const app = taggedApplication(store, request);
  store.put({ ...app, tags: tagsFrom(request, 'Tags', app.tags, true) });
  return {};
}

export function untagResource(store: ApplicationStore, request: Json): Json {
  const app = taggedApplication(store, request);
  const keys = new Set(tagKeysFrom(request));
  store.put({ ...app, tags: app.tags.filter((tag) => !keys.has(tag.Key)) });
  return {};
}

export function listTagsForResource(store: ApplicationStore, request: Json): Json {
  return { Tags: taggedApplication(store, request).tags };
}
