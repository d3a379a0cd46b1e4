import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { requireString } from '../../shared/adapters/env.js';
import { onTopicEvent, type TopicResourceResult } from '../../shared/adapters/kafka/topic-resource.js';

const region = requireString(process.env, 'AWS_REGION');

/**
 * The trial MSK Serverless cluster's topic (a CloudFormation custom resource: MSK has no topic
 * resource for Serverless clusters). Runs in the cluster's VPC and signs in with this function's
 * role over MSK IAM (port 9098).
 */
export async function handler(event: CloudFormationCustomResourceEvent): Promise<TopicResourceResult> {
  return onTopicEvent(event, (bootstrap) => ({
    bootstrap,
    tls: {},
    sasl: { mechanism: 'aws-msk-iam', region },
  }));
}
