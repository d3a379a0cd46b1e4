export type { HourFile, PartFooter, PartRanges, StagingArea, StoredPart, TickLake } from '../ports.js';
export * from './bronze-writer.js';
export * from './errors.js';
export * from './hour-files.js';
export * from './staged-ticks.js';
export * from './staging-keys.js';
export * from './tick-compactor.js';
export * from './tick-order.js';
export * from './tick-parts.js';
