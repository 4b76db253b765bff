// Errors of the Parse REST emulation, in Parse Server's shapes: a Parse error `{code, error}` whose HTTP status
// follows Parse Server's error handler (101 → 404, 1 → 500, anything else → 400), and plain HTTP errors
// `{error}` (403 unauthorized, permission denied); and Parse Server's resolveError, which turns what Cloud Code
// threw into one of them.

/** Parse error codes used by the emulation (the same numbers as Parse.Error). */
export const ParseCode = {
  internalServerError: 1,
  objectNotFound: 101,
  invalidQuery: 102,
  invalidClassName: 103,
  missingObjectId: 104,
  invalidKeyName: 105,
  invalidJson: 107,
  commandUnavailable: 108,
  incorrectType: 111,
  scriptFailed: 141,
  validationError: 142,
  usernameMissing: 200,
  passwordMissing: 201,
  usernameTaken: 202,
  sessionMissing: 206,
  invalidSessionToken: 209,
  fileSaveError: 130,
  missingRequiredField: 135,
  changedImmutableField: 136,
  classNotEmpty: 255,
  invalidFileName: 122,
  fileDeleteError: 153,
  operationForbidden: 119,
  invalidValue: 162,
  otherCause: -1,
} as const;

/** A Parse error answered as `{"code", "error"}`. */
export class ParseFailure extends Error {
  constructor(readonly code: number, message: string) {
    super(message);
    this.name = 'ParseFailure';
  }

  /** The HTTP status Parse Server's error handler sends for this code. */
  get status(): number {
    return this.code === ParseCode.objectNotFound ? 404 : this.code === ParseCode.internalServerError ? 500 : 400;
  }

  get body(): { code: number; error: string } {
    return { code: this.code, error: this.message };
  }
}

/** An HTTP error answered as `{"error"}` without a Parse code (Parse Server's 403s). */
export class HttpFailure extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'HttpFailure';
  }

  get body(): { error: string } {
    return { error: this.message };
  }
}

export const objectNotFound = (): ParseFailure => new ParseFailure(ParseCode.objectNotFound, 'Object not found.');

/** Parse Server's resolveError: what a thrown or rejected value becomes. */
export function resolveError(error: unknown, defaultCode: number = ParseCode.scriptFailed, defaultMessage = 'Script failed.'): ParseFailure {
  if (error instanceof ParseFailure) return error;
  if (error === undefined || error === null || error === '' || error === false) return new ParseFailure(defaultCode, defaultMessage);
  if (isParseError(error)) return new ParseFailure(error.code, error.message);
  if (typeof error === 'string') return new ParseFailure(defaultCode, error);
  const message = (error as { message?: unknown }).message;
  if (typeof message === 'string') return new ParseFailure(defaultCode, message);
  return new ParseFailure(defaultCode, typeof error === 'object' ? JSON.stringify(error) : String(error));
}

function isParseError(error: unknown): error is { code: number; message: string } {
  // Parse.Error, or any Error carrying a numeric code as Parse Server accepts it.
  return error instanceof Error && typeof (error as { code?: unknown }).code === 'number';
}

/** The stack of what Cloud Code threw, for the editor; none for a failure the emulation raised itself (validators, unknown names). */
export function thrownStack(error: unknown): string | undefined {
  return error instanceof Error && !(error instanceof ParseFailure) && !(error instanceof HttpFailure) ? error.stack : undefined;
}
