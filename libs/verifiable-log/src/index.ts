/** The service's verifiable log: the tree over the event log (a checkpointed-consumer handler, in SQLite) and its checkpoint signer. */
export * from './leaf';
export * from './tree-store';
export * from './tree-handler';
export * from './checkpoint-key';
export * from './checkpoint-signer';
export * from './verifiable-log';
export * from './rebuild-check';
export * from './kafka-checkpoint-publisher';
export * from './served-log';
export * from './followed-log';
export * from './checkpoint-topic-reader';
export * from './start-log';
