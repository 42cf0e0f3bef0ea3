/**
 * Whether this process traces: in Lambda, unless Powertools' trace switch is "false" (Powertools' own
 * rule). Imported by tracer.ts before the tracer, for a side effect: the X-Ray SDK, in its default
 * automatic mode, installs async hooks as it loads, which slow every promise of the process. Where
 * tracing is off (outside Lambda, or switched off) this sets its manual mode first, which leaves them
 * out.
 */
import { PLATFORM_VARIABLES } from '../../lib/function-environment';

export function tracingOn(env: NodeJS.ProcessEnv = process.env): boolean {
  return (
    (env[PLATFORM_VARIABLES.traceEnabled] ?? '').toLowerCase() !== 'false' &&
    Boolean(env[PLATFORM_VARIABLES.executionEnv])
  );
}

if (!tracingOn()) process.env[PLATFORM_VARIABLES.xrayManualMode] ??= 'true';
