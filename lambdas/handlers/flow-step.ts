/** Step Functions task → a flow's step: a condition, a split or a text through send() (flow-compiler.ts). */
import * as z from '../domain/zod';
import { DynamoFlowStatsStore } from '../adapters/flow-stats-store';
import { DynamoLinkStore } from '../adapters/link-store';
import { DynamoActivityStore } from '../adapters/activity-store';
import { DynamoConsentLogStore } from '../adapters/consent-log-store';
import { DynamoMessageStore } from '../adapters/message-store';
import { DynamoProfileStore } from '../adapters/profile-store';
import { systemClock } from '../adapters/system-clock';
import { runDefinedStep, type StepDeps } from '../services/flows';
import { environmentOf } from '../../lib/function-environment';
import { preferencesUrlMaker } from './shared/preference-links';
import { runtimeConfig } from './shared/runtime';
import { eventHandler } from './shared/event-handler';
import { smsGateway } from './shared/sms';

const TaskSchema = z.object({
  action: z.literal('runStep'),
  flow: z.string(),
  step: z.string(),
  phone: z.string(),
  event: z.record(z.string(), z.unknown()),
  eventAt: z.string(),
  deadline: z.string(),
  executionName: z.string(),
  branches: z.optional(z.record(z.string(), z.object({ branch: z.int().check(z.gte(0)), name: z.string() }))),
});

const environment = environmentOf('flowStep');

let deps: StepDeps | undefined;
function dependencies(): StepDeps {
  const env = environment();
  deps ??= {
    clock: systemClock,
    config: runtimeConfig(),
    profiles: new DynamoProfileStore(env.profilesTable),
    messages: new DynamoMessageStore(env.messagesTable),
    gateway: smsGateway(env),
    ...(env.mms ? { contactCardUrl: `s3://${env.mediaBucket}/contact-card.vcf` } : {}),
    preferencesUrl: preferencesUrlMaker(env),
    shortLinks: { store: new DynamoLinkStore(env.linksTable), linkBase: env.linkBase },
    consentLog: new DynamoConsentLogStore(env.consentLogTable),
    activity: new DynamoActivityStore(env.activityTable),
    flowStats: new DynamoFlowStatsStore(env.flowStatsTable),
  };
  return deps;
}

async function step(event: unknown) {
  const task = TaskSchema.parse(event);
  return runDefinedStep({ ...dependencies(), definitions: dependencies().config.flows.definitions }, task);
}

export const handler = eventHandler(environment, step);
