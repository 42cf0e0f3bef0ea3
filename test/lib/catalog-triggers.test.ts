/** What triggers what, derived once in the catalog for CDK and the local runtime. */
import { describe, expect, it } from 'vitest';
import {
  consumerOf,
  functions,
  functionsTriggeredBy,
  httpRoutes,
  queues,
  queuesFedBy,
  type FunctionId,
  type QueueId,
} from '../../lib/catalog';

describe('catalog triggers', () => {
  it('names the inbound SMS subscribers', () => {
    expect(functionsTriggeredBy('inbound-sms')).toEqual(['inboundSms']);
  });

  it('gives each queue one consumer, a function triggered by that queue', () => {
    for (const queue of Object.keys(queues) as QueueId[]) {
      const consumer = consumerOf(queue);
      expect(consumer, queue).toBeDefined();
      expect(functions[consumer!].trigger, queue).toEqual({ kind: 'queue', queue });
    }
    expect(consumerOf('campaignSends')).toBe('campaignSender');
  });

  it('feeds the delivery-events queue from the configuration set’s topic', () => {
    expect(queuesFedBy('delivery-events')).toEqual(['deliveryEvents']);
  });

  it('lists every HTTP route once, with its function', () => {
    const routes = httpRoutes();
    const keys = routes.map(({ route }) => `${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(routes).toContainEqual({
      functionId: 'linkRedirect' satisfies FunctionId,
      route: { method: 'GET', path: '/r/{code}', auth: 'public' },
    });
    const httpFunctions = new Set(routes.map((r) => r.functionId));
    expect([...httpFunctions].sort()).toEqual(functionsTriggeredBy('http').sort());
  });
});
