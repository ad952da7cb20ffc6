import { spawn } from 'node:child_process';
import { playgroundDirs, resolveHome } from '../../local/paths';
import { readStackRecord } from '../../local/stack-state';
import { PlayError, runPlay } from '../errors';
import type { Io } from '../io';
import { defineOptions } from '../options';
import { resolveTarget, targetOptions, type TargetFlags } from '../target';
import type { RegisterCommand } from './register';

export interface ViewOptions {
  readonly target: TargetFlags;
  /** Open the URL in the system's browser too. */
  readonly open: boolean;
  readonly json: boolean;
  /** How a URL is opened. @default the system's opener (xdg-open, open, start) */
  readonly opener?: (url: string) => Promise<void>;
}

/** Opens a URL with the system's opener; rejects when there is none. */
function systemOpener(url: string): Promise<void> {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  return new Promise((resolve, reject) => {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.once('error', reject);
    child.once('spawn', () => {
      child.unref();
      resolve();
    });
  });
}

/**
 * `playground view [--open]`: the URL of the local stack's web view (the window grid, the timeline
 * of plays and faults, the job); with `--target aws`, of the CloudWatch dashboard, which is the
 * view on AWS.
 */
export async function view(options: ViewOptions, io: Io): Promise<number> {
  const flags = options.target;
  const dirs = playgroundDirs(resolveHome(flags.home));
  const kind = flags.target ?? (readStackRecord(dirs) ? 'local' : undefined);
  return runPlay(io, { kind: kind ?? 'local' }, async () => {
    if (!kind) {
      throw new PlayError(
        `no local playground is running in ${dirs.home}: start it with 'npx playground up --detach' (it serves the view on port 8090 unless told otherwise), or point --home at its checkout or home; on AWS the CloudWatch dashboard is the view: playground view --target aws`,
      );
    }
    const target = resolveTarget(flags, 'read');
    let url: string;
    let what: string;
    if (target.local) {
      const served = target.local.record.endpoints.view;
      if (!served) {
        throw new PlayError(
          `the web view is off: the local playground in ${target.local.dirs.home} was started with --no-view; to have it, take the stack down and up again without --no-view (playground down, playground up --detach)`,
        );
      }
      url = served;
      what = 'web view';
    } else {
      if (!target.dashboardUrl) {
        throw new PlayError(
          'no CloudWatch dashboard known: deploy with --outputs-file cdk-outputs.json (its DashboardUrl), or pass --outputs FILE',
        );
      }
      url = target.dashboardUrl;
      what = 'CloudWatch dashboard';
    }
    if (options.json) io.out(JSON.stringify({ target: target.kind, url }));
    else io.out(`${what}: ${url}`);
    if (options.open) {
      await (options.opener ?? systemOpener)(url).catch((error: unknown) => {
        throw new PlayError(`could not open a browser (${(error as Error).message}); open ${url} yourself`, { cause: error });
      });
    }
    return 0;
  });
}

const viewFlags = defineOptions((o) => ({
  target: targetOptions(o),
  open: o.flag('--open', "open it in the system's browser too"),
  json: o.flag('--json', 'print the URL as JSON'),
}));

export const registerView: RegisterCommand = (program, io, setExit) => {
  const command = viewFlags
    .add(program.command('view'))
    .description("Print (or --open) the web view of the local playground: every window's verdict, the plays and faults, the job; on AWS the CloudWatch dashboard")
    .action(async () => {
      const flags = viewFlags.read(command);
      setExit(await view({ target: flags.target, open: flags.open, json: flags.json }, io));
    });
};
