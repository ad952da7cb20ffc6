import type { App, StackProps } from 'aws-cdk-lib';
import type { PlaygroundConfig } from './config';
import { ensureJobJar } from './job-jar';
import { ApplicationStack } from './stacks/application-stack';
import { FunctionsStack } from './stacks/functions-stack';
import { MonitoringStack } from './stacks/monitoring-stack';
import { StatefulStack } from './stacks/stateful-stack';
import { STACK_NAMES } from './stack-names';

export interface PlaygroundOptions {
  /** The repository root. */
  readonly root: string;
  /** Props every stack gets (env, tags…). @default {} */
  readonly stackProps?: StackProps;
  /** Progress lines (the Maven build). @default - silent */
  readonly log?: (line: string) => void;
}

export interface PlaygroundStacks {
  readonly stateful: StatefulStack;
  /** Absent with `localstack`. */
  readonly application?: ApplicationStack;
  readonly functions: FunctionsStack;
  readonly monitoring: MonitoringStack;
}

/** Composes the playground's stacks from a validated configuration. */
export function createPlayground(app: App, config: PlaygroundConfig, options: PlaygroundOptions): PlaygroundStacks {
  const common = options.stackProps ?? {};
  const stateful = new StatefulStack(app, STACK_NAMES.stateful, {
    ...common,
    description: `Managed Flink Playground: streams (${config.streams}) and tables`,
    streams: config.streams,
    kinesisMode: config.kinesisMode,
    shards: config.shards,
  });
  const application = config.localstack
    ? undefined
    : new ApplicationStack(app, STACK_NAMES.application, {
        ...common,
        description: 'Managed Flink Playground: the ClickCountJob Managed Flink application',
        streams: stateful.streams,
        jarPath: ensureJobJar({ root: options.root }, options.log),
        parallelism: config.parallelism,
        parallelismPerKpu: config.parallelismPerKpu,
        autoScaling: config.autoScaling,
        checkpointIntervalMs: config.checkpointIntervalMs,
        checkpointing: config.checkpointing,
        variant: { eventTime: config.eventTime, backpressure: config.backpressure },
        startApplication: config.startApplication,
      });
  const functions = new FunctionsStack(app, STACK_NAMES.functions, {
    ...common,
    description: 'Managed Flink Playground: generator, auditor and audit sweep',
    root: options.root,
    streams: stateful.streams,
    ledger: stateful.tables.ledger,
    audit: stateful.tables.audit,
    eventsPerWindow: config.eventsPerWindow,
    generatorEnabled: config.generator,
  });
  const monitoring = new MonitoringStack(app, STACK_NAMES.monitoring, {
    ...common,
    description: 'Managed Flink Playground: dashboard and alarms',
    streams: stateful.streams,
    applicationName: application?.application.applicationName,
    generator: functions.functions.generator,
    auditor: functions.functions.auditor,
  });
  return { stateful, application, functions, monitoring };
}
