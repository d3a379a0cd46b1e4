export {
  isJavaAvailable,
  JavaUnavailableError,
  JvmInstallError,
  JvmStartError,
  javaMajorVersion,
  LocalJvmError,
} from '../jvm/index.js';
export { CASSANDRA_VERSION, cassandraLibDir, ensureCassandraJars } from './install.js';
export { type LocalCassandra, type LocalCassandraOptions, startLocalCassandra } from './launcher.js';
export { makeNodeCertificates, type NodeCertificates } from './tls.js';
