export * from './sdk-metering.js';
export * from './usage-meter.js';
