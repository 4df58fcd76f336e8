export * from './local-date.js';
export * from './quarter.js';
export * from './berlin.js';
export * from './holidays.js';
export * from './age.js';
