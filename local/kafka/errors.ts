/**
 * Errors of the local Kafka launcher. Each carries what a reader needs to act: the command that
 * failed, the exit code, and the tail of the log that explains it.
 */

/** Base class: catch this to handle any failure of the local Kafka. */
export class LocalKafkaError extends Error {
  override readonly name: string = 'LocalKafkaError';
}

/** `java` is not on the PATH (or is older than 17, which Kafka 4 needs). */
export class KafkaJavaUnavailableError extends LocalKafkaError {
  override readonly name = 'KafkaJavaUnavailableError';
  constructor(readonly detail: string) {
    super(`Java 17+ is needed to run the local Kafka: ${detail}`);
  }
}

/** `mvn dependency:copy-dependencies` did not produce the Kafka jars. */
export class KafkaInstallError extends LocalKafkaError {
  override readonly name = 'KafkaInstallError';
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`fetching Kafka from Maven Central failed (exit ${exitCode}): ${command}\n${output}`);
  }
}

/** Formatting the log directory failed, the JVM exited, or the broker did not start in time. */
export class KafkaStartError extends LocalKafkaError {
  override readonly name = 'KafkaStartError';
  constructor(
    readonly reason: string,
    readonly logTail: string,
    readonly exitCode?: number | null,
  ) {
    super(`local Kafka did not start: ${reason}\n--- last log lines ---\n${logTail}`);
  }
}
