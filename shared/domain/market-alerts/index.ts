export * from './detect.js';
export * from './thresholds.js';
