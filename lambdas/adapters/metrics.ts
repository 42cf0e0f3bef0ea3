/**
 * Business metrics (CloudWatch embedded metric format through Powertools Metrics, namespace
 * `Optline`): counted in memory during an invocation and flushed once at its end, one EMF record per
 * metric and dimension value, so a 500-recipient batch writes a handful of log lines, not 500.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { PLATFORM_VARIABLES } from '../../lib/function-environment';

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

const metrics = new Metrics({
  namespace: process.env[PLATFORM_VARIABLES.metricsNamespace] ?? 'Optline',
  serviceName: 'optline',
});
const counts = new Map<string, { name: MetricName; dimension?: [string, string]; value: number }>();

/** Counts one occurrence (with at most one dimension, e.g. `Reason: smart_sending`). */
export function countMetric(name: MetricName, dimension?: [string, string], value = 1): void {
  const key = `${name}#${dimension?.join('=') ?? ''}`;
  const entry = counts.get(key) ?? { name, ...(dimension ? { dimension } : {}), value: 0 };
  entry.value += value;
  counts.set(key, entry);
}

/** Emits everything counted so far (called at the end of each invocation). */
export function flushMetrics(): void {
  for (const entry of counts.values()) {
    const single = metrics.singleMetric();
    if (entry.dimension) single.addDimension(entry.dimension[0], entry.dimension[1]);
    single.addMetric(entry.name, MetricUnit.Count, entry.value);
  }
  counts.clear();
}

/** Middy middleware: flush after the handler, whether it succeeded or failed. */
export function metricsFlusher() {
  return { after: flushMetrics, onError: flushMetrics };
}
