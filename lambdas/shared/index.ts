/** The shared domain module: what the handlers, the CLI and the local runtime import. */
export * from './pages';
export * from './windows';
export * from './events';
export * from './errors';
export * from './tables';
export * from './config';
export * from './clients';
export * from './ledger';
export * from './stream-writer';
export * from './kinesis-writer';
export * from './kafka-writer';
export * from './generator';
export * from './verdicts';
export * from './audit';
export * from './auditor';
export * from './audit-query';
export * from './observability';
