/**
 * The import rules: pure. Given a number's profile and one imported row, decide the consent change
 * to record (through the consent recorder, like every other change) or why the row changes nothing.
 *
 * - Opt-outs win. An imported opt-out applies unless Optline holds a newer opt-in of its own (given
 *   after the opt-out's time); an import never subscribes a number Optline has as opted out or
 *   unsubscribed; a number both opted in and opted out in one input ends opted out, whatever the order.
 * - Consent without a time is imported only when the operator accepts undated consent, and the
 *   profile is marked (`$consentUndated`) so a segment can leave it out.
 * - An import never texts: its changes carry no replies, no opt-out list change and no bus events (a
 *   `SubscriptionConfirmed` would start the welcome series).
 * - The event id is the file's and the line's: the same file imported again finds its events and
 *   changes nothing.
 *
 * docs/import.md states the rules for operators.
 */
import type { ConsentAction, ConsentClass, ConsentEvidence, ConsentState } from './consent';
import { consentStateOf } from './consent';
import type { ConsentChange } from './consent-engine';
import type { ImportRow, ImportSource, ReadSkipReason } from './import-sources';
import type { Profile, PropertyValue } from './profile';

/** Property set on a profile whose imported consent had no time: segments can exclude it. */
export const UNDATED_CONSENT_PROPERTY = '$consentUndated';
/** The system an imported subscriber came from (`import:pinpoint`…), unless the profile has a source. */
const SOURCE_PROPERTY = '$source';

export interface ImportContext {
  readonly importId: string;
  readonly system: ImportSource;
  readonly fileName: string;
  readonly sha256: string;
  readonly acceptUndatedConsent: boolean;
  readonly now: Date;
}

/** Why a row changed nothing (the report counts each and lists its first lines). */
export type ImportSkipReason =
  | ReadSkipReason
  | 'invalid_number'
  | 'country_not_allowed'
  | 'duplicate'
  | 'no_consent'
  | 'undated_consent'
  | 'opted_out_in_optline'
  | 'unsubscribed_in_optline'
  | 'newer_opt_in_in_optline'
  | 'already_opted_out'
  | 'already_subscribed';

export const IMPORT_SKIP_REASONS = [
  'invalid_number',
  'country_not_allowed',
  'duplicate',
  'not_sms',
  'unreadable',
  'no_consent',
  'undated_consent',
  'opted_out_in_optline',
  'unsubscribed_in_optline',
  'newer_opt_in_in_optline',
  'already_opted_out',
  'already_subscribed',
] as const satisfies readonly ImportSkipReason[];

export interface ImportSkip {
  readonly kind: 'skipped';
  readonly reason: ImportSkipReason;
}

export type ImportDecision = ConsentChange | ImportSkip;

/** A row whose number is normalised to E.164. */
export interface NormalisedImportRow extends ImportRow {
  readonly e164: string;
}

/** The consent event id of a line of an import: the same line imported again is the same event. */
export function importEventId(importId: string, line: number): string {
  return `${importId}#${line}`;
}

/** True when the profile's last consent change came from this import (another line of the same input). */
function lastChangeFrom(profile: Profile | undefined, importId: string): boolean {
  return profile?.lastConsentEventId?.startsWith(`${importId}#`) ?? false;
}

const skip = (reason: ImportSkipReason): ImportSkip => ({ kind: 'skipped', reason });

export function decideImport(
  profile: Profile | undefined,
  row: NormalisedImportRow,
  ctx: ImportContext,
): ImportDecision {
  const state = consentStateOf(profile);
  const optedOut = state.optedOutAt !== undefined;
  const sameInput = lastChangeFrom(profile, ctx.importId);
  const properties = mergeProperties(state.properties, row);

  switch (row.consent) {
    case 'none':
      return skip('no_consent');

    case 'opted_out': {
      if (optedOut) return skip(sameInput ? 'duplicate' : 'already_opted_out');
      // Opted in earlier in the same input: the opt-out wins, whatever the two times say.
      if (!sameInput && heldNewerOptIn(profile, state, row.consentAt)) return skip('newer_opt_in_in_optline');
      const next: ConsentState = {
        marketing: 'unsubscribed',
        transactional: 'unsubscribed',
        optedOutAt: row.consentAt ?? ctx.now.toISOString(),
        properties,
        ...(state.optOutList ? { optOutList: state.optOutList } : {}),
        beforeOptOut: {
          marketing: state.marketing,
          transactional: state.transactional,
          ...(state.marketingConfirmedBy ? { marketingConfirmedBy: state.marketingConfirmedBy } : {}),
        },
      };
      return change('opted_out', ['marketing', 'transactional'], next);
    }

    case 'suppressed': {
      if (optedOut || (state.marketing === 'unsubscribed' && state.transactional !== 'subscribed'))
        return skip(sameInput ? 'duplicate' : 'already_opted_out');
      if (sameInput) return skip('duplicate');
      if (heldNewerOptIn(profile, state, row.consentAt)) return skip('newer_opt_in_in_optline');
      const { pendingClasses: _pending, ...rest } = state;
      return change(
        'suppressed',
        ['marketing', 'transactional'],
        { ...rest, marketing: 'unsubscribed', transactional: 'unsubscribed', properties },
        'inactive in the source: not to be texted; not an opt-out by the person',
      );
    }

    case 'opted_in': {
      if (optedOut) return skip(sameInput ? 'duplicate' : 'opted_out_in_optline');
      if (state.marketing === 'unsubscribed')
        return skip(sameInput ? 'duplicate' : 'unsubscribed_in_optline');
      if (sameInput) return skip('duplicate');
      const undated = row.consentAt === undefined;
      if (undated && !ctx.acceptUndatedConsent) return skip('undated_consent');
      if (state.marketing === 'subscribed') {
        // Consent Optline holds already stands; the import only adds what it knows of the person.
        if (samePropertyValues(state.properties, properties)) return skip('already_subscribed');
        return change(
          'property_changed',
          ['marketing'],
          { ...state, properties },
          'already subscribed; properties imported',
        );
      }
      const { pendingClasses: _pending, ...rest } = state;
      return change(
        'opt_in_confirmed',
        ['marketing'],
        {
          ...rest,
          marketing: 'subscribed',
          marketingConfirmedBy: 'import',
          properties: {
            ...properties,
            ...(properties[SOURCE_PROPERTY] === undefined
              ? { [SOURCE_PROPERTY]: `import:${ctx.system}` }
              : {}),
            ...(undated ? { [UNDATED_CONSENT_PROPERTY]: true } : {}),
          },
        },
        undated ? 'undated consent, accepted with --accept-undated-consent' : undefined,
      );
    }
  }
}

function change(
  action: ConsentAction,
  classes: readonly ConsentClass[],
  next: ConsentState,
  note?: string,
): ConsentChange {
  return {
    kind: 'consent',
    action,
    classes,
    next,
    applied: true,
    ...(note ? { note } : {}),
    effects: { replies: [], events: [] },
  };
}

/**
 * Optline holds an opt-in of its own (not an import's) given after the source's time. An undated
 * opt-out has no time to compare, so it applies: an opt-out wins.
 */
function heldNewerOptIn(
  profile: Profile | undefined,
  state: ConsentState,
  sourceAt: string | undefined,
): boolean {
  if (!profile || sourceAt === undefined) return false;
  if (
    state.marketing !== 'subscribed' &&
    state.marketing !== 'pending' &&
    state.transactional !== 'subscribed'
  )
    return false;
  if (profile.marketingConfirmedBy === 'import') return false;
  return profile.consentUpdatedAt !== undefined && profile.consentUpdatedAt > sourceAt;
}

/** The row's properties over the profile's, Optline's own (`$…`) kept; email is a property. */
function mergeProperties(
  current: Readonly<Record<string, PropertyValue>>,
  row: ImportRow,
): Record<string, PropertyValue> {
  return {
    ...current,
    ...row.properties,
    ...(row.email ? { email: row.email } : {}),
    ...ownProperties(current),
  };
}

function ownProperties(properties: Readonly<Record<string, PropertyValue>>): Record<string, PropertyValue> {
  return Object.fromEntries(Object.entries(properties).filter(([name]) => name.startsWith('$')));
}

function samePropertyValues(
  a: Readonly<Record<string, PropertyValue>>,
  b: Readonly<Record<string, PropertyValue>>,
): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/** The evidence recorded with a row's change. */
export function importEvidence(row: NormalisedImportRow, ctx: ImportContext): ConsentEvidence {
  const status = row.consent === 'none' ? 'opted_in' : row.consent;
  return {
    method: 'import',
    source: `import:${ctx.system}`,
    import: {
      system: ctx.system,
      importId: ctx.importId,
      fileName: ctx.fileName,
      sha256: ctx.sha256,
      line: row.line,
      sourceStatus: status,
      ...(row.consentAt ? { sourceConsentAt: row.consentAt } : {}),
      ...(row.consentMethod ? { sourceConsentMethod: row.consentMethod } : {}),
      ...(row.consentAt === undefined && status === 'opted_in' ? { undated: true as const } : {}),
    },
  };
}

/**
 * Rows of one batch with the same number: the first opt-out (or, without one, the first row) stands
 * for the number and the others are duplicates. Across batches the profile's last change tells the
 * rules a number was already imported from the same input (`decideImport`).
 */
export function mergeBatchRows(rows: readonly NormalisedImportRow[]): {
  readonly kept: NormalisedImportRow[];
  readonly duplicates: NormalisedImportRow[];
} {
  const chosen = new Map<string, NormalisedImportRow>();
  for (const row of rows) {
    const current = chosen.get(row.e164);
    if (!current || (row.consent === 'opted_out' && current.consent !== 'opted_out'))
      chosen.set(row.e164, row);
  }
  const keep = new Set(chosen.values());
  return { kept: rows.filter((r) => keep.has(r)), duplicates: rows.filter((r) => !keep.has(r)) };
}

/** The time of the change in the consent log: the source's own time when it has one. */
export function importEventTime(row: ImportRow, ctx: ImportContext): string {
  return row.consentAt ?? ctx.now.toISOString();
}
