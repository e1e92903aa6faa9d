/**
 * Errors about the store file that the user can fix from the message alone (a wrong --db, a file
 * another process holds, an old schema): printed as one line with exit code 2, no stack trace.
 */
export class StoreError extends Error {
  override readonly name: string = "StoreError";
}

/** The store file a read-only command was pointed at does not exist. */
export class StoreNotFoundError extends StoreError {
  override readonly name = "StoreNotFoundError";
}
