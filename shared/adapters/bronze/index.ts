export * from './env.js';
export * from './metrics.js';
export * from './s3-staging-area.js';
export * from './s3-tick-lake.js';
export * from './tick-rows.js';
export * from './wiring.js';
