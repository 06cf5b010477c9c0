import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, LoggingFormat, Runtime, SystemLogLevel, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acceptNagFinding } from './nag';

export interface BridgeFunctionProps extends Omit<NodejsFunctionProps, 'entry' | 'runtime' | 'architecture'> {
  /** The Lambda's entry file, as its capability's index.ts names it (`ingestEntry`). */
  readonly entry: string;
  /** Log retention. @default one month */
  readonly logRetention?: RetentionDays;
}

/** The context key the stack sets to the stage's `tracing`, read by every function in it. */
export const tracingContextKey = 'openphone-bridge:tracing';

export type TracingMode = 'active' | 'off';

/**
 * The esbuild options of every function, also used by the bench and the bundle test. `BRIDGE_TRACING`
 * is a constant of the bundle (lambdas/shared/tracing.ts): with `off`, the tracer is not bundled.
 */
export function bridgeBundling(tracing: TracingMode) {
  return {
    minify: true,
    sourceMap: true,
    target: 'node22',
    format: OutputFormat.CJS,
    // The packages' ES module builds first: esbuild drops what a function never imports (the AWS
    // SDK clients' other commands), which their CommonJS builds keep whole.
    mainFields: ['module', 'main'],
    // Bundle the AWS SDK too: the version is pinned by package-lock, not by the runtime.
    externalModules: [] as string[],
    define: { 'process.env.BRIDGE_TRACING': JSON.stringify(tracing) },
  };
}

/**
 * Every Lambda of the bridge: Node.js 22 on ARM64, a minified esbuild bundle with source maps, JSON
 * logs; X-Ray and the Powertools tracer when the stack's `tracing` is `active` (off by default).
 */
export class BridgeFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: BridgeFunctionProps) {
    const { entry, logRetention, environment, bundling, ...rest } = props;
    const tracing: TracingMode = scope.node.tryGetContext(tracingContextKey) === 'active' ? 'active' : 'off';
    const logGroup = new LogGroup(scope, `${id}Logs`, {
      retention: logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    super(scope, id, {
      entry,
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(10),
      ...(tracing === 'active' ? { tracing: Tracing.ACTIVE } : {}),
      loggingFormat: LoggingFormat.JSON,
      // No START/END/REPORT line per invocation (a third of the log cost per webhook); Lambda's own
      // metrics keep durations, Powertools lines say cold_start, and errors and timeouts still log.
      systemLogLevelV2: SystemLogLevel.WARN,
      logGroup,
      ...rest,
      environment: {
        NODE_OPTIONS: '--enable-source-maps',
        POWERTOOLS_SERVICE_NAME: 'openphone-bridge',
        ...environment,
      },
      bundling: { ...bridgeBundling(tracing), ...bundling },
    });
    acceptNagFinding(
      this,
      'L1',
      'Pinned to nodejs22.x on purpose: bundles, tests and the local replica all run Node 22; moving is one change here.',
    );
    acceptNagFinding(
      this,
      'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'The managed basic execution policy only lets the function write its own CloudWatch logs.',
    );
    if (tracing === 'active')
      acceptNagFinding(
        this,
        'IAM5[Resource::*]',
        'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (active tracing).',
      );
  }
}
