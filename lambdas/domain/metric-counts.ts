/**
 * Business metrics as the use cases count them: tallied in memory during an invocation, by name and
 * at most one dimension. The metrics adapter takes the tally at the invocation's end and emits it
 * (lambdas/adapters/metrics.ts), so services count without importing the metrics library.
 */

export type MetricName =
  | 'MessagesSent'
  | 'MessagesSkipped'
  | 'MessagesDelivered'
  | 'MessagesFailed'
  | 'OptOuts'
  | 'KeywordHits'
  | 'InboundMessages'
  /** Unconfirmed claims of a dead sender taken over and sent (see `send()`). */
  | 'ClaimsResent';

export interface MetricCount {
  readonly name: MetricName;
  readonly dimension?: readonly [string, string];
  readonly value: number;
}

const counts = new Map<string, { name: MetricName; dimension?: [string, string]; value: number }>();

/** Counts one occurrence (with at most one dimension, e.g. `Reason: smart_sending`). */
export function countMetric(name: MetricName, dimension?: [string, string], value = 1): void {
  const key = `${name}#${dimension?.join('=') ?? ''}`;
  const entry = counts.get(key) ?? { name, ...(dimension ? { dimension } : {}), value: 0 };
  entry.value += value;
  counts.set(key, entry);
}

/** Everything counted since the last call, which starts a new tally. */
export function takeMetricCounts(): MetricCount[] {
  const taken = [...counts.values()];
  counts.clear();
  return taken;
}

/** Metrics that are measured, not counted: each value is kept (a maximum or percentile means something). */
export type MeasureName =
  /** Seconds from a revocation's receipt (a call, an email) to its record (`POST /v1/opt-outs`). */
  'OptOutRecordingSeconds';

export interface Measurement {
  readonly name: MeasureName;
  readonly seconds: number;
}

const measurements: Measurement[] = [];

/** Keeps one measured duration, in seconds, for the end of the invocation. */
export function measureSeconds(name: MeasureName, seconds: number): void {
  measurements.push({ name, seconds });
}

/** Every measurement since the last call. */
export function takeMeasurements(): Measurement[] {
  return measurements.splice(0, measurements.length);
}
