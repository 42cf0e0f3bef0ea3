/** `import { OptlineClient } from 'optline/client'`: the typed, signing client of the Optline API. */
export * from './optline-client';
export { OptlineApiError } from './errors';
export { CLIENT_ROUTES, type ClientRoute, type OperationId } from './routes';
