/**
 * Whether this process traces: in Lambda, unless POWERTOOLS_TRACE_ENABLED is "false" (Powertools' own
 * rule). Imported by tracer.ts before the tracer, for a side effect: the X-Ray SDK, in its default
 * automatic mode, installs async hooks as it loads, which slow every promise of the process. Where
 * tracing is off (the local runtime, the tests) this sets its manual mode first, which leaves them out.
 */
export function tracingOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.POWERTOOLS_TRACE_ENABLED ?? '').toLowerCase() !== 'false' && Boolean(env.AWS_EXECUTION_ENV);
}

if (!tracingOn()) process.env.AWS_XRAY_MANUAL_MODE ??= 'true';
