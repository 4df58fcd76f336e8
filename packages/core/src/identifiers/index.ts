export type { IdentifierCheck, IdentifierRuleId } from './result.js';
export * from './lanr.js';
export * from './bsnr.js';
export * from './kvnr.js';
export * from './ik.js';
export * from './codes.js';
export * from './schemas.js';
