/**
 * End User Messaging SMS (pinpoint-sms-voice-v2): the only place Optline talks to carriers.
 */
import {
  PinpointSMSVoiceV2ServiceException,
  ConflictException,
  DeleteOptedOutNumberCommand,
  PutOptedOutNumberCommand,
  ResourceNotFoundException,
  SendMediaMessageCommand,
  SendTextMessageCommand,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-pinpoint-sms-voice-v2';
import { smsClient, smsClientWithoutRetries } from './aws-clients';
import {
  OptedOutAtCarrierError,
  SmsOutcomeUnknownError,
  SmsThrottledError,
  SmsUnavailableError,
} from '../domain/sms-errors';
import type { CurrentIdentityCache } from './number-change-store';
import type { OutboundSms, SmsGateway } from '../domain/ports/sms-gateway';

export interface SmsGatewaySettings {
  /** The deployment's origination identity, used until a number change makes another current. */
  readonly originationIdentity: string;
  readonly configurationSetName: string;
  /** For the opt-out list operations; a gateway that only sends needs none. */
  readonly optOutListName?: string;
  /** After a number change, the identity the change made current (else the configured one). */
  readonly currentIdentity?: CurrentIdentityCache;
}

export class EndUserMessagingGateway implements SmsGateway {
  constructor(private readonly settings: SmsGatewaySettings) {}

  private get optOutListName(): string {
    if (!this.settings.optOutListName) throw new Error('this gateway has no opt-out list');
    return this.settings.optOutListName;
  }

  async send(message: OutboundSms): Promise<{ awsMessageId: string }> {
    const common = {
      DestinationPhoneNumber: message.to,
      OriginationIdentity:
        message.originationIdentity ??
        (await this.settings.currentIdentity?.get())?.identity ??
        this.settings.originationIdentity,
      MessageBody: message.body,
      ConfigurationSetName: this.settings.configurationSetName,
      Context: message.context,
      ...(message.maxPrice ? { MaxPrice: message.maxPrice } : {}),
      ...(message.timeToLive ? { TimeToLive: message.timeToLive } : {}),
    };
    const client = message.callerRetries ? smsClientWithoutRetries() : smsClient();
    try {
      const result =
        message.mediaUrls && message.mediaUrls.length > 0
          ? await client.send(new SendMediaMessageCommand({ ...common, MediaUrls: [...message.mediaUrls] }))
          : await client.send(new SendTextMessageCommand({ ...common, MessageType: message.messageType }));
      if (!result.MessageId) throw new Error('End User Messaging returned no MessageId');
      return { awsMessageId: result.MessageId };
    } catch (error) {
      if (error instanceof ConflictException && error.Reason === 'DESTINATION_PHONE_NUMBER_OPTED_OUT') {
        throw new OptedOutAtCarrierError(error.message);
      }
      if (error instanceof ThrottlingException) throw new SmsThrottledError(error.message);
      if (error instanceof PinpointSMSVoiceV2ServiceException && error.$fault === 'server') {
        throw new SmsUnavailableError(`${error.name}: ${error.message}`);
      }
      // No answer at all (a reset or timed-out connection): the text may have gone.
      if (!(error instanceof PinpointSMSVoiceV2ServiceException)) {
        throw new SmsOutcomeUnknownError(`${(error as Error).name}: ${(error as Error).message}`, {
          cause: error,
        });
      }
      throw error;
    }
  }

  async putOptedOut(phone: string): Promise<void> {
    await smsClient().send(
      new PutOptedOutNumberCommand({ OptOutListName: this.optOutListName, OptedOutNumber: phone }),
    );
  }

  async deleteOptedOut(phone: string): Promise<'removed' | 'not_listed' | 'refused'> {
    try {
      await smsClient().send(
        new DeleteOptedOutNumberCommand({
          OptOutListName: this.optOutListName,
          OptedOutNumber: phone,
        }),
      );
      return 'removed';
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return 'not_listed';
      if (error instanceof ValidationException || error instanceof ConflictException) return 'refused';
      throw error;
    }
  }
}
