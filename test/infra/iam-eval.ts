/**
 * Evaluates a synthesized template's identity policies the way IAM does for one request: resolve
 * every Resource to an ARN string (Ref, Fn::GetAtt Arn, Fn::Join, Fn::Select of Fn::Split and the
 * pseudo parameters), then match action and ARN with IAM's wildcards (`*` any run of characters, `?`
 * one; actions case-insensitive). An explicit Deny wins. Of the Conditions, `StringEquals` and
 * `ForAllValues:StringEquals` are evaluated against the request's context keys (e.g.
 * `dynamodb:LeadingKeys`, `kms:EncryptionContext:aws:kinesis:arn`); a statement with any other
 * condition is treated as not applying, so the check errs towards "denied".
 */
import type { Template } from 'aws-cdk-lib/assertions';

export interface IamEnv {
  readonly account: string;
  readonly region: string;
  readonly partition?: string;
}

export type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The ARN a resource of the template has, for the resource types the pipeline's policies name. */
export function arnOf(template: Template, logicalId: string, env: IamEnv): string {
  const resource = template.toJSON().Resources[logicalId] as {
    Type: string;
    Properties: Record<string, unknown>;
  };
  const p = env.partition ?? 'aws';
  const name = (key: string) => {
    const value = resource.Properties[key];
    if (typeof value !== 'string') throw new Error(`${logicalId} has no literal ${key}`);
    return value;
  };
  switch (resource.Type) {
    case 'AWS::DynamoDB::Table':
      return `arn:${p}:dynamodb:${env.region}:${env.account}:table/${name('TableName')}`;
    case 'AWS::Kinesis::Stream':
      return `arn:${p}:kinesis:${env.region}:${env.account}:stream/${name('Name')}`;
    case 'AWS::KMS::Key':
      return `arn:${p}:kms:${env.region}:${env.account}:key/${logicalId}`;
    case 'AWS::S3::Bucket':
      return `arn:${p}:s3:::${name('BucketName')}`;
    // A cluster the stack creates: its uuid is MSK's, so the logical id stands in for it.
    case 'AWS::MSK::ServerlessCluster':
      return `arn:${p}:kafka:${env.region}:${env.account}:cluster/${name('ClusterName')}/${logicalId}-uuid`;
    // A topic without a literal name gets a generated one: its logical id stands in for it.
    case 'AWS::SNS::Topic':
      return `arn:${p}:sns:${env.region}:${env.account}:${logicalId}`;
    default:
      throw new Error(`no ARN rule for ${resource.Type} (${logicalId})`);
  }
}

function resolve(template: Template, value: unknown, env: IamEnv): string {
  const resolved = resolveValue(template, value, env);
  if (typeof resolved !== 'string') throw new Error(`${JSON.stringify(value)} is a list, not a string`);
  return resolved;
}

/** A template value as CloudFormation evaluates it: a string, or a list (Fn::Split). */
function resolveValue(template: Template, value: unknown, env: IamEnv): string | string[] {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((item) => resolve(template, item, env));
  const v = value as Record<string, unknown>;
  if ('Fn::Split' in v) {
    const [sep, source] = v['Fn::Split'] as [string, unknown];
    return resolve(template, source, env).split(sep);
  }
  if ('Fn::Select' in v) {
    const [index, list] = v['Fn::Select'] as [number | string, unknown];
    const items = resolveValue(template, list, env);
    const item = Array.isArray(items) ? items[Number(index)] : undefined;
    if (item === undefined) throw new Error(`Fn::Select ${index} out of ${JSON.stringify(items)}`);
    return item;
  }
  if ('Fn::GetAtt' in v) {
    const [id, attr] = v['Fn::GetAtt'] as [string, string];
    if (attr !== 'Arn') throw new Error(`cannot resolve GetAtt ${id}.${attr}`);
    return arnOf(template, id, env);
  }
  if ('Ref' in v) {
    const ref = v.Ref as string;
    if (ref === 'AWS::Partition') return env.partition ?? 'aws';
    if (ref === 'AWS::Region') return env.region;
    if (ref === 'AWS::AccountId') return env.account;
    if (ref === 'AWS::URLSuffix') return 'amazonaws.com';
    // The Ref of a topic or an MSK Serverless cluster is its ARN (the other resources' Refs are names, which policies do not use).
    const type = template.toJSON().Resources[ref]?.Type;
    if (type === 'AWS::SNS::Topic' || type === 'AWS::MSK::ServerlessCluster')
      return arnOf(template, ref, env);
    throw new Error(`cannot resolve Ref ${ref}`);
  }
  if ('Fn::Join' in v) {
    const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolve(template, part, env)).join(sep);
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

/** IAM's string matching: `*` matches any run of characters, `?` exactly one. */
function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const escaped = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${escaped}$`, ignoreCase ? 'i' : '').test(value);
}

const list = (x: unknown): unknown[] => (Array.isArray(x) ? x : [x]);

/** The statements of every AWS::IAM::Policy whose logical id starts with `policyPrefix`. */
export function statementsOfPolicies(template: Template, policyPrefix: string): Statement[] {
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith(policyPrefix))
    .flatMap(
      ([, p]) =>
        (p as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument
          .Statement,
    );
}

/** Request context keys with their values, e.g. `{ 'dynamodb:LeadingKeys': ['lease'] }`. */
export type RequestContext = Readonly<Record<string, readonly string[]>>;

function conditionHolds(
  template: Template,
  env: IamEnv,
  condition: unknown,
  context: RequestContext,
): boolean {
  if (condition === undefined) return true;
  return Object.entries(condition as Record<string, Record<string, unknown>>).every(([operator, keys]) =>
    Object.entries(keys).every(([key, allowed]) => {
      const values = list(allowed).map((v) => resolve(template, v, env));
      const given = context[key] ?? [];
      if (operator === 'ForAllValues:StringEquals') return given.every((v) => values.includes(v));
      // A single-valued key: present and equal to one of the values.
      if (operator === 'StringEquals') return given.length === 1 && values.includes(given[0]!);
      return false;
    }),
  );
}

/** Whether the statements allow `action` on the resource `arn`, as IAM decides it. */
export function isAllowed(
  template: Template,
  statements: readonly Statement[],
  action: string,
  arn: string,
  env: IamEnv,
  context: RequestContext = {},
): boolean {
  const applies = (s: Statement) =>
    conditionHolds(template, env, s.Condition, context) &&
    list(s.Action).some((a) => wildcardMatch(String(a), action, true)) &&
    list(s.Resource).some((r) => wildcardMatch(resolve(template, r, env), arn));
  if (statements.some((s) => s.Effect === 'Deny' && applies(s))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s));
}
