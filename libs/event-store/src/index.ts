// The public face of @app/event-store. The contract suite is deliberately not
// exported: tests import `@app/event-store/testing/event-store.contract`.
export * from './event-store.port';
export * from './errors';
export * from './integrity';
export * from './retry';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite/sqlite-event-store';
