export * from './athena-query.js';
export * from './athena-values.js';
export * from './duckdb-lake.js';
export * from './duckdb-values.js';
