export { JavaUnavailableError, JvmInstallError, JvmStartError, LocalJvmError } from '../jvm/index.js';
export { ensureKafkaJars, KAFKA_VERSION, kafkaLibDir } from './install.js';
export { type LocalKafka, type LocalKafkaOptions, startLocalKafka } from './launcher.js';
