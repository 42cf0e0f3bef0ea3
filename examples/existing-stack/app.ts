/**
 * Optline added to a stack a team already has, with a rule of the team's own: every confirmed
 * subscription goes to the team's CRM-sync function. Run it as any CDK app (`npx cdk synth --app
 * "npx tsx app.ts"`) once `optline` and its peer dependencies are installed (docs/deploy.md).
 */
import { App, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { addNagChecks, Optline } from 'optline';

class ShopStack extends Stack {
  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    // What the shop had before: a function that keeps its CRM in step (with a role of its own, as
    // the AwsSolutions checks Optline passes ask of every function).
    const logGroup = new logs.LogGroup(this, 'CrmSyncLogs', { retention: logs.RetentionDays.ONE_YEAR });
    const role = new iam.Role(this, 'CrmSyncRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    });
    logGroup.grantWrite(role);
    const crmSync = new lambda.Function(this, 'CrmSync', {
      role,
      logGroup,
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: 'index.handler',
      code: lambda.Code.fromInline(
        'exports.handler = async (event) => console.log("subscribed", event.detail.phone);',
      ),
    });

    Validations.of(crmSync).acknowledge({
      id: 'AwsSolutions::AwsSolutions-L1',
      reason: 'Pinned to Node.js 22, like Optline: runtimes move deliberately',
    });

    const optline = new Optline(this, 'Sms', {
      config: {
        brand: 'Acme Coffee',
        supportContact: 'help@acme-coffee.example',
        messageFrequency: 'Up to 6 msgs/mo',
        termsUrl: 'https://acme-coffee.example/sms-terms',
        privacyUrl: 'https://acme-coffee.example/privacy',
        stage: 'shop',
      },
    });

    new events.Rule(this, 'SubscriptionsToCrm', {
      eventBus: optline.eventBus,
      eventPattern: { source: ['optline'], detailType: ['SubscriptionConfirmed'] },
      targets: [new targets.LambdaFunction(crmSync)],
    });
  }
}

const app = new App();
new ShopStack(app, 'Shop');
addNagChecks(app);
