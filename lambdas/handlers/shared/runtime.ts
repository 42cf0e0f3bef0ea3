/**
 * What every handler shares: the Powertools logger, the program config and the check of its
 * environment. The program config is the one validated (and completed with defaults) by the zod
 * schema at synth time and compiled into the bundle (lib/function-environment.ts,
 * `programConfigText`), so it is not parsed with the schema again at cold start: that would ship the
 * schema and the template engine it checks templates with in every function. The local runtime
 * gives each function the same validated config.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { MiddlewareObj } from '@middy/core';
import { programConfigText } from '../../../lib/function-environment';
import type { RuntimeConfig } from '../../domain/runtime-config';

export const logger = new Logger({ serviceName: 'optline' });

let cached: { raw: string; config: RuntimeConfig } | undefined;

export function runtimeConfig(): RuntimeConfig {
  const raw = programConfigText();
  if (!raw) throw new Error('The program config is not set');
  if (cached?.raw === raw) return cached.config;
  const config = JSON.parse(raw) as RuntimeConfig;
  // A config that skipped validation (hand-built) fails here, at cold start, not mid-request.
  if (typeof config?.brand !== 'string' || !config.keywords || !config.flows || !config.sending) {
    throw new Error('The program config is not a validated Optline program config');
  }
  cached = { raw, config };
  return config;
}

/** The origination country, used to read numbers written without a + prefix. */
export function phonePolicy(config: RuntimeConfig) {
  const allowedCountries = config.allowedCountries ?? ['US'];
  return { defaultCountry: allowedCountries[0] ?? 'US', allowedCountries };
}

/**
 * Middy middleware, first in every handler: the function's environment is validated before its first
 * invocation does any work (`environmentOf` keeps it), so a missing variable fails the cold start
 * with its name instead of a later call with an undefined table.
 */
export function validatesEnvironment(environment: () => unknown): MiddlewareObj {
  return {
    before: () => {
      environment();
    },
  };
}
