export { isJavaAvailable, javaMajorVersion } from '../jvm/index.js';
export {
  CassandraInstallError,
  CassandraStartError,
  JavaUnavailableError,
  LocalCassandraError,
} from './errors.js';
export { CASSANDRA_VERSION, cassandraLibDir, ensureCassandraJars } from './install.js';
export { type LocalCassandra, type LocalCassandraOptions, startLocalCassandra } from './launcher.js';
export { makeNodeCertificates, type NodeCertificates } from './tls.js';
