/**
 * Puts the catalog's name of each resource the functions use into the template (lib/catalog.ts,
 * `resourceIds`): the functions, their tables, queues, flows and bus, the End User Messaging
 * resources, the schedule group, the role schedules run as and the preference-link secret.
 */
import { CfnResource } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';
import {
  RESOURCE_METADATA_KEY,
  resourceIds,
  type BucketId,
  type FunctionId,
  type QueueId,
  type TableId,
} from '../catalog';

export interface NamedResources {
  readonly functions: Readonly<Record<FunctionId, IConstruct>>;
  readonly tables: Readonly<Record<TableId, IConstruct>>;
  readonly buckets: Readonly<Record<BucketId, IConstruct>>;
  readonly queues: Readonly<Record<QueueId, IConstruct>>;
  /** The flows written as data, by definition id. */
  readonly definedFlows: Readonly<Record<string, IConstruct>>;
  readonly importStateMachine: IConstruct;
  readonly eventBus: IConstruct;
  readonly originationIdentity?: IConstruct;
  readonly configurationSet: IConstruct;
  readonly optOutList: IConstruct;
  readonly scheduleGroup: IConstruct;
  readonly schedulerRole: IConstruct;
  readonly preferenceKey: IConstruct;
  readonly privacyKey: IConstruct;
  readonly certificateKey: IConstruct;
}

export function nameResources(resources: NamedResources): void {
  const each = <Id extends string>(all: Readonly<Record<Id, IConstruct>>, name: (id: Id) => string) => {
    for (const [id, construct] of Object.entries(all) as [Id, IConstruct][])
      nameResource(construct, name(id));
  };
  each(resources.functions, resourceIds.function);
  each(resources.tables, resourceIds.table);
  each(resources.buckets, resourceIds.bucket);
  each(resources.queues, resourceIds.queue);
  each(resources.definedFlows, resourceIds.definedFlow);
  nameResource(resources.importStateMachine, resourceIds.importStateMachine);
  nameResource(resources.eventBus, resourceIds.eventBus);
  if (resources.originationIdentity)
    nameResource(resources.originationIdentity, resourceIds.originationIdentity);
  nameResource(resources.configurationSet, resourceIds.configurationSet);
  nameResource(resources.optOutList, resourceIds.optOutList);
  nameResource(resources.scheduleGroup, resourceIds.scheduleGroup);
  nameResource(resources.schedulerRole, resourceIds.schedulerRole);
  nameResource(resources.preferenceKey, resourceIds.preferenceKey);
  nameResource(resources.privacyKey, resourceIds.privacyKey);
  nameResource(resources.certificateKey, resourceIds.certificateKey);
}

function nameResource(construct: IConstruct, name: string): void {
  const resource = construct instanceof CfnResource ? construct : construct.node.defaultChild;
  if (!(resource instanceof CfnResource))
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  resource.addMetadata(RESOURCE_METADATA_KEY, name);
}
