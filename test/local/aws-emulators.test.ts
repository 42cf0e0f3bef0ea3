import {
  ConflictException,
  DeleteOptedOutNumberCommand,
  DescribeOptedOutNumbersCommand,
  PinpointSMSVoiceV2Client,
  PutOptedOutNumberCommand,
  ResourceNotFoundException,
  SendTextMessageCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  GetScheduleCommand,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestRuntime, type TestRuntime } from '../support/local-runtime';

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

describe('local AWS endpoint', () => {
  let runtime: TestRuntime;
  let sms: PinpointSMSVoiceV2Client;
  let identity: string;
  const list = () => runtime.environmentOf('inboundSms').optOutList;

  beforeAll(async () => {
    runtime = await startTestRuntime({ clockStart: new Date('2026-03-01T15:00:00Z') });
    sms = new PinpointSMSVoiceV2Client({
      endpoint: runtime.aws.url,
      region: 'us-east-1',
      credentials,
      maxAttempts: 1,
    });
    identity = runtime.environmentOf('inboundSms').originationIdentity;
  });
  afterAll(async () => {
    sms.destroy();
    await runtime.stop();
  });

  describe('End User Messaging', () => {
    it('delivers a text to the outbox with the origination number and message type', async () => {
      const result = await sms.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: '+12065550111',
          OriginationIdentity: identity,
          MessageBody: 'Acme Coffee: hello',
          MessageType: 'PROMOTIONAL',
          ConfigurationSetName: runtime.environmentOf('inboundSms').configurationSet,
        }),
      );
      const outbox = await runtime.outbox('+12065550111');
      expect(result.MessageId).toBeTruthy();
      expect(outbox).toEqual([
        expect.objectContaining({
          body: 'Acme Coffee: hello',
          messageType: 'PROMOTIONAL',
          from: runtime.originationNumber,
        }),
      ]);
    });

    it('refuses a send to a number on the opt-out list the way AWS does', async () => {
      await sms.send(
        new PutOptedOutNumberCommand({ OptOutListName: list(), OptedOutNumber: '+12065550112' }),
      );
      const attempt = sms.send(
        new SendTextMessageCommand({
          DestinationPhoneNumber: '+12065550112',
          OriginationIdentity: identity,
          MessageBody: 'hi',
        }),
      );
      await expect(attempt).rejects.toBeInstanceOf(ConflictException);
      await expect(attempt).rejects.toMatchObject({ Reason: 'DESTINATION_PHONE_NUMBER_OPTED_OUT' });
      expect(await runtime.outbox('+12065550112')).toEqual([]);
    });

    it('lists opted-out numbers and removes one at most once per 30 days', async () => {
      const phone = '+12065550113';
      await sms.send(new PutOptedOutNumberCommand({ OptOutListName: list(), OptedOutNumber: phone }));
      const described = await sms.send(
        new DescribeOptedOutNumbersCommand({ OptOutListName: list(), OptedOutNumbers: [phone] }),
      );
      expect(described.OptedOutNumbers?.map((n) => n.OptedOutNumber)).toEqual([phone]);

      await sms.send(new DeleteOptedOutNumberCommand({ OptOutListName: list(), OptedOutNumber: phone }));
      await sms.send(new PutOptedOutNumberCommand({ OptOutListName: list(), OptedOutNumber: phone }));
      await expect(
        sms.send(new DeleteOptedOutNumberCommand({ OptOutListName: list(), OptedOutNumber: phone })),
      ).rejects.toBeInstanceOf(ValidationException);

      runtime.clock.advance(31 * 24 * 3600 * 1000);
      await expect(
        sms.send(new DeleteOptedOutNumberCommand({ OptOutListName: list(), OptedOutNumber: phone })),
      ).resolves.toBeTruthy();
      await expect(
        sms.send(new DeleteOptedOutNumberCommand({ OptOutListName: list(), OptedOutNumber: phone })),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    });

    it('answers ThrottlingException above the messages-per-second limit', async () => {
      runtime.sms.setMessagesPerSecond(2);
      const sends = Array.from({ length: 6 }, (_, i) =>
        sms.send(
          new SendTextMessageCommand({
            DestinationPhoneNumber: `+1206555012${i}`,
            OriginationIdentity: identity,
            MessageBody: 'x',
          }),
        ),
      );
      const results = await Promise.allSettled(sends);
      runtime.sms.setMessagesPerSecond(1000);
      const throttled = results.filter(
        (r) => r.status === 'rejected' && r.reason instanceof ThrottlingException,
      );
      expect(results.filter((r) => r.status === 'fulfilled').length).toBeLessThanOrEqual(2);
      expect(throttled.length).toBeGreaterThanOrEqual(4);
    });

    it('refuses an unknown origination identity', async () => {
      await expect(
        sms.send(
          new SendTextMessageCommand({
            DestinationPhoneNumber: '+12065550130',
            OriginationIdentity: 'phone-unknown',
            MessageBody: 'x',
          }),
        ),
      ).rejects.toBeInstanceOf(ResourceNotFoundException);
    });
  });

  describe('EventBridge', () => {
    it('keeps events put on the optline bus and reports entries put on an unknown bus as failed', async () => {
      const events = new EventBridgeClient({ endpoint: runtime.aws.url, region: 'us-east-1', credentials });
      const result = await events.send(
        new PutEventsCommand({
          Entries: [
            {
              EventBusName: runtime.environmentOf('inboundSms').eventBus,
              Source: 'optline',
              DetailType: 'TestHappened',
              Detail: '{"eventId":"e1"}',
            },
            { EventBusName: 'elsewhere', Source: 'optline', DetailType: 'TestHappened', Detail: '{}' },
          ],
        }),
      );
      events.destroy();
      expect(result.FailedEntryCount).toBe(1);
      const stored = await runtime.get<{ events: { detail: { eventId: string } }[] }>(
        '/_local/events?type=TestHappened',
      );
      expect(stored.body.events.map((e) => e.detail.eventId)).toEqual(['e1']);
    });
  });

  describe('Scheduler', () => {
    it('fires a one-time schedule when the virtual clock reaches it, in the schedule time zone', async () => {
      const scheduler = new SchedulerClient({ endpoint: runtime.aws.url, region: 'us-east-1', credentials });
      const fireAt = new Date(runtime.clock.now().getTime() + 2 * 3600 * 1000);
      const local = fireAt.toLocaleString('sv-SE', { timeZone: 'America/Chicago' }).replace(' ', 'T');
      await scheduler.send(
        new CreateScheduleCommand({
          Name: 'test-once',
          ScheduleExpression: `at(${local})`,
          ScheduleExpressionTimezone: 'America/Chicago',
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: {
            Arn: runtime.lambdas.arnOf('inboundSms'),
            RoleArn: 'arn:aws:iam::000000000000:role/local',
            Input: '{"Records":[]}',
          },
        }),
      );
      const record = runtime.scheduler.schedules.get('default/test-once');
      expect(Math.abs((record?.dueAt.getTime() ?? 0) - fireAt.getTime())).toBeLessThan(1000);

      await runtime.scheduler.settle();
      expect(record?.state).toBe('ENABLED');
      runtime.clock.advance(2 * 3600 * 1000 + 1000);
      await runtime.scheduler.settle();
      expect(record?.state).toBe('COMPLETED');

      await scheduler.send(new DeleteScheduleCommand({ Name: 'test-once' }));
      await expect(scheduler.send(new GetScheduleCommand({ Name: 'test-once' }))).rejects.toMatchObject({
        name: 'ResourceNotFoundException',
      });
      scheduler.destroy();
    });
  });
});
