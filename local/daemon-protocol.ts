import type { StackOptions, StackRecord } from './stack-state';

/** Messages the stack supervisor sends to the `playground up` that started it (over IPC). */
export type SupervisorMessage =
  | { readonly type: 'progress'; readonly message: string }
  | { readonly type: 'ready'; readonly record: StackRecord }
  | { readonly type: 'failed'; readonly message: string };

/** The supervisor's only argument: where it keeps its files and how to run the stack. */
export interface SupervisorArgs {
  readonly home: string;
  readonly options: StackOptions;
}
