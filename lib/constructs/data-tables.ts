/**
 * The DynamoDB tables, built from the catalog's definitions (the local runtime builds the same ones):
 * on-demand, point-in-time recovery, a customer-managed KMS key, deletion protection and RETAIN.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { tables, type TableDefinition, type TableId } from '../catalog';

export interface DataTablesProps {
  /** Key that encrypts every table. */
  readonly encryptionKey: kms.IKey;
  /**
   * Keep tables when the stack is deleted and refuse `DeleteTable`.
   * @default true
   */
  readonly protect?: boolean;
}

export class DataTables extends Construct {
  public readonly tables: Record<TableId, dynamodb.Table>;

  constructor(scope: Construct, id: string, props: DataTablesProps) {
    super(scope, id);
    const protect = props.protect ?? true;
    const built = {} as Record<TableId, dynamodb.Table>;
    for (const [tableId, definition] of Object.entries(tables) as [TableId, TableDefinition][]) {
      const table = new dynamodb.Table(this, pascal(tableId), {
        partitionKey: attribute(definition.partitionKey),
        sortKey: definition.sortKey ? attribute(definition.sortKey) : undefined,
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: dynamodb.TableEncryption.CUSTOMER_MANAGED,
        encryptionKey: props.encryptionKey,
        deletionProtection: protect,
        removalPolicy: protect ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
        timeToLiveAttribute: definition.timeToLiveAttribute,
        stream: definition.stream ? dynamodb.StreamViewType.NEW_IMAGE : undefined,
      });
      for (const index of definition.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.indexName,
          partitionKey: attribute(index.partitionKey),
          sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
          projectionType:
            index.projection === 'keys-only'
              ? dynamodb.ProjectionType.KEYS_ONLY
              : dynamodb.ProjectionType.ALL,
        });
      }
      built[tableId] = table;
    }
    this.tables = built;
  }
}

function attribute(key: { name: string; type: 'S' | 'N' }): dynamodb.Attribute {
  return {
    name: key.name,
    type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER,
  };
}

export function pascal(id: string): string {
  return id.charAt(0).toUpperCase() + id.slice(1);
}
