export * from './primitives.js';
export * from './domain.js';
export * from './finding.js';
export * from './completed.js';
export * from './card.js';
export * from './json-schema.js';
