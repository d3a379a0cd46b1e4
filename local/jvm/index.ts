export { freePorts } from './free-port.js';
export { isJavaAvailable, javaMajorVersion } from './java.js';
export { cachedLibDir, ensureMavenJars, MavenFetchError, PROJECT_CACHE } from './maven.js';
export { hasExited, onceAsync, run, spawnJvm, tail, terminate } from './process.js';
export { trackChild } from './reaper.js';
