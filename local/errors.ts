/** A local-stack failure whose message tells the user what happened and what to do. */
export class LocalStackError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalStackError';
  }
}

/** A tool the local stack needs (java, mvn) is missing or too old. */
export class MissingToolError extends LocalStackError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'MissingToolError';
  }
}

/** A TCP port the local stack wants is taken. */
export class PortInUseError extends LocalStackError {
  constructor(
    readonly port: number,
    readonly purpose: string,
    readonly option: string,
  ) {
    super(`port ${port} (${purpose}) is already in use; stop what holds it or choose another port with ${option}`);
    this.name = 'PortInUseError';
  }
}

/** A process died or never became ready while the stack was starting. */
export class ProcessStartError extends LocalStackError {
  constructor(
    readonly processName: string,
    reason: string,
    readonly logFile: string,
    readonly logTail: string,
  ) {
    super(`${processName} ${reason}; last lines of ${logFile}:\n${logTail}`);
    this.name = 'ProcessStartError';
  }
}
