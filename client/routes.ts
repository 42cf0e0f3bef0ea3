/**
 * The routes as the client calls them: method, path, auth and how a retry is made safe. Plain data,
 * so the client carries none of the schemas; test/client/routes.test.ts holds it to the catalog
 * (lib/catalog.ts) and the route registry (lib/api/routes.ts).
 */
export interface ClientRoute {
  readonly method: 'GET' | 'POST' | 'DELETE';
  readonly path: string;
  readonly auth: 'iam' | 'public';
  /** `header`: an Idempotency-Key header; `body`: the body's `idempotencyKey`. */
  readonly idempotency?: 'header' | 'body';
}

export const CLIENT_ROUTES = {
  getProfile: { method: 'GET', path: '/v1/profiles/{phone}', auth: 'iam' },
  getConsentLog: { method: 'GET', path: '/v1/profiles/{phone}/consent-log', auth: 'iam' },
  getMessages: { method: 'GET', path: '/v1/profiles/{phone}/messages', auth: 'iam' },
  exportProfile: { method: 'GET', path: '/v1/profiles/{phone}/export', auth: 'iam' },
  eraseProfile: { method: 'DELETE', path: '/v1/profiles/{phone}', auth: 'iam' },
  getConsentCertificate: { method: 'GET', path: '/v1/profiles/{phone}/consent-certificate', auth: 'iam' },
  getCertificatePublicKey: { method: 'GET', path: '/v1/consent-certificates/public-key', auth: 'public' },
  getPreferencesLink: { method: 'GET', path: '/v1/profiles/{phone}/preferences-link', auth: 'iam' },
  subscribe: { method: 'POST', path: '/v1/subscriptions', auth: 'public', idempotency: 'header' },
  startVerification: { method: 'POST', path: '/v1/verifications', auth: 'public', idempotency: 'header' },
  checkVerification: {
    method: 'POST',
    path: '/v1/verifications/check',
    auth: 'public',
    idempotency: 'header',
  },
  recordOptOut: { method: 'POST', path: '/v1/opt-outs', auth: 'iam', idempotency: 'header' },
  clickToText: { method: 'GET', path: '/v1/click-to-text', auth: 'public' },
  sendMessage: { method: 'POST', path: '/v1/messages', auth: 'iam', idempotency: 'body' },
  listConversations: { method: 'GET', path: '/v1/conversations', auth: 'iam' },
  getConversation: { method: 'GET', path: '/v1/conversations/{phone}', auth: 'iam' },
  closeConversation: { method: 'POST', path: '/v1/conversations/{phone}/close', auth: 'iam' },
  replyToConversation: {
    method: 'POST',
    path: '/v1/conversations/{phone}/replies',
    auth: 'iam',
    idempotency: 'body',
  },
  postEvent: { method: 'POST', path: '/v1/events', auth: 'iam' },
  createCampaign: { method: 'POST', path: '/v1/campaigns', auth: 'iam', idempotency: 'header' },
  getCampaign: { method: 'GET', path: '/v1/campaigns/{campaignId}', auth: 'iam' },
  cancelCampaign: { method: 'POST', path: '/v1/campaigns/{campaignId}/cancel', auth: 'iam' },
  followLink: { method: 'GET', path: '/r/{code}', auth: 'public' },
  createNumberChange: { method: 'POST', path: '/v1/number-changes', auth: 'iam', idempotency: 'header' },
  getNumberChange: { method: 'GET', path: '/v1/number-changes/{changeId}', auth: 'iam' },
  createImportUpload: { method: 'POST', path: '/v1/imports', auth: 'iam', idempotency: 'header' },
  importBatch: { method: 'POST', path: '/v1/imports/{importId}/batches', auth: 'iam' },
  getImport: { method: 'GET', path: '/v1/imports/{importId}', auth: 'iam' },
  getFlowStats: { method: 'GET', path: '/v1/flows/{flowId}/stats', auth: 'iam' },
  getApiDescription: { method: 'GET', path: '/v1/openapi.json', auth: 'public' },
} as const satisfies Record<string, ClientRoute>;

export type OperationId = keyof typeof CLIENT_ROUTES;
