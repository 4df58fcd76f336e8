/**
 * \@pvskit/core: domain schemas, identifiers, calendar, plugin host, hooks, cards and errors.
 *
 * @packageDocumentation
 */
export * from './errors.js';
export * from './logger.js';
export * from './schemas/index.js';
export * from './validate.js';
export * from './case-input.js';
export * from './calendar/index.js';
export * from './identifiers/index.js';
export * from './host/index.js';
export * from './kit.js';
export * from './fix.js';
