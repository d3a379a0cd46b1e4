import { App, type AppProps, type Environment, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromContext } from './config.js';
import { type HandlerCode, TickflowStack } from './stacks/tickflow-stack.js';

export interface TickflowAppOptions extends AppProps {
  /** @default account and region from CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION (or AWS_REGION) when set */
  readonly env?: Environment;
  /** @default bundle every handler from `functions/` */
  readonly handlerCode?: HandlerCode;
  /** @default 'Tickflow' */
  readonly stackName?: string;
}

/**
 * Builds the CDK app: the tickflow stack configured from the `tickflow` context value, with the
 * cdk-nag AwsSolutions pack registered as a synthesis-time validation plugin. `infra/app.ts` and the
 * full-synth test both use it, so the test checks what `cdk synth` produces.
 */
export function createTickflowApp(options: TickflowAppOptions = {}): { app: App; stack: TickflowStack } {
  const { env, handlerCode, stackName, ...appProps } = options;
  const app = new App(appProps);
  const config = configFromContext(app.node.tryGetContext('tickflow'));
  const stack = new TickflowStack(app, stackName ?? 'Tickflow', {
    env: env ?? environmentFromProcess(),
    description: 'tickflow: serverless event-time market-data pipeline',
    config,
    handlerCode,
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

function environmentFromProcess(): Environment | undefined {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION;
  return account || region ? { account, region } : undefined;
}
