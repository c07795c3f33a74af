/** An error meant for a person: what went wrong, and what to do about it. */
export class WorkerManagerError extends Error {
  constructor(
    message: string,
    /** What the user should do; printed on its own line. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'WorkerManagerError';
  }

  /** The message and the hint, ready to print. */
  explain(): string {
    return this.hint ? `${this.message}\n  ${this.hint}` : this.message;
  }
}

/** Plain data for an error that crosses a process boundary. */
export interface SerializedError {
  name: string;
  message: string;
  stack?: string;
  hint?: string;
}

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      hint: error instanceof WorkerManagerError ? error.hint : undefined,
    };
  }
  return { name: 'Error', message: String(error) };
}

export function deserializeError(data: SerializedError): Error {
  const error = data.hint ? new WorkerManagerError(data.message, data.hint) : new Error(data.message);
  error.name = data.name;
  if (data.stack) error.stack = data.stack;
  return error;
}
