/**
 * CDK entry point (`cdk synth`, `cdk deploy`; see cdk.json). Configure with a context value, e.g.
 * `npx cdk synth -c tickflow='{"prefix":"dev","stream":{"shards":"ON_DEMAND"}}'`.
 */
import { createTickflowApp } from './tickflow-app.js';

createTickflowApp();
