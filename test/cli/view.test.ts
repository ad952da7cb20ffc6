import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { view } from '../../cli/commands/view';
import { main } from '../../cli/main';
import { playgroundDirs } from '../../local/paths';
import { writeStackRecord } from '../../local/stack-state';
import { liveStackRecord, recordingIo } from './support';

let home: string;

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'playground-view-cli-'));
});

afterEach(() => {
  rmSync(home, { recursive: true, force: true });
});

/** A running stack in `home` (this process stands in for its supervisor), with or without the view. */
function runningStack(viewUrl?: string): void {
  const record = liveStackRecord(home);
  writeStackRecord(playgroundDirs(home), { ...record, endpoints: { ...record.endpoints, ...(viewUrl ? { view: viewUrl } : {}) } });
}

describe('playground view', () => {
  it.each([
    ['a bad --target', ['view', '--target', 'mars']],
    ['an argument it takes none of', ['view', 'grid']],
    ['an unknown option', ['view', '--port', '8090']],
    ['up --view-actions with --no-view', ['up', '--no-view', '--view-actions']],
    ['up with a view port below 1024', ['up', '--view-port', '80']],
  ])('exits 2 on %s', async (_name, argv) => {
    const io = recordingIo();

    expect(await main(argv, io)).toBe(2);
    expect(io.errors.join('\n')).toMatch(/error|needs/);
    expect(io.lines).toEqual([]);
  });

  it('exits 2 when up would serve the view on the port of another service', async () => {
    const io = recordingIo();

    expect(await main(['up', '--home', home, '--flink-port', '24001', '--view-port', '24001'], io)).toBe(2);
    expect(io.errors.join('\n')).toContain('--flink-port and --view-port both need port 24001');
  });

  it('prints the URL of the running stack’s view', async () => {
    runningStack('http://127.0.0.1:8090/');
    const io = recordingIo();

    expect(await main(['view', '--home', home], io)).toBe(0);
    expect(io.lines).toEqual(['web view: http://127.0.0.1:8090/']);

    const json = recordingIo();
    expect(await main(['view', '--home', home, '--json'], json)).toBe(0);
    expect(JSON.parse(json.lines.join(''))).toEqual({ target: 'local', url: 'http://127.0.0.1:8090/' });
  });

  it('says clearly that no stack runs, and how to start one or look at AWS', async () => {
    const io = recordingIo();

    expect(await main(['view', '--home', home], io)).toBe(1);
    const text = io.errors.join('\n');
    expect(text).toContain(`no local playground is running in ${home}`);
    expect(text).toContain('npx playground up --detach');
    expect(text).toContain('playground view --target aws');
  });

  it('says the view is off when the stack was started with --no-view', async () => {
    runningStack();
    const io = recordingIo();

    expect(await main(['view', '--home', home], io)).toBe(1);
    expect(io.errors.join('\n')).toMatch(/the web view is off: .*started with --no-view/);
    expect(io.lines).toEqual([]);
  });

  it('prints the CloudWatch dashboard on AWS', async () => {
    const outputs = path.join(home, 'cdk-outputs.json');
    writeFileSync(
      outputs,
      JSON.stringify({
        PlaygroundApplication: { ApplicationName: 'click-count-app' },
        PlaygroundMonitoring: { DashboardUrl: 'https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=Playground' },
      }),
    );
    const io = recordingIo();

    expect(await main(['view', '--target', 'aws', '--home', home, '--outputs', outputs], io)).toBe(0);
    expect(io.lines).toEqual(['CloudWatch dashboard: https://console.aws.amazon.com/cloudwatch/home?region=eu-west-1#dashboards:name=Playground']);
  });

  it('says where the dashboard URL comes from when the outputs have none', async () => {
    const io = recordingIo();

    expect(await main(['view', '--target', 'aws', '--app', 'click-count-app', '--home', home, '--outputs', path.join(home, 'none.json')], io)).toBe(2);
    expect(io.errors.join('\n')).toContain('does not exist');
  });

  it('opens the URL with --open, and says what to do when no browser opens', async () => {
    runningStack('http://127.0.0.1:8090/');
    const opened: string[] = [];
    const io = recordingIo();

    expect(await view({ target: { home }, open: true, json: false, opener: async (url) => void opened.push(url) }, io)).toBe(0);
    expect(opened).toEqual(['http://127.0.0.1:8090/']);

    const failing = recordingIo();
    const code = await view({ target: { home }, open: true, json: false, opener: () => Promise.reject(new Error('spawn xdg-open ENOENT')) }, failing);
    expect(code).toBe(1);
    expect(failing.errors.join('\n')).toContain('could not open a browser (spawn xdg-open ENOENT); open http://127.0.0.1:8090/ yourself');
  });
});
