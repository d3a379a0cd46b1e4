export { JavaUnavailableError, JvmInstallError, JvmStartError, LocalJvmError } from './errors.js';
export { freePorts } from './free-port.js';
export { isJavaAvailable, javaMajorVersion } from './java.js';
export { cachedLibDir, ensureMavenJars, PROJECT_CACHE } from './maven.js';
export { hasExited, onceAsync, run, spawnJvm, tail, terminate } from './process.js';
export { trackChild } from './reaper.js';
export { type JvmServer, type JvmServerSpec, startJvmServer } from './server.js';
