/**
 * The HTTP API: an API Gateway REST API whose resources and methods come from the catalog's routes.
 * Server-to-server routes require SigV4 (IAM); browser-facing routes are public and throttled.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { functions, type FunctionDefinition, type FunctionId } from '../catalog';

export interface HttpApiProps {
  readonly functions: Record<FunctionId, lambda.IFunction>;
  readonly encryptionKey: kms.IKey;
  readonly stageName: string;
  /**
   * Steady-state requests per second for the whole API.
   * @default 50
   */
  readonly rateLimit?: number;
  /** @default 100 */
  readonly burstLimit?: number;
}

export class HttpApi extends Construct {
  public readonly api: apigateway.RestApi;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.encryptionKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.api = new apigateway.RestApi(this, 'Api', {
      description: 'Optline HTTP API',
      endpointTypes: [apigateway.EndpointType.REGIONAL],
      cloudWatchRole: false,
      deployOptions: {
        stageName: props.stageName,
        tracingEnabled: true,
        throttlingRateLimit: props.rateLimit ?? 50,
        throttlingBurstLimit: props.burstLimit ?? 100,
        accessLogDestination: new apigateway.LogGroupLogDestination(accessLogs),
        accessLogFormat: apigateway.AccessLogFormat.jsonWithStandardFields(),
        loggingLevel: apigateway.MethodLoggingLevel.OFF,
      },
    });
    const validator = this.api.addRequestValidator('BodyValidator', {
      validateRequestBody: false,
      validateRequestParameters: true,
    });

    for (const [functionId, definition] of Object.entries(functions) as [FunctionId, FunctionDefinition][]) {
      if (definition.trigger.kind !== 'http') continue;
      const integration = new apigateway.LambdaIntegration(props.functions[functionId]);
      for (const route of definition.trigger.routes) {
        const resource = this.api.root.resourceForPath(route.path);
        const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
        resource.addMethod(route.method, integration, {
          authorizationType:
            route.auth === 'iam' ? apigateway.AuthorizationType.IAM : apigateway.AuthorizationType.NONE,
          requestValidator: validator,
          requestParameters: Object.fromEntries(params.map((p) => [`method.request.path.${p}`, true])),
        });
      }
    }
  }
}
