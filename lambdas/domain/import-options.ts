/**
 * The options of an import, as `npx optline import` takes them (`--map target=column`, the three
 * value lists, `--accept-undated-consent`) and as `POST /v1/imports` takes them in its body: one
 * reading of both, so an uploaded file is read exactly as the command would read it.
 */
import {
  DEFAULT_CONSENT_VALUES,
  mappingSpecOf,
  PRESETS,
  type ConsentValues,
  type ImportSource,
  type MappingSpec,
} from './import-sources';

export interface ImportOptions {
  /** `target=column` pairs (`--map`, repeatable). */
  readonly map?: readonly string[];
  /** Comma-separated values that mean consent (`--consent-values`), replacing the defaults. */
  readonly consentValues?: string;
  /** Comma-separated values that mean no consent (`--no-consent-values`). */
  readonly noConsentValues?: string;
  /** Comma-separated values that mean an opt-out (`--opt-out-values`). */
  readonly optOutValues?: string;
}

/** Options that cannot be read; `option` names it as the command does (`--map`). */
export class ImportOptionsError extends Error {
  override readonly name = 'ImportOptionsError';
  constructor(
    message: string,
    readonly option: 'map' | 'consentValues' | 'noConsentValues' | 'optOutValues',
  ) {
    super(message);
  }
}

function listOf(value: string | undefined, fallback: readonly string[]): readonly string[] {
  return value === undefined ? fallback : value.split(',').map((v) => v.trim().toLowerCase());
}

/**
 * The column mapping of a CSV source: the preset's, with `map` overriding its targets, or for
 * `csv` the mapping alone (which must name the phone column). Pinpoint and opt-out lists have none.
 */
export function mappingOf(source: ImportSource, options: ImportOptions): MappingSpec | undefined {
  if (source === 'pinpoint' || source === 'eum-opt-outs') return undefined;
  const pairs: Record<string, string> = {};
  for (const pair of options.map ?? []) {
    const match = /^([^=]+)=(.+)$/.exec(pair);
    if (!match) throw new ImportOptionsError(`--map ${pair}: expected <target>=<column>`, 'map');
    pairs[match[1]!.trim()] = match[2]!.trim();
  }
  const preset = source === 'csv' ? undefined : PRESETS[source];
  if (!preset && pairs.phone === undefined)
    throw new ImportOptionsError('--from csv needs --map phone=<column>', 'map');
  const base = preset?.values ?? DEFAULT_CONSENT_VALUES;
  const consentValues: ConsentValues = {
    consent: listOf(options.consentValues, base.consent),
    noConsent: listOf(options.noConsentValues, base.noConsent),
    optedOut: listOf(options.optOutValues, base.optedOut),
  };
  const mapped = mappingSpecOf(pairs, consentValues);
  if (!preset) return mapped;
  // The user's --map overrides a preset's target; the preset tries its spellings for the rest.
  return {
    fields: { ...preset.fields, ...mapped.fields },
    properties: { ...preset.properties, ...mapped.properties },
    values: consentValues,
  };
}
