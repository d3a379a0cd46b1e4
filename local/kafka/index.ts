export { KafkaInstallError, KafkaJavaUnavailableError, KafkaStartError, LocalKafkaError } from './errors.js';
export { ensureKafkaJars, KAFKA_VERSION, kafkaLibDir } from './install.js';
export { type LocalKafka, type LocalKafkaOptions, startLocalKafka } from './launcher.js';
