export {};
export * from './cds-hooks/index.js';
export * from './kvdt/index.js';
