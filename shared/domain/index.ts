export { type AggregationResult, aggregateAll } from './aggregate-all.js';
export { type AggregatorOutputs, SymbolAggregator } from './aggregator.js';
export { type AggregatorConfig, aggregatorConfig, validateAggregatorConfig } from './aggregator-config.js';
export * from './errors.js';
export { parseEventTimeText } from './event-time.js';
export { assignWindows, type IntervalSpec, isSliding, parseInterval, parseIntervals } from './intervals.js';
export type {
  IntervalSnapshot,
  SeenIds,
  SymbolSnapshot,
  SymbolSnapshotV1,
  SymbolSnapshotV2,
  SymbolSnapshotV3,
} from './snapshot.js';
export { type DecodedPayload, decodeRecordPayload, type TickValidation, validateTick } from './tick.js';
export { MAX_ID_LENGTH, type TickField } from './tick-fields.js';
export type * from './types.js';
export * from './watermark-mark.js';
