/**
 * Errors of the local Cassandra launcher. Each carries what a reader needs to act: the command that
 * failed, the exit code, and the tail of the log that explains it.
 */

/** Base class: catch this to handle any failure of the local Cassandra. */
export class LocalCassandraError extends Error {
  override readonly name: string = 'LocalCassandraError';
}

/** `java` is not on the PATH (or is older than 17): the local Cassandra cannot run here. */
export class JavaUnavailableError extends LocalCassandraError {
  override readonly name = 'JavaUnavailableError';
  constructor(readonly detail: string) {
    super(`Java 17+ is needed to run the local Cassandra: ${detail}`);
  }
}

/** `mvn dependency:copy-dependencies` did not produce the Cassandra jars. */
export class CassandraInstallError extends LocalCassandraError {
  override readonly name = 'CassandraInstallError';
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`fetching Cassandra from Maven Central failed (exit ${exitCode}): ${command}\n${output}`);
  }
}

/** The JVM exited, or the CQL port did not answer in time. */
export class CassandraStartError extends LocalCassandraError {
  override readonly name = 'CassandraStartError';
  constructor(
    readonly reason: string,
    readonly logTail: string,
    readonly exitCode?: number | null,
  ) {
    super(`local Cassandra did not start: ${reason}\n--- last log lines ---\n${logTail}`);
  }
}
