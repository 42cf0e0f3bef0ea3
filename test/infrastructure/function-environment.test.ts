/**
 * CDK sets each function's environment from the contract (lib/function-environment.ts): exactly the
 * variables its catalog entry gives it, besides the Powertools settings.
 */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functions, type FunctionId } from '../../lib/catalog';
import { pascal } from '../../lib/constructs/data-tables';
import { environmentFor, powertoolsSettings, type DeploymentValues } from '../../lib/function-environment';
import { resourcesOfType, sharedSynthesis } from '../support/template';

const anyValues = new Proxy({} as DeploymentValues, { get: () => 'x' });

describe('function environments in the template', () => {
  let template: Template;
  beforeAll(async () => {
    ({ template } = await sharedSynthesis());
  }, 300_000);

  it('gives each function exactly the variables its catalog entry gives it', () => {
    const lambdas = resourcesOfType(template, 'AWS::Lambda::Function');
    for (const id of Object.keys(functions) as FunctionId[]) {
      const found = lambdas.filter(([logicalId]) =>
        new RegExp(`^Functions${pascal(id)}[0-9A-F]{8}$`).test(logicalId),
      );
      expect(found, id).toHaveLength(1);
      const variables = (found[0]?.[1].Properties?.Environment as { Variables: Record<string, unknown> })
        .Variables;
      const expected = [
        ...Object.keys(powertoolsSettings(id, 'INFO')),
        ...Object.keys(environmentFor(id, anyValues)),
      ];
      expect(Object.keys(variables).sort(), id).toEqual(expected.sort());
    }
  });
});
