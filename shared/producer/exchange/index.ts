import { binance } from './binance.js';
import { coinbase } from './coinbase.js';
import type { Venue, VenueName } from './types.js';

export * from './binance.js';
export * from './coinbase.js';
export * from './trade-ids.js';
export * from './types.js';

/** Every venue by name. */
export const VENUES: Readonly<Record<VenueName, Venue>> = { binance, coinbase };
