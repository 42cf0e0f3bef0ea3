/**
 * What every handler shares: the Powertools logger and the program config. `OPTLINE_CONFIG` is the
 * program config validated (and completed with defaults) by the zod schema at synth time, and
 * compiled into the bundle, so it is not parsed with the schema again at cold start: that would ship
 * the schema and the template engine it checks templates with in every function. The local runtime
 * sets the variable from the same validated config.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { RuntimeConfig } from '../../domain/runtime-config';

export const logger = new Logger({ serviceName: 'optline' });

let cached: { raw: string; config: RuntimeConfig } | undefined;

export function runtimeConfig(): RuntimeConfig {
  const raw = process.env.OPTLINE_CONFIG;
  if (!raw) throw new Error('OPTLINE_CONFIG is not set');
  if (cached?.raw === raw) return cached.config;
  const config = JSON.parse(raw) as RuntimeConfig;
  // A config that skipped validation (hand-built) fails here, at cold start, not mid-request.
  if (typeof config?.brand !== 'string' || !config.keywords || !config.flows || !config.sending) {
    throw new Error('OPTLINE_CONFIG is not a validated Optline program config');
  }
  cached = { raw, config };
  return config;
}

/** The origination country, used to read numbers written without a + prefix. */
export function phonePolicy(config: RuntimeConfig) {
  const allowedCountries = config.allowedCountries ?? ['US'];
  return { defaultCountry: allowedCountries[0] ?? 'US', allowedCountries };
}

export function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set`);
  return value;
}
