export * from './clock';
export * from './ids';
export * from './coded-error';
export * from './private-files';
export * from './process-lock';
export * from './text';
export * from './logger';
export * from './data-dir';
