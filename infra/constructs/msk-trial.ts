/**
 * The MSK Serverless trial cluster of `source.trial`: a VPC, the cluster with IAM client
 * authentication, its bootstrap brokers, and the topic. README "Kafka and Amazon MSK" (trial) says
 * what it costs and how to tear it down; `npx tickflow cost --idle` prices it.
 *
 * The network, from Lambda's "Configuring your Amazon MSK cluster and Amazon VPC network for Lambda"
 * (https://docs.aws.amazon.com/lambda/latest/dg/with-msk-cluster-network.html) and the Kafka
 * event poller scaling modes (https://docs.aws.amazon.com/lambda/latest/dg/kafka-scaling-modes.html):
 *
 * - Two private subnets in two AZs (MSK Serverless needs at least two), no internet gateway, no NAT
 *   gateway. The event source mappings poll the cluster through network interfaces Lambda puts in
 *   these subnets with the cluster's security group. A NAT gateway or interface endpoints for
 *   Lambda and STS are what a mapping in on-demand mode needs to invoke the function; the mappings
 *   here always run provisioned pollers (`source.pollers`, for their error handling), which invoke
 *   from Lambda's side and need neither.
 * - One security group for the cluster, the mappings' pollers, the idle flush and the topic's
 *   handler, with the self-referencing rules Lambda documents for MSK: in and out on the IAM
 *   listener's port 9098 from and to itself, out on 443 (which, without an internet route, reaches
 *   only the endpoints below).
 * - Gateway endpoints for S3 (the lake, and the mappings' S3 on-failure destination) and DynamoDB
 *   (the idle flush's state): no charge. With the market watch on, an SNS interface endpoint for the
 *   idle flush's alerts (billed per AZ-hour, counted in the idle cost). MSK IAM tokens are signed
 *   locally with the function's credentials: no STS call.
 * - A flow log of rejected traffic (a week's retention): a connection the security group refuses is
 *   the usual reason a mapping cannot reach the cluster.
 */
import { CustomResource, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as msk from 'aws-cdk-lib/aws-msk';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { type KafkaNetwork, type KafkaSource, type MskTrial, TRIAL_AZS } from '../kafka-source.js';
import { grantKafkaTopicAdmin } from './kafka-access.js';
import { nagArnOf } from './nag.js';
import { attachToNetwork, type HandlerCodeProps, PipelineFunction } from './pipeline-function.js';

/** The port of MSK's IAM listener. */
export const MSK_IAM_PORT = 9098;

export interface MskTrialClusterProps extends HandlerCodeProps {
  /** The cluster's name (`<prefix>-trial`, which the prefix rule keeps within MSK's letters, digits and hyphens). */
  readonly clusterName: string;
  readonly topic: string;
  readonly trial: MskTrial;
  /**
   * Whether the idle flush publishes market alerts to SNS from inside the VPC (an SNS interface endpoint).
   * @default false
   */
  readonly snsEndpoint?: boolean;
}

export class MskTrialCluster extends Construct {
  readonly vpc: ec2.Vpc;
  readonly securityGroup: ec2.SecurityGroup;
  readonly cluster: msk.CfnServerlessCluster;
  /** The IAM brokers (`host:9098,…`), read at deploy time from Kafka's GetBootstrapBrokers. */
  readonly bootstrapServers: string;
  /** The topic resource: whatever reads or writes the topic is created after it. */
  readonly topicResource: CustomResource;
  /** The network the idle flush runs in. */
  readonly network: KafkaNetwork;

  constructor(scope: Construct, id: string, props: MskTrialClusterProps) {
    super(scope, id);
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      maxAzs: TRIAL_AZS,
      natGateways: 0,
      subnetConfiguration: [{ name: 'Private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
      },
      // Nothing uses the default group; restricting it would add one more custom resource function.
      restrictDefaultSecurityGroup: false,
    });
    this.vpc.addFlowLog('Rejected', {
      trafficType: ec2.FlowLogTrafficType.REJECT,
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'RejectedTraffic', {
          retention: logs.RetentionDays.ONE_WEEK,
          removalPolicy: RemovalPolicy.DESTROY,
        }),
      ),
    });
    this.securityGroup = new ec2.SecurityGroup(this, 'Clients', {
      vpc: this.vpc,
      description: 'tickflow trial: MSK Serverless cluster, Lambda pollers, idle flush, topic handler',
      allowAllOutbound: false,
    });
    const self = this.securityGroup;
    self.addIngressRule(self, ec2.Port.tcp(MSK_IAM_PORT), 'MSK IAM listener, from its clients');
    self.addEgressRule(self, ec2.Port.tcp(MSK_IAM_PORT), 'MSK IAM listener');
    self.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS APIs through the VPC endpoints');
    if (props.snsEndpoint) {
      self.addIngressRule(self, ec2.Port.tcp(443), 'SNS interface endpoint, from the idle flush');
      this.vpc.addInterfaceEndpoint('Sns', {
        service: ec2.InterfaceVpcEndpointAwsService.SNS,
        securityGroups: [self],
        open: false,
      });
    }
    const subnetIds = this.vpc.isolatedSubnets.map((s) => s.subnetId);
    this.network = { subnetIds, securityGroupIds: [self.securityGroupId] };

    this.cluster = new msk.CfnServerlessCluster(this, 'Cluster', {
      clusterName: props.clusterName,
      clientAuthentication: { sasl: { iam: { enabled: true } } },
      vpcConfigs: [{ subnetIds, securityGroups: [self.securityGroupId] }],
    });
    this.bootstrapServers = this.bootstrapBrokers();
    this.topicResource = this.topic(props);
  }

  /** The cluster's ARN (`Fn::GetAtt Arn`); IAM's topic and group ARNs are derived from it at deploy. */
  get clusterArn(): string {
    return this.cluster.attrArn;
  }

  /**
   * The Kafka source with the trial cluster in place of `msk`: the event source mappings, the grants
   * and the idle flush then treat it as any MSK cluster with IAM access control.
   */
  resolve(source: KafkaSource): KafkaSource {
    return {
      ...source,
      msk: { clusterArn: this.clusterArn, bootstrapServers: [this.bootstrapServers] },
      network: this.network,
    };
  }

  /**
   * MSK Serverless has no `BootstrapBrokers` attribute: Kafka's GetBootstrapBrokers, called at deploy
   * by a CDK AwsCustomResource outside the VPC (the Kafka API needs no VPC endpoint there), on this
   * cluster's ARN only.
   */
  private bootstrapBrokers(): string {
    const logGroup = new logs.LogGroup(this, 'BootstrapBrokersLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const role = new iam.Role(this, 'BootstrapBrokersRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'tickflow trial: reads the MSK Serverless bootstrap brokers at deploy',
    });
    logGroup.grantWrite(role);
    const call: cr.AwsSdkCall = {
      service: 'Kafka',
      action: 'GetBootstrapBrokers',
      parameters: { ClusterArn: this.clusterArn },
      physicalResourceId: cr.PhysicalResourceId.of(this.clusterArn),
      outputPaths: ['BootstrapBrokerStringSaslIam'],
    };
    const brokers = new cr.AwsCustomResource(this, 'BootstrapBrokers', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: [this.clusterArn] }),
      role,
      logGroup,
      installLatestAwsSdk: false,
      timeout: Duration.minutes(2),
    });
    return brokers.getResponseField('BootstrapBrokerStringSaslIam');
  }

  /**
   * The topic: MSK has no topic resource or API for Serverless clusters, so a custom resource whose
   * handler (functions/kafka-topic) runs in the VPC speaks Kafka's admin protocol with MSK IAM.
   */
  private topic(props: MskTrialClusterProps): CustomResource {
    const handler = new PipelineFunction(this, 'TopicHandler', {
      entry: props.entry ?? 'functions/kafka-topic/index.ts',
      code: props.code,
      bundling: props.bundling,
      memoryMb: 256,
      timeoutSeconds: 120,
      description: 'tickflow trial: creates, grows and deletes the MSK Serverless topic (custom resource)',
    }).function;
    attachToNetwork(handler, this.network);
    grantKafkaTopicAdmin(handler, this.clusterArn, props.topic);

    const frameworkLogs = new logs.LogGroup(this, 'TopicProviderLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const frameworkRole = new iam.Role(this, 'TopicProviderRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'tickflow trial: the custom resource framework that calls the topic handler',
    });
    frameworkLogs.grantWrite(frameworkRole);
    const provider = new cr.Provider(this, 'TopicProvider', {
      onEventHandler: handler,
      frameworkOnEventRole: frameworkRole,
      logGroup: frameworkLogs,
    });
    // The framework invokes the handler's versions too (`<arn>:*`); nothing else.
    Validations.of(frameworkRole).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${nagArnOf(handler)}:*]`,
      reason:
        "The custom resource framework invokes the topic handler's versions; the wildcard is the version.",
    });
    const topic = new CustomResource(this, 'Topic', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::KafkaTopic',
      properties: {
        Topic: props.topic,
        Partitions: String(props.trial.partitions),
        BootstrapServers: this.bootstrapServers,
      },
    });
    // The handler reaches the brokers only once its network and grants exist.
    topic.node.addDependency(this.cluster, handler);
    return topic;
  }
}
