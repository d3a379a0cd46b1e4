import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { InvalidPropsError } from '../errors.js';
import type { KafkaNetwork } from '../kafka-source.js';
import { acknowledgeKmsGrantFamilies } from './nag.js';
import { requireIntegerInRange } from './validate.js';

/** The repository root (holds package.json and package-lock.json), whatever the working directory. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The Lambda runtime of every tickflow handler (the AWS SDK's 2027 releases need Node 22; the code still runs on Node 20). */
export const HANDLER_RUNTIME = lambda.Runtime.NODEJS_22_X;

export interface PipelineFunctionProps {
  /** Handler file relative to the project root, exporting `handler`, e.g. `functions/aggregator/index.ts`. */
  readonly entry: string;
  /**
   * A prebuilt bundle (e.g. from CI); when set, `entry` is not bundled and need not exist.
   * @default the entry is bundled by esbuild
   */
  readonly code?: lambda.Code;
  /** @default 1024 */
  readonly memoryMb?: number;
  /** @default 60 */
  readonly timeoutSeconds?: number;
  /**
   * Lambda's retries of an asynchronous invocation (a schedule's): 0 for a job whose next scheduled
   * run repairs what a failed one left.
   * @default Lambda's (2)
   */
  readonly asyncRetryAttempts?: number;
  /** Environment variables for the handler. */
  readonly environment?: Record<string, string>;
  readonly description?: string;
  /**
   * esbuild options merged over the defaults (ESM, minified, source maps, `require` shim); use
   * `commandHooks` to ship extra files such as a `.wasm` module.
   * @default ESM output for node22
   */
  readonly bundling?: nodejs.BundlingOptions;
  /**
   * Copy parquet-wasm's `parquet_wasm_bg.wasm` next to the bundle, where the Parquet adapter looks
   * for it (`$LAMBDA_TASK_ROOT`). Needed by every handler that writes Parquet.
   * @default false
   */
  readonly shipParquetWasm?: boolean;
  /**
   * Ship the Cassandra driver and the Keyspaces SigV4 plugin as `node_modules/` beside the bundle (see
   * {@link SERVING_DRIVER_MODULES}). Needed by every handler that connects to the serving store.
   * @default false
   */
  readonly shipServingDriver?: boolean;
}

/**
 * Where a pipeline construct's handler comes from: its entry under `functions/` bundled by esbuild,
 * or a prebuilt bundle. Each construct documents its default entry.
 */
export interface HandlerCodeProps {
  /** The handler's TypeScript entry. @default the construct's own, under `functions/` */
  readonly entry?: string;
  /** Prebuilt bundle instead of bundling `entry`. @default bundle the entry */
  readonly code?: lambda.Code;
  /** esbuild overrides, e.g. hooks that copy a `.wasm` file. @default none */
  readonly bundling?: nodejs.BundlingOptions;
}

/** The WebAssembly file parquet-wasm loads at run time, relative to the project root. */
export const PARQUET_WASM_PATH = 'node_modules/parquet-wasm/esm/parquet_wasm_bg.wasm';

/**
 * One tickflow Lambda function: Node 22 on arm64, ESM bundle, a log group with a retention, source
 * maps on. The stream consumers and the scheduled functions all build on it.
 */
export class PipelineFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: PipelineFunctionProps) {
    super(scope, id);
    const memoryMb = props.memoryMb ?? 1024;
    const timeoutSeconds = props.timeoutSeconds ?? 60;
    requireIntegerInRange('PipelineFunction', 'memoryMb', memoryMb, 128, 10240, 'Lambda memory in MB');
    requireIntegerInRange('PipelineFunction', 'timeoutSeconds', timeoutSeconds, 1, 900, 'Lambda timeout');
    const entry = resolve(PROJECT_ROOT, props.entry);
    if (props.code === undefined && !existsSync(entry)) {
      throw new InvalidPropsError(
        'PipelineFunction',
        'entry',
        props.entry,
        'write that handler file (it must export `handler`), or pass `code` with a prebuilt bundle',
      );
    }

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Own role instead of AWSLambdaBasicExecutionRole: logs go to this function's log group only.
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: props.description,
    });
    this.logGroup.grantWrite(role);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      role,
      ...(props.code ? { code: props.code, handler: 'index.handler' } : { entry, handler: 'handler' }),
      description: props.description,
      runtime: HANDLER_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: memoryMb,
      timeout: Duration.seconds(timeoutSeconds),
      logGroup: this.logGroup,
      retryAttempts: props.asyncRetryAttempts,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: resolve(PROJECT_ROOT, 'package-lock.json'),
      environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
      bundling: {
        format: nodejs.OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        mainFields: ['module', 'main'],
        // CommonJS dependencies (cassandra-driver, kinesis decoders) call require() inside an ESM bundle.
        banner: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
        ...(props.shipServingDriver && { externalModules: [...RUNTIME_MODULES, ...SERVING_DRIVER_MODULES] }),
        commandHooks: afterBundlingHooks(props),
        ...props.bundling,
      },
    });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the pinned handler runtime (HANDLER_RUNTIME); it is raised deliberately, with tests.',
    });
    acknowledgeKmsGrantFamilies(role);
  }
}

/**
 * Puts a function's network interfaces in a Kafka VPC's subnets, so it can reach the brokers (the
 * subnets also need routes to the services it calls: gateway endpoints for DynamoDB and S3, README
 * "Kafka and Amazon MSK"). CloudFormation's VpcConfig directly: the L2 `vpc` prop needs an IVpc
 * looked up or imported, and adds the AWSLambdaVPCAccessExecutionRole managed policy.
 */
export function attachToNetwork(fn: lambda.Function, network: KafkaNetwork | undefined): void {
  if (!network) return;
  (fn.node.defaultChild as lambda.CfnFunction).vpcConfig = {
    subnetIds: [...network.subnetIds],
    securityGroupIds: [...network.securityGroupIds],
  };
}

/** Modules the Node.js Lambda runtime provides; NodejsFunction leaves them out by default. */
const RUNTIME_MODULES = ['@aws-sdk/*'];

/**
 * The serving store's driver modules, each shipped as one esbuild-bundled CommonJS file under
 * `node_modules/<name>/index.js` instead of inside the ESM bundle, because:
 * - the serving adapter loads `aws-sigv4-auth-cassandra-plugin` with `createRequire` at run time
 *   (esbuild cannot see it), so it must be resolvable from the function's `node_modules`;
 * - the plugin subclasses the driver's `AuthProvider`, and the driver checks `instanceof`, so the
 *   handler and the plugin must load the same single copy of `cassandra-driver`.
 * The plugin's `aws-sdk` (v2, 100 MB) is narrowed to `aws-sdk/global` (credentials only, what the
 * plugin uses): each file is ≈ 0.4 MB minified.
 */
export const SERVING_DRIVER_MODULES = ['cassandra-driver', 'aws-sigv4-auth-cassandra-plugin'] as const;

function afterBundlingHooks(props: PipelineFunctionProps): nodejs.ICommandHooks | undefined {
  if (!props.shipParquetWasm && !props.shipServingDriver) return undefined;
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) => [
      ...(props.shipParquetWasm ? [`cp "${inputDir}/${PARQUET_WASM_PATH}" "${outputDir}/"`] : []),
      ...(props.shipServingDriver ? servingDriverCommands(inputDir, outputDir) : []),
    ],
  };
}

function servingDriverCommands(inputDir: string, outputDir: string): string[] {
  const esbuild = `"${inputDir}/node_modules/.bin/esbuild"`;
  const common = '--bundle --platform=node --format=cjs --target=node22 --minify --log-level=error';
  return SERVING_DRIVER_MODULES.flatMap((name) => {
    const dir = `${outputDir}/node_modules/${name}`;
    const narrow =
      name === 'aws-sigv4-auth-cassandra-plugin'
        ? ' --alias:aws-sdk=aws-sdk/global --external:cassandra-driver'
        : '';
    return [
      `${esbuild} "${inputDir}/node_modules/${name}/index.js" ${common}${narrow} --outfile="${dir}/index.js"`,
      `echo '{"name":"${name}","main":"index.js"}' > "${dir}/package.json"`,
    ];
  });
}
