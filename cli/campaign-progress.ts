/** The text of `optline campaigns status`: the state, the counters and a progress bar. */
import type { Campaign } from '../client';

/** Done: nothing more will change but late delivery reports, clicks and orders. */
export function isSettled(campaign: Campaign): boolean {
  return (
    campaign.state === 'cancelled' ||
    (campaign.state === 'dispatched' &&
      (campaign.counters.pending === 0 || campaign.counters.pending === null))
  );
}

function bar(done: number, total: number, width = 30): string {
  const filled = total === 0 ? width : Math.round((Math.min(done, total) / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

const percent = (part: number, whole: number) =>
  whole === 0 ? '0.0%' : `${((part / whole) * 100).toFixed(1)}%`;

export function renderCampaign(campaign: Campaign): string {
  const c = campaign.counters;
  const skipped = Object.values(c.skipped).reduce((a, b) => a + b, 0);
  const handled = Math.max(0, c.targeted - (c.pending ?? 0));
  const when = campaign.sendAt ?? (campaign.sendAtLocalTime ? `${campaign.sendAtLocalTime} local time` : '');
  const lines = [
    `Campaign ${campaign.campaignId} "${campaign.name}": ${campaign.state}${when ? `, send at ${when}` : ''}`,
    `  audience   ${campaign.estimate.recipients}${campaign.estimate.complete ? '' : '+ (still counting)'} recipients, ${campaign.estimate.segmentsPerMessage} segment(s) each, about $${campaign.estimate.costUsd.toFixed(2)}`,
  ];
  if (c.targeted > 0 || campaign.state === 'sending' || campaign.state === 'dispatched') {
    lines.push(
      `  progress   ${bar(handled, c.targeted)} ${handled}/${c.targeted}${c.pending ? ` (${c.pending} pending)` : ''}`,
      `  sent       ${c.sent}   delivered ${c.delivered} (${percent(c.delivered, c.sent)})   failed ${c.failed}`,
      `  skipped    ${skipped}${
        skipped
          ? ` (${Object.entries(c.skipped)
              .map(([reason, n]) => `${reason} ${n}`)
              .join(', ')})`
          : ''
      }`,
      `  clicks     ${c.clicks}   opt-outs ${c.optOuts} (${percent(c.optOuts, c.sent)})   orders ${c.orders}   revenue ${c.revenue.toFixed(2)}`,
    );
  }
  const width = Math.max(0, ...(campaign.variants ?? []).map((v) => v.name.length));
  for (const { name, counters: v } of campaign.variants ?? [])
    lines.push(
      `  variant    ${name.padEnd(width)}  sent ${v.sent}   delivered ${v.delivered}   clicks ${v.clicks}   orders ${v.orders}   revenue ${v.revenue.toFixed(2)}`,
    );
  const winner = campaign.winner;
  if (winner) {
    const test = `test group ${Math.round(winner.testFraction * 100)}%`;
    lines.push(
      winner.variant === null
        ? `  winner     by ${winner.metric}, decided at ${winner.decideAt ?? 'the send time + ' + winner.decideAfterHours + ' h'} (${test})`
        : `  winner     ${winner.variant} by ${winner.metric} (${Object.entries(winner.scores ?? {})
            .map(([name, n]) => `${name} ${n}`)
            .join(', ')}), decided ${winner.decidedAt} (${test})`,
    );
  }
  if (campaign.cancelledAt) lines.push(`  cancelled  ${campaign.cancelledAt}`);
  return lines.join('\n');
}
