/**
 * Config checks that do not stop a deployment but that counsel would want to hear about: they come out
 * as `cdk synth` warnings naming the config field (docs/send-policy.md#texas-registration).
 */
import type { DeploymentConfig } from './config';

export interface ComplianceWarning {
  readonly code: string;
  readonly field: string;
  readonly message: string;
}

export function complianceWarnings(config: DeploymentConfig): ComplianceWarning[] {
  const warnings: ComplianceWarning[] = [];
  const countries = config.program.allowedCountries ?? [config.origination.isoCountryCode];
  const textsUs = countries.includes('US') || countries.includes('*');
  // Texas SB 140 (89th Leg., in force 2025-09-01) makes marketing texts to Texas numbers telephone
  // solicitations under Tex. Bus. & Com. Code ch. 302, which needs a registration certificate.
  if (textsUs && config.compliance.texasRegistration?.registered !== true) {
    warnings.push({
      code: 'texas-registration',
      field: 'optline.compliance.texasRegistration',
      message:
        'the program may text marketing to Texas numbers, which needs a telephone solicitation registration ' +
        'with the Texas Secretary of State (SB 140, in force 2025-09-01); set ' +
        '{ "registered": true, "certificate": "…" } once registered, or leave US out of allowedCountries',
    });
  }
  return warnings;
}
