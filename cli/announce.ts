/** Saying where a command acts before it acts: the AWS account, region and application, or the fallback a read takes. */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { ClientOptions } from '../lambdas/shared/clients';
import { explainError, PlayError } from './errors';
import type { Io } from './io';
import { CONFIGURED_REGION, resolveTarget, type PlayTarget, type TargetFlags, type TargetUse } from './target';

/** Who the AWS calls are made as (STS GetCallerIdentity) and the region the SDK uses. */
export interface CallerIdentity {
  readonly account: string;
  readonly arn: string;
  /** Undefined when the SDK finds no region. */
  readonly region?: string;
}

/** Reads the caller's identity with the given client options. */
export type IdentityReader = (options: ClientOptions) => Promise<CallerIdentity>;

/** STS GetCallerIdentity: read-only, allowed to every principal, so it answers whenever the credentials are valid. */
export const stsIdentity: IdentityReader = async (options) => {
  const client = new STSClient(options);
  try {
    const out = await client.send(new GetCallerIdentityCommand({}));
    const region = await client.config.region().catch(() => undefined);
    return { account: out.Account ?? '?', arn: out.Arn ?? '?', ...(region ? { region } : {}) };
  } finally {
    client.destroy();
  }
};

export interface AnnounceOptions {
  /** Stdout carries JSON: the line goes to stderr. @default false */
  readonly json?: boolean;
  /** @default stsIdentity */
  readonly identity?: IdentityReader;
}

/**
 * Says where a command acts before it does: a command that changes an AWS application names the
 * account (STS), region and application, and fails (PlayError, before any other call) when the
 * account cannot be told; a command that reads AWS because no local stack runs says so. One line,
 * on stdout (stderr with `--json`); nothing for the local stack.
 */
export async function announceTarget(target: PlayTarget, use: TargetUse, io: Io, options: AnnounceOptions = {}): Promise<void> {
  if (target.kind !== 'aws') return;
  const say = (line: string): void => (options.json ? io.err(line) : io.out(line));
  if (use === 'read') {
    if (target.fallback) {
      say(`reading the deployed application ${target.applicationName} in ${target.region ?? CONFIGURED_REGION} (no local stack running in ${target.fallback.home})`);
    }
    return;
  }
  let who: CallerIdentity;
  try {
    who = await (options.identity ?? stsIdentity)(target.msf);
  } catch (error) {
    throw new PlayError(`cannot tell which AWS account ${target.applicationName} would be changed in, so nothing was done: ${explainError(error, { kind: 'aws' })}`, { cause: error });
  }
  say(`acting on AWS: account ${who.account} (${who.arn}), region ${who.region ?? target.region ?? '?'}, application ${target.applicationName}`);
}

/** resolveTarget, then announceTarget: what a command's action calls before it acts. */
export async function playTarget(flags: TargetFlags, use: TargetUse, io: Io, options: AnnounceOptions = {}): Promise<PlayTarget> {
  const target = resolveTarget(flags, use);
  await announceTarget(target, use, io, options);
  return target;
}
