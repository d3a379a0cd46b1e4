/**
 * Where the stack can deploy as configured. Amazon Keyspaces is not offered in every region, and a
 * stack with the serving store on fails at deploy there (`AWS::Cassandra::Keyspace` is unknown).
 *
 * The list is the regions whose CloudFormation resource specification has `AWS::Cassandra::Keyspace`,
 * as shipped with cfn-lint 1.51.0 (its rule E3006 checks resource types per region). Regions missing
 * from it then: ap-east-2, ap-northeast-3, ap-south-2, ap-southeast-3 to -7, ca-west-1, eu-central-2,
 * eu-south-1, eu-south-2, il-central-1, mx-central-1. A region that opens later is refused until it
 * is added here (with the cfn-lint release that lists it): an unknown region is not assumed to have it.
 */
export const KEYSPACES_REGIONS: readonly string[] = [
  'af-south-1',
  'ap-east-1',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'cn-north-1',
  'cn-northwest-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'me-central-1',
  'me-south-1',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-gov-east-1',
  'us-gov-west-1',
  'us-west-1',
  'us-west-2',
];

/** Whether Amazon Keyspaces can be deployed in `region` (see {@link KEYSPACES_REGIONS}). */
export function hasKeyspaces(region: string): boolean {
  return KEYSPACES_REGIONS.includes(region);
}
