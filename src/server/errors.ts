/** An error that maps onto an HTTP status and a message meant for the client. */
export class LrsError extends Error {
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = 'LrsError';
    this.status = status;
  }
}

/** Builds a 400 Bad Request error. */
export function badRequest(message: string): LrsError {
  return new LrsError(400, message);
}

/** Builds a 401 Unauthorized error. */
export function unauthorized(message: string): LrsError {
  return new LrsError(401, message);
}

/** Builds a 403 Forbidden error. */
export function forbidden(message: string): LrsError {
  return new LrsError(403, message);
}

/** Builds a 404 Not Found error. */
export function notFound(message: string): LrsError {
  return new LrsError(404, message);
}

/** Builds a 409 Conflict error. */
export function conflict(message: string): LrsError {
  return new LrsError(409, message);
}

/** Builds a 412 Precondition Failed error. */
export function preconditionFailed(message: string): LrsError {
  return new LrsError(412, message);
}
