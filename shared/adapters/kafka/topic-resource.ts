import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import type { KafkaConnection } from './connection.js';
import { deleteTopic, ensureTopic, type TopicSpec } from './topic-admin.js';

/**
 * The properties of the trial cluster's topic resource (infra/constructs/msk-trial.ts). CloudFormation
 * hands every property to the handler as a string.
 */
export interface TopicResourceProperties {
  readonly Topic: string;
  readonly Partitions: string;
  /** The cluster's IAM brokers, `host:9098,host:9098`. */
  readonly BootstrapServers: string;
}

/** What the custom resource provider framework expects back from its `onEvent` handler. */
export interface TopicResourceResult {
  readonly PhysicalResourceId: string;
  readonly Data: { readonly Topic: string; readonly Partitions: number };
}

/**
 * Carries out one CloudFormation event on the topic, connecting with `connectionFor(bootstrap)`:
 * Create and Update make the topic exist with at least its partitions (an update never lowers them),
 * Delete deletes it with its records. The physical id is the topic's name, so renaming the topic
 * makes CloudFormation create the new one and then delete the old one.
 */
export async function onTopicEvent(
  event: CloudFormationCustomResourceEvent,
  connectionFor: (bootstrap: string) => KafkaConnection,
): Promise<TopicResourceResult> {
  const props = event.ResourceProperties as unknown as TopicResourceProperties;
  const connection = connectionFor(props.BootstrapServers);
  const spec = topicSpec(props);
  if (event.RequestType === 'Delete') {
    await deleteTopic(connection, event.PhysicalResourceId);
    return { PhysicalResourceId: event.PhysicalResourceId, Data: { Topic: spec.topic, Partitions: 0 } };
  }
  const previous =
    event.RequestType === 'Update'
      ? topicSpec(event.OldResourceProperties as unknown as TopicResourceProperties)
      : undefined;
  const state = await ensureTopic(connection, spec, previous);
  return { PhysicalResourceId: state.topic, Data: { Topic: state.topic, Partitions: state.partitions } };
}

function topicSpec(props: TopicResourceProperties): TopicSpec {
  const partitions = Number(props.Partitions);
  if (!props.Topic || !Number.isInteger(partitions) || partitions < 1) {
    throw new Error(
      `the topic resource needs Topic and a positive integer Partitions, got ${JSON.stringify(props)}`,
    );
  }
  return { topic: props.Topic, partitions };
}
