export { createCdsHooksHandler, DEFAULT_MAX_BODY_BYTES, type CdsHooksHandler, type CdsHooksHandlerOptions } from './handler.js';
export { startCdsHooksServer, cdsServerOptions, onCdsClientError, MIN_CDS_TOKEN_LENGTH, type CdsServerTimeouts, type CdsHooksServer, type CdsHooksServerOptions } from './server.js';
export { CdsHttpError, type CdsErrorBody, type CdsErrorIssue, type CdsHttpErrorCode } from './errors.js';
export { isLoopbackHost } from './auth.js';
export {
  cdsRequestSchema,
  cdsHookRequestSchema,
  cdsDiscoverySchema,
  cdsServiceSchema,
  cdsResponseSchema,
  cdsFeedbackEntrySchema,
  cdsFeedbackRequestSchema,
  servedSchemaNames,
  servedSchemaJson,
  type CdsRequest,
  type CdsDiscovery,
  type CdsService,
  type CdsResponse,
  type CdsFeedbackRequest,
} from './schemas.js';
export type { CdsHooksKit } from './types.js';
