import {
  assignVariant,
  renderTemplate,
  type CampaignDefinition,
  type RenderResult,
} from '../../lambdas/campaigns';
import { CommandFailure } from '../errors';
import { maskPhoneNumber, plural, type Output } from '../output';
import type { Target } from '../target';

export interface PreviewRecipient {
  phone: string;
  fields: Readonly<Record<string, string>>;
}

function problemOf(result: Exclude<RenderResult, { kind: 'rendered' }>): string {
  switch (result.kind) {
    case 'unfilled-fields':
      return `unfilled ${result.fields.length === 1 ? 'field' : 'fields'} ${result.fields.map((f) => `{{${f}}}`).join(', ')}: no value and no default`;
    case 'too-long':
      return `too long: ${result.length} characters, OpenPhone takes at most ${result.limit}`;
    case 'blank':
      return 'the message would be blank';
    case 'malformed-placeholder':
      return `malformed placeholder ${result.placeholder} at character ${result.index + 1}`;
  }
}

/**
 * What one recipient would get, as the sender would render it (same variant assignment, same
 * template): a heading line, then the text indented; or the reason it would be skipped.
 */
export function previewLines(
  campaignId: string,
  definition: CampaignDefinition,
  recipient: PreviewRecipient,
): { lines: string[]; sendable: boolean } {
  const variantId = assignVariant(campaignId, recipient.phone, definition.variants);
  const variant = definition.variants.find((v) => v.id === variantId)!;
  const result = renderTemplate(variant.template, recipient.fields);
  const heading = `${maskPhoneNumber(recipient.phone)}  variant ${variantId}`;
  if (result.kind !== 'rendered')
    return { lines: [`${heading}  error: ${problemOf(result)} (the sender skips it)`], sendable: false };
  const { characters, segments, encoding } = result.segments;
  return {
    lines: [
      `${heading}  ${plural(characters, 'character')}, ${plural(segments, 'segment')} (${encoding})`,
      ...result.text.split('\n').map((line) => `    ${line}`),
    ],
    sendable: true,
  };
}

/** The rendered messages of the campaign's first recipients (in the table's order, by number). */
export async function previewCampaign(
  target: Target,
  out: Output,
  campaignId: string,
  options: { limit: number },
) {
  const campaign = await target.campaigns.campaigns.getCampaign(campaignId);
  if (!campaign) throw new CommandFailure(`no campaign ${campaignId}`);
  // An erased recipient has no number or fields left to render.
  const recipients = (await target.campaigns.recipients.allRecipients(campaignId)).filter((r) => !r.erasedAt);
  if (recipients.length === 0) {
    out.line(`Campaign ${campaignId} has no recipients.`);
    return;
  }
  const shown = recipients.slice(0, options.limit);
  let errors = 0;
  out.line(
    `Campaign ${campaignId} "${campaign.definition.name}": the first ${shown.length} of ${plural(recipients.length, 'recipient')}.`,
  );
  for (const recipient of shown) {
    const preview = previewLines(campaignId, campaign.definition, recipient);
    if (!preview.sendable) errors++;
    for (const line of preview.lines) out.line(line);
  }
  // Every recipient is checked, not only those shown: one unrenderable row anywhere is worth knowing.
  const unrenderable = recipients.filter(
    (r) => !previewLines(campaignId, campaign.definition, r).sendable,
  ).length;
  out.line(
    unrenderable === 0
      ? `All ${plural(recipients.length, 'recipient')} render.`
      : `${plural(unrenderable, 'recipient')} of ${recipients.length} cannot be rendered and would be skipped${errors < unrenderable ? ' (not all shown here)' : ''}.`,
  );
}
