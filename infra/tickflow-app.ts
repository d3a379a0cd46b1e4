import { App, type AppProps, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { overridesFromContext } from './config.js';
import { ENVIRONMENT_CONTEXT, ENVIRONMENTS_DIR, loadEnvironment } from './environments.js';
import { type HandlerCode, TickflowStack } from './stacks/tickflow-stack.js';

export interface TickflowAppOptions extends AppProps {
  /** @default the environment file's account and region, else CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION */
  readonly env?: Environment;
  /** @default bundle every handler from `functions/` */
  readonly handlerCode?: HandlerCode;
  /** Where the environment files are. @default infra/environments */
  readonly environmentsDir?: string;
}

/**
 * Builds the CDK app: the stack of one environment (context `tickflow:env`, `dev` in cdk.json; its file
 * `infra/environments/<name>.json`, with the `tickflow` context value over it), with the cdk-nag
 * AwsSolutions pack registered as a synthesis-time validation plugin. `infra/app.ts` and the full-synth
 * test both use it, so the test checks what `cdk synth` produces.
 */
export function createTickflowApp(options: TickflowAppOptions = {}): { app: App; stack: TickflowStack } {
  const { env, handlerCode, environmentsDir, ...appProps } = options;
  const app = new App(appProps);
  const name = String(app.node.tryGetContext(ENVIRONMENT_CONTEXT) ?? 'dev');
  const environment = loadEnvironment(
    name,
    overridesFromContext(app.node.tryGetContext('tickflow')),
    environmentsDir ?? ENVIRONMENTS_DIR,
  );
  const stack = new TickflowStack(app, environment.stackName, {
    env: env ?? environment.env,
    description: `tickflow (${environment.name}): serverless event-time market-data pipeline`,
    config: environment.config,
    handlerCode,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}
