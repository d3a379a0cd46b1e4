/**
 * Errors of the local JVM servers (Cassandra, Kafka). Each names the product and carries what a
 * reader needs to act: the command that failed, the exit code, and the tail of the log that explains it.
 */

/** Base class: catch this to handle any failure of a local JVM server. */
export class LocalJvmError extends Error {
  override readonly name: string = 'LocalJvmError';
}

/** `java` is not on the PATH (or is older than 17, which Cassandra 5 and Kafka 4 need). */
export class JavaUnavailableError extends LocalJvmError {
  override readonly name = 'JavaUnavailableError';
  constructor(
    readonly product: string,
    readonly detail: string,
  ) {
    super(`Java 17+ is needed to run the local ${product}: ${detail}`);
  }
}

/** `mvn dependency:copy-dependencies` did not produce the product's jars. */
export class JvmInstallError extends LocalJvmError {
  override readonly name = 'JvmInstallError';
  constructor(
    readonly product: string,
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`fetching ${product} from Maven Central failed (exit ${exitCode}): ${command}\n${output}`);
  }
}

/** A step before the start failed, the JVM exited, or the server did not serve in time. */
export class JvmStartError extends LocalJvmError {
  override readonly name = 'JvmStartError';
  constructor(
    readonly product: string,
    readonly reason: string,
    readonly logTail: string,
    readonly exitCode?: number | null,
  ) {
    super(`local ${product} did not start: ${reason}\n--- last log lines ---\n${logTail}`);
  }
}
