/**
 * Fault injection for the benchmark and the tests, beside the emulators rather than inside them: it
 * wraps a service's operations, so an emulator stays what AWS does and this decides, per call, to
 * fail it the way AWS fails (`POST /_local/faults` sets the rates).
 *
 * - `serverErrorRate`: answered 500 InternalServerException, nothing done;
 * - `throttleRate`: answered ThrottlingException, nothing done;
 * - `lostAnswerRate`: done (the text is sent and reported), but the connection is reset instead of
 *   answering, so the caller cannot know it was.
 */
import { AnswerLost, AwsError, type JsonOperation, type JsonService } from './protocol';

export interface Faults {
  /** Share of calls answered with ThrottlingException, 0..1. */
  throttleRate: number;
  /** Share of calls answered with a 500 InternalServerException, 0..1. */
  serverErrorRate: number;
  /** Share of calls done whose answer never reaches the caller: the connection is reset, 0..1. */
  lostAnswerRate: number;
}

export const FAULT_NAMES = ['throttleRate', 'serverErrorRate', 'lostAnswerRate'] as const;

export function noFaults(): Faults {
  return { throttleRate: 0, serverErrorRate: 0, lostAnswerRate: 0 };
}

export interface FaultTarget {
  /** The operations faults apply to (e.g. the sends); the others pass untouched. */
  readonly operations: readonly string[];
  readonly faults: Faults;
  /** Told of each refusal made, by AWS error name (the emulator counts refusals). */
  readonly onRefusal?: (reason: 'InternalServerException' | 'ThrottlingException') => void;
  /** The chance source (tests pass a fixed one). */
  readonly random?: () => number;
}

/** The service with faults injected into the target operations. */
export function withFaults(service: JsonService, target: FaultTarget): JsonService {
  const random = target.random ?? Math.random;
  const wrap =
    (operation: JsonOperation): JsonOperation =>
    async (input) => {
      if (random() < target.faults.serverErrorRate) {
        target.onRefusal?.('InternalServerException');
        throw new AwsError('InternalServerException', 'injected fault', 500);
      }
      if (random() < target.faults.throttleRate) {
        target.onRefusal?.('ThrottlingException');
        throw new AwsError('ThrottlingException', 'rate exceeded for the origination identity', 400);
      }
      const answer = await operation(input);
      if (random() < target.faults.lostAnswerRate) throw new AnswerLost('the answer was lost');
      return answer;
    };
  const operations = Object.fromEntries(
    Object.entries(service.operations).map(([name, operation]) => [
      name,
      target.operations.includes(name) ? wrap(operation) : operation,
    ]),
  );
  return { ...service, operations };
}
