/**
 * The environment contract: what each function's catalog entry gives it, and the check every
 * handler makes of it at cold start.
 */
import { describe, expect, it } from 'vitest';
import { functions, type FunctionId } from '../../lib/catalog';
import {
  environmentFor,
  environmentKeys,
  EnvironmentError,
  readEnvironment,
  VARIABLE_NAMES,
  type DeploymentValues,
} from '../../lib/function-environment';

/** A value for every key a deployment sets, each naming its key. */
const values = new Proxy({} as DeploymentValues, {
  get: (_target, key: string) =>
    key === 'messagesPerSecond'
      ? '25'
      : key === 'mms'
        ? 'true'
        : key === 'linkBase'
          ? 'https://l.example'
          : `v-${key}`,
});

describe('a function’s environment', () => {
  it('holds the name of every table its catalog entry uses, and no other table', () => {
    for (const id of Object.keys(functions) as FunctionId[]) {
      const names = Object.keys(environmentFor(id, values));
      const tableNames = Object.entries(VARIABLE_NAMES)
        .filter(([key]) => key.endsWith('Table'))
        .map(([, name]) => name);
      const expected = Object.keys(functions[id].tables).map(
        (table) => VARIABLE_NAMES[`${table}Table` as keyof typeof VARIABLE_NAMES],
      );
      expect(names.filter((name) => tableNames.includes(name)).sort(), id).toEqual(expected.sort());
    }
  });

  it('gives the flow starter the flows’ state machines and nothing to send with', () => {
    expect(environmentFor('flowStarter', values)).toEqual({
      // The defined flows' machines, by their ARN up to the flow's id.
      DEFINED_FLOW_ARN_PREFIX: 'v-definedFlowArnPrefix',
    });
  });

  it('gives a sender its identity and configuration set, and the opt-out list only to those that manage it', () => {
    expect(environmentFor('flowStep', values)).toMatchObject({
      ORIGINATION_IDENTITY: 'v-originationIdentity',
      CONFIGURATION_SET_NAME: 'v-configurationSet',
    });
    expect(environmentFor('flowStep', values)).not.toHaveProperty('OPT_OUT_LIST_NAME');
    expect(environmentFor('inboundSms', values)).toHaveProperty('OPT_OUT_LIST_NAME', 'v-optOutList');
  });

  it('gives schedulers the dispatcher’s ARN, except the dispatcher, which schedules itself', () => {
    expect(environmentFor('campaignsApi', values)).toHaveProperty(
      'DISPATCHER_FUNCTION_ARN',
      'v-campaignDispatcherFunctionArn',
    );
    expect(environmentFor('campaignDispatcher', values)).not.toHaveProperty('DISPATCHER_FUNCTION_ARN');
    expect(environmentFor('campaignDispatcher', values)).toMatchObject({
      SCHEDULER_ROLE_ARN: 'v-schedulerRole',
      SCHEDULE_GROUP: 'v-scheduleGroup',
      SCHEDULER_DLQ_ARN: 'v-schedulerDeadLetterQueue',
    });
  });

  it('leaves the operator’s switch unset', () => {
    for (const id of Object.keys(functions) as FunctionId[]) {
      expect(environmentKeys(id), id).toContain('logPii');
      expect(environmentFor(id, values), id).not.toHaveProperty('OPTLINE_LOG_PII');
    }
  });
});

describe('the check at cold start', () => {
  const full = (id: FunctionId) => environmentFor(id, values);

  it('returns the values by key, converted', () => {
    const environment = readEnvironment('campaignSender', full('campaignSender'));
    expect(environment).toMatchObject({
      campaignsTable: 'v-campaignsTable',
      campaignSendsQueueUrl: 'v-campaignSendsQueueUrl',
      messagesPerSecond: 25,
      mms: true,
      linkBase: 'https://l.example',
      logPii: false,
    });
    expect(readEnvironment('inboundSms', { ...full('inboundSms'), OPTLINE_LOG_PII: 'true' }).logPii).toBe(
      true,
    );
  });

  it('fails naming every missing variable', () => {
    const { PROFILES_TABLE: _profiles, EVENT_BUS_NAME: _bus, ...rest } = full('inboundSms');
    expect(() => readEnvironment('inboundSms', rest)).toThrow(EnvironmentError);
    expect(() => readEnvironment('inboundSms', rest)).toThrow(
      'Environment of inboundSms: PROFILES_TABLE is not set; EVENT_BUS_NAME is not set',
    );
  });

  it('fails naming a variable whose value is not what it must be', () => {
    expect(() =>
      readEnvironment('campaignSender', { ...full('campaignSender'), ORIGINATION_MPS: 'fast' }),
    ).toThrow(/ORIGINATION_MPS is invalid/);
    expect(() => readEnvironment('flowStep', { ...full('flowStep'), ORIGINATION_MMS: 'maybe' })).toThrow(
      /ORIGINATION_MMS is invalid/,
    );
  });

  it('ignores variables the function was not given', () => {
    const environment = readEnvironment('flowStarter', { ...full('flowStarter'), PROFILES_TABLE: 'x' });
    expect(environment).not.toHaveProperty('profilesTable');
  });
});
