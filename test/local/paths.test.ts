import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findCheckout, isCheckout, packageInfo, repoRoot, resolveHome } from '../../local/paths';

let scratch: string;
/** A checkout of the repository in a temporary directory: its package.json and a few of its folders. */
let checkout: string;

beforeEach(() => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'playground-paths-'));
  checkout = path.join(scratch, 'my-checkout');
  for (const dir of ['job', 'infra/lib', '.playground/state']) mkdirSync(path.join(checkout, dir), { recursive: true });
  writeFileSync(path.join(checkout, 'package.json'), JSON.stringify({ name: packageInfo.name, version: '9.9.9' }));
});

afterEach(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('resolveHome', () => {
  it.each(['.', 'job', 'infra/lib'])('finds the checkout\'s .playground from %s inside it when no --home is given', (dir) => {
    expect(resolveHome(undefined, path.join(checkout, dir))).toBe(path.join(checkout, '.playground'));
  });

  it('falls back to the .playground of the checkout the CLI runs from outside any checkout', () => {
    const outside = path.join(scratch, 'elsewhere');
    mkdirSync(outside);

    expect(resolveHome(undefined, outside)).toBe(path.join(repoRoot, '.playground'));
  });

  it('takes --home naming the checkout as its .playground, from anywhere', () => {
    expect(resolveHome(checkout, os.tmpdir())).toBe(path.join(checkout, '.playground'));
    expect(resolveHome('..', path.join(checkout, 'job'))).toBe(path.join(checkout, '.playground'));
  });

  it('takes --home naming the .playground folder as it is', () => {
    expect(resolveHome(path.join(checkout, '.playground'), os.tmpdir())).toBe(path.join(checkout, '.playground'));
    expect(resolveHome('../.playground', path.join(checkout, 'job'))).toBe(path.join(checkout, '.playground'));
  });

  it('takes any other --home as that directory, resolved against the current directory', () => {
    const home = path.join(scratch, 'stack-home');

    expect(resolveHome(home, checkout)).toBe(home);
    expect(resolveHome('stack-home', scratch)).toBe(home);
    expect(path.isAbsolute(resolveHome('relative-home', path.join(checkout, 'job')))).toBe(true);
  });

  it('does not take a folder of the checkout other than its root for the checkout', () => {
    expect(resolveHome('job', checkout)).toBe(path.join(checkout, 'job'));
  });
});

describe('checkouts', () => {
  it('tells a checkout of this repository from another package', () => {
    const other = path.join(scratch, 'other-package');
    mkdirSync(other);
    writeFileSync(path.join(other, 'package.json'), JSON.stringify({ name: 'something-else' }));

    expect(isCheckout(checkout)).toBe(true);
    expect(isCheckout(other)).toBe(false);
    expect(isCheckout(path.join(checkout, 'job'))).toBe(false);
    expect(isCheckout(repoRoot)).toBe(true);
  });

  it('walks up to the checkout, and finds none outside one', () => {
    expect(findCheckout(path.join(checkout, 'infra', 'lib'))).toBe(checkout);
    expect(findCheckout(scratch)).toBeUndefined();
  });

  it('ignores a package.json that is not JSON', () => {
    const broken = path.join(scratch, 'broken');
    mkdirSync(broken);
    writeFileSync(path.join(broken, 'package.json'), '{ not json');

    expect(isCheckout(broken)).toBe(false);
  });
});
