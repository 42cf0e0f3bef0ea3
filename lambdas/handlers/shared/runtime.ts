/**
 * What every handler shares: the Powertools logger, the validated program config and the clock.
 * `OPTLINE_CONFIG` is the program config validated at synth time; it is checked again here so a
 * hand-edited environment fails at cold start with a clear message rather than mid-request.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { RuntimeConfigSchema, type RuntimeConfig } from '../../domain/runtime-config';

export const logger = new Logger({ serviceName: 'optline' });

let cached: { raw: string; config: RuntimeConfig } | undefined;

export function runtimeConfig(): RuntimeConfig {
  const raw = process.env.OPTLINE_CONFIG;
  if (!raw) throw new Error('OPTLINE_CONFIG is not set');
  if (cached?.raw === raw) return cached.config;
  const parsed = RuntimeConfigSchema.safeParse(JSON.parse(raw));
  if (!parsed.success) {
    throw new Error(
      `OPTLINE_CONFIG is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  cached = { raw, config: parsed.data };
  return parsed.data;
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
