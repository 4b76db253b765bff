// The error of a request whose inputs are wrong (an unknown user, an unreadable database) rather than its code:
// both dialects raise it, the CLI turns it into exit code 2 and the editor into a message.

/** A problem with the run's inputs rather than with the function (unknown user, unreadable database). */
export class UsageError extends Error {
  override name = 'UsageError';
}
