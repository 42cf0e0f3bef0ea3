/**
 * Each function's own environment in the local Lambda host: while its code runs, `process.env` holds
 * its variables and no other function's; and every handler checks its environment before its first
 * invocation does any work.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { functions, type FunctionId } from '../../lib/catalog';
import { environmentFor, type DeploymentValues } from '../../lib/function-environment';
import { FunctionEnvironments } from '../../local/function-environments';
import { LambdaHost } from '../../local/lambda-host';
import { ROOT } from '../support/root';

const values = new Proxy({} as DeploymentValues, {
  get: (_target, key: string) =>
    key === 'messagesPerSecond'
      ? '5'
      : key === 'mms'
        ? 'false'
        : key === 'linkBase'
          ? 'https://l.example'
          : `v-${key}`,
});

describe('function environments', () => {
  const environments = new FunctionEnvironments();
  afterEach(() => environments.uninstall());

  it('shows each function its own variables, across awaits, while the other runs', async () => {
    environments.install();
    environments.set('inboundSms', { PROFILES_TABLE: 'profiles', AWS_ACCESS_KEY_ID: 'local-inboundSms' });
    environments.set('flowStarter', {
      STATE_MACHINE_ARN_WELCOME: 'welcome',
      AWS_ACCESS_KEY_ID: 'local-flowStarter',
    });
    const seen = (id: FunctionId) =>
      environments.run(id, async () => {
        const before = { ...process.env };
        await new Promise((resolve) => setTimeout(resolve, 10));
        return {
          before,
          after: { key: process.env.AWS_ACCESS_KEY_ID, profiles: process.env.PROFILES_TABLE },
        };
      });
    const [inbound, starter] = await Promise.all([seen('inboundSms'), seen('flowStarter')]);
    expect(inbound.after).toEqual({ key: 'local-inboundSms', profiles: 'profiles' });
    expect(starter.after).toEqual({ key: 'local-flowStarter', profiles: undefined });
    expect(starter.before).toHaveProperty('STATE_MACHINE_ARN_WELCOME', 'welcome');
    expect(starter.before).not.toHaveProperty('PROFILES_TABLE');
    // The process's other variables pass through.
    expect(inbound.before.PATH).toBe(process.env.PATH);
  });

  it('hides the process’s own contract and platform variables from a function that was not given them', () => {
    process.env.PROFILES_TABLE = 'from-the-shell';
    process.env.AWS_REGION = 'eu-north-1';
    try {
      environments.install();
      environments.set('flowStarter', {});
      expect(environments.run('flowStarter', () => process.env.PROFILES_TABLE)).toBeUndefined();
      expect(environments.run('flowStarter', () => 'AWS_REGION' in process.env)).toBe(false);
      expect(process.env.PROFILES_TABLE).toBe('from-the-shell');
      expect(process.env.AWS_REGION).toBe('eu-north-1');
    } finally {
      delete process.env.PROFILES_TABLE;
      delete process.env.AWS_REGION;
    }
  });

  it("shows a function its own variables while another runtime's environments are installed too", () => {
    const later = new FunctionEnvironments();
    environments.install();
    environments.set('inboundSms', { PROFILES_TABLE: 'first' });
    later.install();
    try {
      later.set('inboundSms', { PROFILES_TABLE: 'second' });
      expect(environments.run('inboundSms', () => process.env.PROFILES_TABLE)).toBe('first');
      expect(later.run('inboundSms', () => process.env.PROFILES_TABLE)).toBe('second');
      expect(process.env.PROFILES_TABLE).toBeUndefined();
    } finally {
      later.uninstall();
    }
  });

  it('keeps what a function writes in its own environment', () => {
    environments.install();
    environments.set('inboundSms', {});
    environments.run('inboundSms', () => {
      process.env.WRITTEN_BY_INBOUND = 'yes';
    });
    expect(environments.run('inboundSms', () => process.env.WRITTEN_BY_INBOUND)).toBe('yes');
    expect(process.env.WRITTEN_BY_INBOUND).toBeUndefined();
  });
});

describe('every handler checks its environment at cold start', () => {
  const host = new LambdaHost(ROOT, 'optline-test');
  afterEach(() => host.environments.uninstall());

  const withVariables = (Object.keys(functions) as FunctionId[]).filter(
    (id) => Object.keys(environmentFor(id, values)).length > 0,
  );

  it('leaves only functions that read no deployment setting out', () => {
    // The API description serves a document compiled into its bundle: it reads nothing.
    expect((Object.keys(functions) as FunctionId[]).filter((id) => !withVariables.includes(id))).toEqual([
      'apiDescription',
    ]);
  });

  it.each(withVariables)('%s fails naming a variable it lacks', async (id) => {
    const variables = environmentFor(id, values);
    const [missing] = Object.keys(variables);
    delete variables[missing!];
    host.environments.install();
    host.environments.set(id, variables);
    await expect(host.invoke(id, {})).rejects.toThrow(`${missing} is not set`);
  });
});
