/**
 * kinesisanalyticsv2's error types. The server answers them as HTTP 400 with
 * `{"__type":"<name>","message":"…"}`, which the AWS SDK turns into its exception classes of the same name.
 */
export type ApiErrorType =
  | 'ResourceInUseException'
  | 'ResourceNotFoundException'
  | 'InvalidArgumentException'
  | 'InvalidRequestException'
  | 'ConcurrentModificationException'
  | 'InvalidApplicationConfigurationException'
  | 'UnsupportedOperationException'
  | 'LimitExceededException'
  | 'TooManyTagsException'
  | 'UnknownOperationException'
  | 'SerializationException';

/** A kinesisanalyticsv2 error, as MSF would answer it. */
export class ApiError extends Error {
  constructor(
    readonly type: ApiErrorType,
    message: string,
    readonly statusCode = 400,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const resourceInUse = (message: string): ApiError => new ApiError('ResourceInUseException', message);
export const resourceNotFound = (message: string): ApiError => new ApiError('ResourceNotFoundException', message);
export const invalidArgument = (message: string): ApiError => new ApiError('InvalidArgumentException', message);
export const invalidRequest = (message: string): ApiError => new ApiError('InvalidRequestException', message);
export const concurrentModification = (message: string): ApiError => new ApiError('ConcurrentModificationException', message);
export const invalidConfiguration = (message: string): ApiError =>
  new ApiError('InvalidApplicationConfigurationException', message);
export const unsupportedOperation = (message: string): ApiError => new ApiError('UnsupportedOperationException', message);
export const limitExceeded = (message: string): ApiError => new ApiError('LimitExceededException', message);
export const tooManyTags = (message: string): ApiError => new ApiError('TooManyTagsException', message);
