/**
 * CDK entry point (`cdk synth`, `cdk deploy`; see cdk.json). Picks the environment file
 * `infra/environments/<name>.json` with `-c tickflow:env=<name>` (`dev` by default, from cdk.json);
 * `-c tickflow='{"stream":{"shards":"ON_DEMAND"}}'` overrides its settings for one command.
 * Settings: docs/configuration.md.
 */
import { createTickflowApp } from './tickflow-app.js';

createTickflowApp();
