export {};
export * from './cds-hooks/index.js';
