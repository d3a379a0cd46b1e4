import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import {
  type PreprocessDefinitionOptions,
  type PreprocessTasks,
  preprocessDefinition,
} from '../../infra/constructs/preprocess.js';

/** Placeholder function ARNs of the local rendering; the runner maps each one to its local handler. */
export const LOCAL_TASK_ARNS: Readonly<Record<keyof PreprocessTasks, string>> = {
  prepare: 'arn:aws:lambda:us-east-1:123456789012:function:tickflow-preprocess-prepare',
  features: 'arn:aws:lambda:us-east-1:123456789012:function:tickflow-preprocess-features',
  finalize: 'arn:aws:lambda:us-east-1:123456789012:function:tickflow-preprocess-finalize',
};

/**
 * The preprocess ASL exactly as `Preprocess` deploys it, rendered from the same factory in a
 * throwaway stack, with {@link LOCAL_TASK_ARNS} as the Lambda resources. Plain JSON: a new object
 * on every call (the interpreter mutates what it is given).
 */
export function renderPreprocessDefinition(
  options: PreprocessDefinitionOptions = {},
): StateMachineDefinition {
  const stack = new Stack(new App(), 'PreprocessRender');
  const tasks: PreprocessTasks = {
    prepare: lambda.Function.fromFunctionArn(stack, 'Prepare', LOCAL_TASK_ARNS.prepare),
    features: lambda.Function.fromFunctionArn(stack, 'Features', LOCAL_TASK_ARNS.features),
    finalize: lambda.Function.fromFunctionArn(stack, 'Finalize', LOCAL_TASK_ARNS.finalize),
  };
  const chain = preprocessDefinition(stack, tasks, options);
  const graph = stack.resolve(new sfn.StateGraph(chain.startState, 'preprocess').toGraphJson());
  return JSON.parse(JSON.stringify(graph)) as StateMachineDefinition;
}
