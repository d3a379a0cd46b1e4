export * from './errors.js';
export * from './ports.js';
export * from './replay.js';
export * from './request.js';
export * from './tasks.js';
export * from './types.js';
