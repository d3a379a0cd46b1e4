export * from './definition.js';
export * from './polyfill.js';
export * from './runner.js';
