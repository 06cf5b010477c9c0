// The Lambdas' X-Ray switch. `BRIDGE_TRACING` is replaced at bundle time (esbuild `define`, set by
// lib/bridge-function.ts from the stage's `tracing`), so with tracing off the branch that loads the
// Powertools tracer is dead code and esbuild leaves the tracer and the X-Ray SDK out of the bundle.
import type { Tracer } from '@aws-lambda-powertools/tracer';
import type { MiddlewareObj } from '@middy/core';

/** What a handler needs of tracing: its AWS SDK clients wrapped, and one middy middleware. */
export interface LambdaTracing {
  /** The client, its calls recorded as X-Ray subsegments when tracing is on; the same client when off. */
  captureAWSv3Client<T>(client: T): T;
  /** The invocation's segment (`captureLambdaHandler`, responses not captured: they can hold records). */
  readonly middleware: MiddlewareObj;
}

// middy refuses a middleware with no hook: an empty `before` stands in.
const noTracing: LambdaTracing = { captureAWSv3Client: (client) => client, middleware: { before: () => {} } };

/** Created once per cold start, beside the logger: `const tracing = lambdaTracing();`. */
export function lambdaTracing(): LambdaTracing {
  // Read here, not once into a constant, so esbuild folds the condition and drops the requires.
  if (process.env.BRIDGE_TRACING === 'active') {
    /* eslint-disable @typescript-eslint/no-require-imports -- a require in a branch esbuild can eliminate */
    const tracer: Tracer = new (
      require('@aws-lambda-powertools/tracer') as typeof import('@aws-lambda-powertools/tracer')
    ).Tracer();
    const { captureLambdaHandler } =
      require('@aws-lambda-powertools/tracer/middleware') as typeof import('@aws-lambda-powertools/tracer/middleware');
    /* eslint-enable @typescript-eslint/no-require-imports */
    return {
      captureAWSv3Client: (client) => tracer.captureAWSv3Client(client as never) as typeof client,
      middleware: captureLambdaHandler(tracer, { captureResponse: false }),
    };
  }
  return noTracing;
}
