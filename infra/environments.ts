/**
 * Environments: one stack per environment, each configured by a file a team keeps in git,
 * `infra/environments/<name>.json`:
 *
 * ```json
 * { "account": "123456789012", "region": "eu-west-1", "settings": { "prefix": "tickflow-prod" } }
 * ```
 *
 * `account` and `region` are optional (then CDK_DEFAULT_ACCOUNT / CDK_DEFAULT_REGION); `settings` are
 * the settings of docs/configuration.md over the defaults, and the prefix defaults to `tickflow-<name>`.
 * The environment is picked with the context value `tickflow:env` (`cdk.json` names `dev`;
 * `cdk deploy -c tickflow:env=prod` picks another). The stack is `Tickflow-<name>`, and every physical
 * name derives from the prefix, so two environments never share or rename each other's resources.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Environment } from 'aws-cdk-lib';
import {
  requireKnownSettings,
  resolveConfig,
  type TickflowConfig,
  type TickflowConfigOverrides,
} from './config.js';
import { PROJECT_ROOT } from './constructs/pipeline-function.js';
import { InfraConfigError } from './errors.js';

/** Where the environment files live. */
export const ENVIRONMENTS_DIR = resolve(PROJECT_ROOT, 'infra', 'environments');

/** Context key that picks the environment. */
export const ENVIRONMENT_CONTEXT = 'tickflow:env';

const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,15}$/;
const ACCOUNT = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** One environment: its name, the stack's name, where it deploys and its resolved settings. */
export interface TickflowEnvironment {
  readonly name: string;
  readonly stackName: string;
  readonly env?: Environment;
  readonly config: TickflowConfig;
}

interface EnvironmentFile {
  readonly account?: string;
  readonly region?: string;
  readonly settings?: TickflowConfigOverrides;
}

/** The names of the environment files in `dir`. */
export function environmentNames(dir = ENVIRONMENTS_DIR): string[] {
  return existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => f.slice(0, -'.json'.length))
        .sort()
    : [];
}

/**
 * Reads `<dir>/<name>.json`, validates it and resolves its settings over the defaults, with
 * `overrides` (the `tickflow` context value of one command) on top.
 */
export function loadEnvironment(
  name: string,
  overrides: TickflowConfigOverrides = {},
  dir = ENVIRONMENTS_DIR,
): TickflowEnvironment {
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new InfraConfigError(
      ENVIRONMENT_CONTEXT,
      name,
      'use 1-16 lowercase letters, digits or -, starting with a letter',
    );
  }
  const path = join(dir, `${name}.json`);
  if (!existsSync(path)) {
    throw new InfraConfigError(
      ENVIRONMENT_CONTEXT,
      name,
      `no file ${path}; environments there: ${environmentNames(dir).join(', ') || 'none'} (copy one to add an environment)`,
    );
  }
  const file = parseFile(path);
  const settings = { prefix: `tickflow-${name}`, ...file.settings, ...overrides };
  requireKnownSettings(settings);
  const account = file.account ?? process.env.CDK_DEFAULT_ACCOUNT;
  const region = file.region ?? process.env.CDK_DEFAULT_REGION ?? process.env.AWS_REGION;
  return {
    name,
    stackName: `Tickflow-${name}`,
    env: account || region ? { account, region } : undefined,
    config: resolveConfig(settings),
  };
}

function parseFile(path: string): EnvironmentFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InfraConfigError(path, '(file)', `not valid JSON: ${(err as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InfraConfigError(path, parsed, 'use an object with account, region and settings');
  }
  const { account, region, settings, ...rest } = parsed as Record<string, unknown>;
  for (const key of Object.keys(rest).filter((k) => k !== '$comment')) {
    throw new InfraConfigError(
      `${path}: ${key}`,
      rest[key],
      'an environment file has account, region and settings only',
    );
  }
  if (account !== undefined && !(typeof account === 'string' && ACCOUNT.test(account))) {
    throw new InfraConfigError(`${path}: account`, account, 'use a 12-digit AWS account id as a string');
  }
  if (region !== undefined && !(typeof region === 'string' && REGION.test(region))) {
    throw new InfraConfigError(`${path}: region`, region, 'use a region code such as eu-west-1');
  }
  if (
    settings !== undefined &&
    (typeof settings !== 'object' || settings === null || Array.isArray(settings))
  ) {
    throw new InfraConfigError(
      `${path}: settings`,
      settings,
      'use an object of settings (docs/configuration.md)',
    );
  }
  return { account, region, settings } as EnvironmentFile;
}
