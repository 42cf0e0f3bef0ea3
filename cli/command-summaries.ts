/**
 * The `optline` commands and what each does, in the order `optline --help` lists them. Kept apart
 * from the commands' code so the list costs nothing to load: a command's module (with the AWS SDK,
 * pdf-lib or csv-parse behind it) is loaded only when that command runs (cli/optline.ts).
 */
export const COMMAND_SUMMARIES = {
  preview: 'Show encoding, segments, cost and warnings for a message body',
  profiles: "Read a subscriber's profile and consent log",
  subscriptions: 'Record consent, or subscribe with a one-time code',
  messages: 'Send one transactional text',
  events: 'Post commerce events (carts, orders, views, stock and price changes)',
  campaigns: 'Create campaigns, follow them and cancel them',
  'number-change': 'Schedule a change of sending number, or show its progress',
  consent: 'Verify the consent log hash chain; chain entries recorded before it; check certificates',
  import: 'Import subscribers, their consent and opt-outs (Pinpoint, opt-out lists, CSV)',
  qr: 'Write the click-to-text QR code of an opt-in keyword as SVG, for print',
  'win-back': 'Put the customers whose last order predates win-back into its index',
} as const;

export type CommandName = keyof typeof COMMAND_SUMMARIES;
