/**
 * Runs the catalog's Lambda handlers in this process, the way the Lambda service would: the same
 * module, an event of the same shape, a context object, and the function's own environment
 * (local/function-environments.ts: its variables and credentials, for the invocation and all it
 * starts). Counts invocations and duration for the benchmark's cost model, and injects the two
 * faults the benchmark needs: an invocation that fails after its handler finished, and one killed
 * part-way through.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { ClientRequest } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { functions, type FunctionDefinition, type FunctionId } from '../lib/catalog';
import { FunctionEnvironments } from './function-environments';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

/** How the caller invokes: and waits for the answer (`RequestResponse`), or hands the event over (`Event`). */
export type InvocationType = 'RequestResponse' | 'Event';

/**
 * Lambda's payload quotas, in bytes (https://docs.aws.amazon.com/lambda/latest/dg/API_Invoke.html):
 * 6 MB for a synchronous invocation's request and response (the response's limit as Lambda's error
 * states it), 1 MB for an asynchronous invocation's event.
 */
export const PAYLOAD_LIMITS = {
  request: 6_291_456,
  response: 6_291_556,
  event: 1_048_576,
} as const;

/** An invocation Lambda refused, or whose answer it could not return, for its payload's size. */
export class PayloadLimitError extends Error {
  constructor(
    override readonly name: 'RequestEntityTooLargeException' | 'Function.ResponseSizeTooLarge',
    message: string,
  ) {
    super(message);
  }
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface InvocationStats {
  invocations: number;
  errors: number;
  /** Sum of durations in ms (billed duration in the cost model). */
  durationMs: number;
}

/** The error of an invocation that `crashAfterNext` or `killDuringNext` made fail. */
export class InjectedCrashError extends Error {
  override readonly name = 'InjectedCrashError';
}

/** An invocation `killDuringNext` watches: its outbound requests so far and when it dies. */
interface KillScope {
  requests: number;
  readonly killAt: number;
  killed: boolean;
  readonly onKill: () => void;
}

const killScope = new AsyncLocalStorage<KillScope>();
let watchingRequests = false;

/**
 * Wraps `ClientRequest.prototype.end`: every HTTP request the watched invocation makes (all its AWS
 * calls go to the local endpoints over HTTP) is counted when the SDK ends it, synchronously in the invocation's own async context (a
 * request's later events can run in another's, when it waited for a pooled socket). From the
 * `killAt`-th on, each is destroyed before it is sent, as if the execution environment had gone:
 * requests already on the wire are served, nothing after them is. Installed on first use, so runs
 * without a kill pay nothing.
 */
function watchRequests(): void {
  if (watchingRequests) return;
  watchingRequests = true;
  const end = ClientRequest.prototype.end;
  ClientRequest.prototype.end = function (this: ClientRequest, ...args: unknown[]) {
    const scope = killScope.getStore();
    if (scope) {
      scope.requests += 1;
      if (!scope.killed && scope.requests >= scope.killAt) {
        scope.killed = true;
        scope.onKill();
      }
      if (scope.killed) return this.destroy(new Error('execution environment killed'));
    }
    return (end as (...a: unknown[]) => ClientRequest).apply(this, args);
  } as typeof end;
}

export class LambdaHost {
  private readonly handlers = new Map<FunctionId, Promise<Handler>>();
  readonly stats = new Map<FunctionId, InvocationStats>();
  /** Invocations still to crash, by function (fault injection for the benchmark). */
  private readonly crashes = new Map<FunctionId, number>();
  /** Invocations still to kill part-way, by function: the outbound request each dies at. */
  private readonly kills = new Map<FunctionId, number[]>();
  /** Invocations `killDuringNext` killed, by function (one that finished first is not counted). */
  readonly killed = new Map<FunctionId, number>();

  /** Each function's environment, in force while its code runs. */
  readonly environments = new FunctionEnvironments();

  constructor(
    private readonly root: string,
    private readonly functionNamePrefix: string,
  ) {}

  /**
   * Runs `work` as code of the function, outside any invocation: with its environment and
   * credentials (tests that drive a handler's dependencies directly).
   */
  withEnvironment<T>(id: FunctionId, work: () => T): T {
    return this.environments.run(id, work);
  }

  functionName(id: FunctionId): string {
    return `${this.functionNamePrefix}-${id}`;
  }

  arnOf(id: FunctionId): string {
    return `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${this.functionName(id)}`;
  }

  /** The function an ARN (or name) designates, if it is one of ours. */
  idOf(arnOrName: string): FunctionId | undefined {
    const name = arnOrName.split(':').at(arnOrName.startsWith('arn:') ? 6 : 0) ?? '';
    return (Object.keys(functions) as FunctionId[]).find((id) => this.functionName(id) === name);
  }

  /**
   * Fault injection: the next `count` invocations of the function run their handler to the end and
   * then fail, as if the execution environment died before returning: the work is done (texts sent,
   * items written) but the caller sees an error, so an SQS batch is not acknowledged and comes back.
   */
  crashAfterNext(id: FunctionId, count = 1): void {
    this.crashes.set(id, (this.crashes.get(id) ?? 0) + count);
  }

  /**
   * Fault injection: the next invocation of the function is killed as it starts its `atRequest`-th
   * outbound request (1 = its first AWS call), as when the execution environment dies part-way
   * (a timeout, out of memory): what it had done stays done, the caller sees an error at that moment,
   * and nothing the handler attempts afterwards reaches any service. An invocation that makes fewer
   * requests finishes normally.
   */
  killDuringNext(id: FunctionId, atRequest: number): void {
    if (!Number.isInteger(atRequest) || atRequest < 1)
      throw new Error('atRequest must be a whole number ≥ 1');
    this.kills.set(id, [...(this.kills.get(id) ?? []), atRequest]);
  }

  async invoke(id: FunctionId, event: unknown, type: InvocationType = 'RequestResponse'): Promise<unknown> {
    const definition: FunctionDefinition = functions[id];
    // JSON round trip: the handler gets a copy, as it would over the wire.
    const payload = JSON.stringify(event) ?? 'null';
    const limit = type === 'Event' ? PAYLOAD_LIMITS.event : PAYLOAD_LIMITS.request;
    if (Buffer.byteLength(payload, 'utf8') > limit) {
      throw new PayloadLimitError(
        'RequestEntityTooLargeException',
        `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
      );
    }
    const handler = await this.load(id);
    const started = Date.now();
    const requestId = randomUUID();
    const context: Context = {
      callbackWaitsForEmptyEventLoop: false,
      functionName: this.functionName(id),
      functionVersion: '$LATEST',
      invokedFunctionArn: this.arnOf(id),
      memoryLimitInMB: String(definition.memoryMb),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${this.functionName(id)}`,
      logStreamName: `local/${requestId}`,
      getRemainingTimeInMillis: () => Math.max(0, definition.timeoutSeconds * 1000 - (Date.now() - started)),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
    const stats = this.stats.get(id) ?? { invocations: 0, errors: 0, durationMs: 0 };
    this.stats.set(id, stats);
    stats.invocations += 1;
    try {
      const crash = (this.crashes.get(id) ?? 0) > 0;
      if (crash) this.crashes.set(id, (this.crashes.get(id) ?? 1) - 1);
      const killAt = this.kills.get(id)?.shift();
      const run = () => this.environments.run(id, () => handler(JSON.parse(payload) as unknown, context));
      const result = killAt === undefined ? await run() : await this.runToKill(id, killAt, run);
      if (crash) throw new InjectedCrashError(`${this.functionName(id)} crashed after its handler returned`);
      if (type === 'RequestResponse') {
        const answer = JSON.stringify(result) ?? '';
        if (Buffer.byteLength(answer, 'utf8') > PAYLOAD_LIMITS.response)
          throw new PayloadLimitError(
            'Function.ResponseSizeTooLarge',
            `Response payload size exceeded maximum allowed payload size (${PAYLOAD_LIMITS.response} bytes).`,
          );
        // The caller gets a copy too.
        return result === undefined ? undefined : (JSON.parse(answer) as unknown);
      }
      return undefined;
    } catch (error) {
      stats.errors += 1;
      throw error;
    } finally {
      stats.durationMs += Date.now() - started;
    }
  }

  /**
   * Runs the handler until its `killAt`-th outbound request. Killed, the invocation fails at once;
   * the handler's own promise is left to settle unobserved (its calls from then on all fail).
   */
  private runToKill(id: FunctionId, killAt: number, run: () => Promise<unknown>): Promise<unknown> {
    watchRequests();
    return new Promise((resolve, reject) => {
      const scope: KillScope = {
        requests: 0,
        killAt,
        killed: false,
        onKill: () => {
          this.killed.set(id, (this.killed.get(id) ?? 0) + 1);
          reject(new InjectedCrashError(`${this.functionName(id)} killed at its outbound request ${killAt}`));
        },
      };
      killScope.run(scope, run).then(
        (result) => {
          if (!scope.killed) resolve(result);
        },
        (error: unknown) => {
          if (!scope.killed) reject(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  }

  /**
   * Runs the function from a bundle (a CommonJS file exporting `handler`, as the CDK bundling writes
   * it) instead of its source, so a test can drive the deployed code through the local runtime.
   */
  runBundle(id: FunctionId, file: string): void {
    this.handlers.set(id, this.importHandler(id, pathToFileURL(file).href, file));
  }

  /** Loads every handler now, so the first request is not slowed by compiling its module. */
  async preload(): Promise<void> {
    await Promise.all((Object.keys(functions) as FunctionId[]).map((id) => this.load(id)));
  }

  private load(id: FunctionId): Promise<Handler> {
    let loaded = this.handlers.get(id);
    if (!loaded) {
      const entry = pathToFileURL(resolve(this.root, functions[id].entry)).href;
      loaded = this.importHandler(id, entry, functions[id].entry);
      this.handlers.set(id, loaded);
    }
    return loaded;
  }

  /** Loads the module the way Lambda initialises it: in the function's environment. */
  private importHandler(id: FunctionId, url: string, name: string): Promise<Handler> {
    return this.environments
      .run(id, () => import(url))
      .then((module: { handler?: Handler; default?: { handler?: Handler } }) => {
        const handler = module.handler ?? module.default?.handler;
        if (typeof handler !== 'function') throw new Error(`${name} exports no handler`);
        return handler;
      });
  }
}
