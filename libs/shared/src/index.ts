// Public API of @app/shared: the pure core every lib may import, the domain
// included (no file system, no framework). Files and the process: @app/process.
export * from './clock';
export * from './ids';
export * from './coded-error';
export * from './text';
export * from './logger';
export * from './decider';
export * from './error-message';
