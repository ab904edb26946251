/** An error the user can fix: reported as one line `error: <message> (<hint>)`, never with a stack trace. */
export class UserError extends Error {
  readonly hint: string;
  constructor(message: string, hint: string) {
    super(message);
    this.name = "UserError";
    this.hint = hint;
  }
}

/** The one-line report of any error: a UserError's message and hint, or the first line of anything else. */
export function errorLine(error: unknown): string {
  if (error instanceof UserError) return `error: ${error.message} (${error.hint})`;
  const message = error instanceof Error ? error.message : String(error);
  const firstLine = message.split("\n", 1)[0] ?? "";
  return `error: ${firstLine} (run "pnpm engine help" for usage)`;
}
