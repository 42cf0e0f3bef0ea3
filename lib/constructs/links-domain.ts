/**
 * The links domain (`links.domain`, docs/campaigns.md#links-and-attribution): a regional API Gateway
 * custom domain whose root is the links API (HttpApi.linksApi: short links, nothing of `/v1`), with a
 * TLS certificate in the stack's region (the one given, or one ACM issues once its DNS validation
 * record is in the hosted zone) and a Route 53 alias record to the domain's regional endpoint. Why a
 * second API rather than base-path mappings or routing rules onto the main one:
 * docs/decisions/0032-links-domain.md.
 */
import { CfnOutput } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as targets from 'aws-cdk-lib/aws-route53-targets';
import { Construct } from 'constructs';
import type { LinksConfig } from '../../lambdas/domain/runtime-config';

export interface LinksDomainProps {
  /** The links settings, with their domain. */
  readonly links: LinksConfig & { readonly domain: string };
  /** The API the domain's root maps to. */
  readonly api: apigateway.RestApi;
}

export class LinksDomain extends Construct {
  public readonly domainName: apigateway.DomainName;
  public readonly certificate: acm.ICertificate;
  /** The alias record, when the hosted zone is given (else point the domain at `regionalDomainName`). */
  public readonly record?: route53.ARecord;

  constructor(scope: Construct, id: string, props: LinksDomainProps) {
    super(scope, id);
    const { links } = props;
    const zone =
      links.hostedZoneId !== undefined && links.hostedZoneName !== undefined
        ? route53.PublicHostedZone.fromHostedZoneAttributes(this, 'Zone', {
            hostedZoneId: links.hostedZoneId,
            zoneName: links.hostedZoneName.replace(/\.$/, ''),
          })
        : undefined;
    this.certificate =
      links.certificateArn !== undefined
        ? acm.Certificate.fromCertificateArn(this, 'Certificate', links.certificateArn)
        : new acm.Certificate(this, 'Certificate', {
            domainName: links.domain,
            // The configuration refuses a domain without a hosted zone or a certificate.
            validation: acm.CertificateValidation.fromDns(zone),
          });
    this.domainName = new apigateway.DomainName(this, 'DomainName', {
      domainName: links.domain,
      certificate: this.certificate,
      endpointType: apigateway.EndpointType.REGIONAL,
      securityPolicy: apigateway.SecurityPolicy.TLS_1_2,
    });
    // The whole domain is the links API: `/<code>` is its `/{code}`, and no path reaches the main API.
    this.domainName.addBasePathMapping(props.api, { stage: props.api.deploymentStage });
    if (zone) {
      this.record = new route53.ARecord(this, 'AliasRecord', {
        zone,
        recordName: links.domain,
        target: route53.RecordTarget.fromAlias(new targets.ApiGatewayDomain(this.domainName)),
      });
    }
    new CfnOutput(this, 'RegionalDomainName', {
      description: `Where ${links.domain} points (an alias or CNAME record, made by the stack when it has the hosted zone)`,
      value: this.domainName.domainNameAliasDomainName,
    });
  }
}
