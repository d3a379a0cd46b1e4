export * from './errors.js';
export * from './hive-escape.js';
export * from './keys.js';
export * from './partitions.js';
export * from './rows.js';
export * from './schemas.js';
