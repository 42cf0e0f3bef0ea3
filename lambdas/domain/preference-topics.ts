/**
 * Preference topics (docs/preferences.md#topics): boolean profile properties a subscriber turns off
 * on the preference page. Campaigns leave them out by segment; flows name the one they are about.
 */
import * as z from './zod';

/** A topic's profile property, e.g. `preferences.coffee`. */
export const TopicPropertySchema = z
  .string()
  .check(z.regex(/^preferences\.[a-z][a-z0-9_]{0,39}$/, 'must be a property such as preferences.coffee'));
