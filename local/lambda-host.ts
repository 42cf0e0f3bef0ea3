/**
 * Runs the catalog's Lambda handlers in this process, the way the Lambda service would: the same
 * module, an event of the same shape, a context object. Counts invocations and duration for the
 * benchmark's cost model.
 */
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { functions, type FunctionDefinition, type FunctionId } from '../lib/catalog';

export const LOCAL_ACCOUNT = '000000000000';
export const LOCAL_REGION = 'us-east-1';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

export interface InvocationStats {
  invocations: number;
  errors: number;
  /** Sum of durations in ms (billed duration in the cost model). */
  durationMs: number;
}

/** The error of an invocation that `crashAfterNext` made fail after its handler had finished. */
export class InjectedCrashError extends Error {
  override readonly name = 'InjectedCrashError';
}

export class LambdaHost {
  private readonly handlers = new Map<FunctionId, Promise<Handler>>();
  readonly stats = new Map<FunctionId, InvocationStats>();
  /** Invocations still to crash, by function (fault injection for the benchmark). */
  private readonly crashes = new Map<FunctionId, number>();

  constructor(
    private readonly root: string,
    private readonly functionNamePrefix: string,
  ) {}

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

  async invoke(id: FunctionId, event: unknown): Promise<unknown> {
    const definition: FunctionDefinition = functions[id];
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
      // JSON round trip: the handler gets a copy, as it would over the wire.
      const result = await handler(JSON.parse(JSON.stringify(event)) as unknown, context);
      if (crash) throw new InjectedCrashError(`${this.functionName(id)} crashed after its handler returned`);
      return result;
    } catch (error) {
      stats.errors += 1;
      throw error;
    } finally {
      stats.durationMs += Date.now() - started;
    }
  }

  /** Loads every handler now, so the first request is not slowed by compiling its module. */
  async preload(): Promise<void> {
    await Promise.all((Object.keys(functions) as FunctionId[]).map((id) => this.load(id)));
  }

  private load(id: FunctionId): Promise<Handler> {
    let loaded = this.handlers.get(id);
    if (!loaded) {
      const entry = pathToFileURL(resolve(this.root, functions[id].entry)).href;
      loaded = import(entry).then((module: { handler?: Handler; default?: { handler?: Handler } }) => {
        const handler = module.handler ?? module.default?.handler;
        if (typeof handler !== 'function') throw new Error(`${functions[id].entry} exports no handler`);
        return handler;
      });
      this.handlers.set(id, loaded);
    }
    return loaded;
  }
}
