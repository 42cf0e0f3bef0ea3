/** The End User Messaging gateway of a sending function, from its environment. */
import { CurrentIdentityCache, DynamoNumberChangeStore } from '../../adapters/number-change-store';
import { EndUserMessagingGateway } from '../../adapters/sms-gateway';

export interface SendingEnvironment {
  readonly originationIdentity: string;
  readonly configurationSet: string;
  readonly optOutList?: string;
  /** Where a number change records the identity it made current. */
  readonly numberChangesTable: string;
}

/** The identity in use now (after a number change), read at most once a minute. */
export function currentIdentityCache(environment: SendingEnvironment): CurrentIdentityCache {
  return new CurrentIdentityCache(new DynamoNumberChangeStore(environment.numberChangesTable));
}

export function smsGateway(
  environment: SendingEnvironment,
  currentIdentity = currentIdentityCache(environment),
): EndUserMessagingGateway {
  return new EndUserMessagingGateway({
    originationIdentity: environment.originationIdentity,
    configurationSetName: environment.configurationSet,
    ...(environment.optOutList ? { optOutListName: environment.optOutList } : {}),
    currentIdentity,
  });
}
