// The worker's entry: the TypeScript loader `npm run bench` runs under (tsx) is registered in the main
// thread only, so a worker registers it again before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./features-worker.ts');
