/** The campaign send queue's message shape: `{ campaignId, recipients }`, this many recipients at most. */

/** Recipients per queue message: small enough to retry cheaply, large enough to batch reads. */
export const RECIPIENTS_PER_MESSAGE = 50;
