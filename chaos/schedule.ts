import { seededRandom, type Random } from './random';

/**
 * The faults a chaos run injects. `restore` is not chosen by itself: it follows a `snapshot`
 * (restoring the snapshot that one took), and `scale` alternates 2 → 1, the way back following the
 * way up.
 */
export type FaultKind =
  | 'kill-tm'
  | 'pause-tm'
  | 'kill-jm'
  | 'kill-generator'
  | 'kill-auditor'
  | 'hostile'
  | 'far-future'
  | 'control'
  | 'stop'
  | 'snapshot'
  | 'restore'
  | 'scale';

/** The kinds `--faults` can name, with what each does and how often it is chosen. */
export const FAULTS: Readonly<Record<Exclude<FaultKind, 'restore'>, { readonly weight: number; readonly what: string }>> = {
  'kill-tm': { weight: 3, what: 'SIGKILL a TaskManager (the supervisor replaces it)' },
  'pause-tm': { weight: 2, what: 'SIGSTOP a TaskManager for 15–20 s, longer than the 10 s heartbeat timeout, then SIGCONT' },
  'kill-jm': { weight: 1, what: 'SIGKILL the JobManager (the supervisor replaces it and restores the job)' },
  'kill-generator': { weight: 2, what: 'SIGKILL the generator host, usually mid-window (its window becomes incomplete)' },
  'kill-auditor': { weight: 2, what: 'SIGKILL the auditor host (it re-reads the output from its committed offsets)' },
  hostile: { weight: 3, what: 'write garbage, binary, unknown-page, missing-field, hour-late and 900 KB records to the input' },
  'far-future': { weight: 1, what: 'write clicks timestamped a day ahead to the input (the job must drop them)' },
  control: { weight: 2, what: "write the job's fail control record (playground fail's default)" },
  stop: { weight: 1, what: 'playground stop, then playground start --restore latest' },
  snapshot: { weight: 1, what: 'playground snapshot create NAME, then after 1–2 other faults playground restore NAME' },
  scale: { weight: 1, what: 'playground scale 2, then after 1–2 other faults playground scale 1' },
};

export type SelectableFault = keyof typeof FAULTS;
export const SELECTABLE_FAULTS = Object.keys(FAULTS) as SelectableFault[];

/** Names `--faults` accepts for several kinds at once. */
export const FAULT_GROUPS: Readonly<Record<string, readonly SelectableFault[]>> = {
  all: SELECTABLE_FAULTS,
  kill: ['kill-tm', 'kill-jm', 'kill-generator', 'kill-auditor'],
  processes: ['kill-tm', 'pause-tm', 'kill-jm', 'kill-generator', 'kill-auditor'],
  records: ['hostile', 'far-future'],
  plays: ['control', 'stop', 'snapshot', 'scale'],
};

/** The kinds of hostile input record (see hostile.ts). */
export type HostileKind = 'garbage' | 'binary' | 'unknown-page' | 'missing-field' | 'far-late' | 'oversized';
export const HOSTILE_KINDS: readonly HostileKind[] = ['garbage', 'binary', 'unknown-page', 'missing-field', 'far-late', 'oversized'];

export interface PlannedFault {
  /** 1, 2, … in the order of injection. */
  readonly index: number;
  readonly kind: FaultKind;
  /** How long to wait, after the previous fault ended (or the run's first exact window), before this one. */
  readonly gapMs: number;
  /** Which of the live targets to hit (TaskManagers), as a fraction: index = floor(pick × n). */
  readonly pick: number;
  /** pause-tm: how long the TaskManager stays stopped. */
  readonly pauseMs?: number;
  /** stop: how long the application stays stopped before the start. */
  readonly downMs?: number;
  /** hostile: the records, in the order written. far-future: how many clicks. */
  readonly records?: readonly HostileKind[];
  readonly clicks?: number;
  /** snapshot / restore: the snapshot's name. */
  readonly snapshot?: string;
  /** scale: the new parallelism. */
  readonly parallelism?: number;
}

export interface PlanOptions {
  readonly seed: string;
  readonly kinds: readonly SelectableFault[];
  /** How many faults to plan (the run uses as many as fit in its time). */
  readonly count: number;
  /** @default 20000 */
  readonly minGapMs?: number;
  /** @default 40000 */
  readonly maxGapMs?: number;
}

export const DEFAULT_GAP_MS = { min: 20_000, max: 40_000 } as const;

/** The plan is not possible as asked (the message says why). */
export class FaultPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FaultPlanError';
  }
}

interface FollowUp {
  readonly kind: 'restore' | 'scale';
  /** Other faults still to come before it. */
  readonly after: number;
  readonly snapshot?: string;
}

/**
 * The seeded fault schedule: the same seed, kinds and count give the same faults, in the same
 * order, with the same gaps and choices. Rules:
 * - every gap is in [minGapMs, maxGapMs] (20–40 s by default), counted from the end of the previous
 *   fault, so each recovery can be seen before the next fault;
 * - kinds are drawn with the weights of `FAULTS` from the enabled ones, each of them once before
 *   any is drawn again (a 10-minute run meets every kind);
 * - a snapshot is followed, after 1–2 other faults, by the restore of that snapshot; a scale to 2
 *   by the scale back to 1; no second snapshot or scale is drawn while its follow-up is due.
 */
export function planFaults(options: PlanOptions): PlannedFault[] {
  const minGapMs = options.minGapMs ?? DEFAULT_GAP_MS.min;
  const maxGapMs = options.maxGapMs ?? DEFAULT_GAP_MS.max;
  if (!(minGapMs > 0 && minGapMs <= maxGapMs)) throw new FaultPlanError(`the gaps must satisfy 0 < min (${minGapMs}) ≤ max (${maxGapMs})`);
  const kinds = [...new Set(options.kinds)];
  if (kinds.length === 0) throw new FaultPlanError('no fault kinds to choose from');
  const random = seededRandom(options.seed);
  const plan: PlannedFault[] = [];
  let followUp: FollowUp | undefined;
  let snapshots = 0;
  const drawn = new Set<FaultKind>();
  for (let index = 1; index <= options.count; index++) {
    const gapMs = random.int(minGapMs, maxGapMs);
    let kind: FaultKind;
    let extra: Partial<PlannedFault> = {};
    const drawable = kinds.filter((k) => !(followUp && (k === 'snapshot' || k === 'scale')));
    if (followUp && (followUp.after <= 0 || drawable.length === 0)) {
      kind = followUp.kind;
      extra = kind === 'restore' ? { snapshot: followUp.snapshot } : { parallelism: 1 };
      followUp = undefined;
    } else {
      // every kind once before any comes again, so a run long enough meets each of them
      const fresh = drawable.filter((k) => !drawn.has(k));
      kind = random.weighted((fresh.length > 0 ? fresh : drawable).map((k) => [k, FAULTS[k].weight] as const));
      drawn.add(kind);
      if (followUp) followUp = { ...followUp, after: followUp.after - 1 };
      extra = choices(kind, random, options.seed, () => ++snapshots);
      if (kind === 'snapshot') followUp = { kind: 'restore', after: random.int(1, 2), snapshot: extra.snapshot };
      if (kind === 'scale') followUp = { kind: 'scale', after: random.int(1, 2) };
    }
    plan.push({ index, kind, gapMs, pick: random.next(), ...extra });
  }
  return plan;
}

function choices(kind: FaultKind, random: Random, seed: string, nextSnapshot: () => number): Partial<PlannedFault> {
  switch (kind) {
    case 'pause-tm':
      return { pauseMs: random.int(15_000, 20_000) };
    case 'stop':
      return { downMs: random.int(3_000, 10_000) };
    case 'hostile': {
      const extras = Array.from({ length: random.int(0, 3) }, () => HOSTILE_KINDS[random.int(0, HOSTILE_KINDS.length - 2)]);
      return { records: random.shuffle([...HOSTILE_KINDS, ...extras]) };
    }
    case 'far-future':
      return { clicks: random.int(1, 3) };
    case 'snapshot':
      return { snapshot: `chaos-${seed.replace(/[^A-Za-z0-9]/g, '').slice(0, 20) || 'seed'}-${nextSnapshot()}` };
    case 'scale':
      return { parallelism: 2 };
    default:
      return {};
  }
}

/**
 * Parses `--faults`: a comma-separated list of kinds and groups (`all`, `kill`, `processes`,
 * `records`, `plays`). @throws FaultPlanError naming the unknown entries
 */
export function parseFaultKinds(value: string): SelectableFault[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = names.filter((n) => !Object.hasOwn(FAULTS, n) && !Object.hasOwn(FAULT_GROUPS, n));
  if (unknown.length > 0) {
    throw new FaultPlanError(
      `unknown fault kind(s) ${unknown.map((u) => `'${u}'`).join(', ')}; choose from ${[...SELECTABLE_FAULTS, ...Object.keys(FAULT_GROUPS)].join(', ')}`,
    );
  }
  if (names.length === 0) throw new FaultPlanError('--faults needs at least one kind');
  const kinds = new Set<SelectableFault>();
  for (const name of names) for (const kind of Object.hasOwn(FAULT_GROUPS, name) ? FAULT_GROUPS[name] : [name as SelectableFault]) kinds.add(kind);
  return SELECTABLE_FAULTS.filter((k) => kinds.has(k));
}
