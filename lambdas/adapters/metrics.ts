/**
 * Business metrics (CloudWatch embedded metric format through Powertools Metrics, namespace
 * `Optline`): counted in memory during an invocation (lambdas/domain/metric-counts.ts) and flushed
 * once at its end, one EMF record per metric and dimension value, so a 500-recipient batch writes a
 * handful of log lines, not 500.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { PLATFORM_VARIABLES } from '../../lib/function-environment';
import { takeMeasurements, takeMetricCounts } from '../domain/metric-counts';

const metrics = new Metrics({
  namespace: process.env[PLATFORM_VARIABLES.metricsNamespace] ?? 'Optline',
  serviceName: 'optline',
});

/** Emits everything counted so far (called at the end of each invocation). */
export function flushMetrics(): void {
  for (const entry of takeMetricCounts()) {
    const single = metrics.singleMetric();
    if (entry.dimension) single.addDimension(entry.dimension[0], entry.dimension[1]);
    single.addMetric(entry.name, MetricUnit.Count, entry.value);
  }
  for (const entry of takeMeasurements())
    metrics.singleMetric().addMetric(entry.name, MetricUnit.Seconds, entry.seconds);
}

/** Middy middleware: flush after the handler, whether it succeeded or failed. */
export function metricsFlusher() {
  return { after: flushMetrics, onError: flushMetrics };
}
