export * from './batching.js';
export * from './csv-line.js';
export * from './csv-replay.js';
export * from './instruments.js';
export * from './pacing.js';
export * from './simulator.js';
export * from './types.js';
