// Public API of @app/process: what touches the file system and the process
// (DATA_DIR, its lock, private files). The pure core is @app/shared.
export * from './data-dir';
export * from './private-files';
export * from './process-lock';
export * from './start-refusal';
export * from './command-line';
