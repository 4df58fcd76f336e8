/** Error codes of the CDS Hooks HTTP service; stable, hosts may switch on them. */
export type CdsHttpErrorCode =
  | 'VALIDATION'
  | 'INVALID_JSON'
  | 'TOO_DEEP'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNAUTHORIZED'
  | 'HOST'
  | 'CROSS_SITE'
  | 'TIMEOUT'
  | 'INTERNAL';

/** One problem in a request body, located by a JSON path such as `$.context.case.services[0].gop`. */
export interface CdsErrorIssue {
  path: string;
  message: string;
}

/** The JSON body of every error response: `{ "error": { code, message, path?, issues? } }`. */
export interface CdsErrorBody {
  error: {
    code: CdsHttpErrorCode;
    /** English, for developers. */
    message: string;
    /** German, for the practice user. */
    userMessage: string;
    /** JSON path of the first offending value in the request body. */
    path?: string;
    /** Every offending value (validation errors). */
    issues?: CdsErrorIssue[];
  };
}

/** An error answered as JSON with an HTTP status; thrown inside the handler, never leaves it. */
export class CdsHttpError extends Error {
  override readonly name = 'CdsHttpError';
  constructor(
    readonly status: number,
    readonly code: CdsHttpErrorCode,
    message: string,
    readonly userMessage: string,
    readonly extra: { path?: string; issues?: CdsErrorIssue[]; headers?: Record<string, string>; closeConnection?: boolean } = {},
  ) {
    super(message);
  }

  body(): CdsErrorBody {
    const { path, issues } = this.extra;
    return {
      error: {
        code: this.code,
        message: this.message,
        userMessage: this.userMessage,
        ...(path === undefined ? {} : { path }),
        ...(issues === undefined ? {} : { issues }),
      },
    };
  }
}
