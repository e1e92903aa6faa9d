/** A mistake the user can fix (no such runs, `--out` on a file): the CLI prints its message as one line, exit 2. */
export class ReportInputError extends Error {
  override readonly name = "ReportInputError";
}
