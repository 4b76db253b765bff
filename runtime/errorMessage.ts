// The message of anything a `catch` caught, for a one-line report: an Error's message, else its text.

/** An Error's message, or the text of another thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
