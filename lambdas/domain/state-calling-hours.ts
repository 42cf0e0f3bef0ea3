/**
 * US states whose telephone-solicitation laws allow fewer hours than the federal 8 a.m.–9 p.m. (47 CFR
 * § 64.1200(c)(1), the floor Optline's configured window already respects). `sendWindowFor` intersects the
 * configured window with the entry for the number's state, so an entry can only ever narrow it.
 *
 * How to read this table, honestly (each state's hours and citation are in STATE_CALLING_HOURS, what
 * they rest on in STATE_CALLING_HOURS_EVIDENCE):
 * - `verification` says what was actually checked when the table was written: 'statute-text' means the
 *   hours were read in the statute (an official site or a verbatim copy of it); 'secondary-sources' means
 *   two or more secondary sources agree (law-firm alerts, compliance vendors' tables, news) but the
 *   statute's own text was not read; 'single-secondary-source' means one such source, sometimes completed
 *   from memory, and is a lead to verify rather than a finding. Citations marked "not verified" name the
 *   statute we believe holds the rule.
 * - Applicability is broader here than in law. These statutes cover "telephone solicitations" /
 *   "telephonic sales calls", with exemptions (established business relationship, prior consent…) and,
 *   for some, only certain technology (prerecorded or autodialed calls). Several say in terms that text
 *   messages are covered (FL, OK, MD, CT, TX, MS). Optline applies every entry to every marketing message
 *   to a number whose area code is in the state: narrowing costs a few hours of sending, a violation costs
 *   $500 or more per message, and FL, OK and CT presume that a number with the state's area code belongs
 *   to a resident.
 * - Not modelled: state legal holidays (AL, LA, RI, PA and UT ban solicitations on some), and effective
 *   dates. Pennsylvania is absent because its current hours match the federal ones: the Telemarketer
 *   Registration Act bans calls on legal holidays (73 P.S. § 2245, Act 73 of 2019), and Senate Bill 992
 *   (passed by the Senate; a Sunday ban and 9 a.m.–7 p.m. hours) had, as far as could be checked, not been
 *   confirmed as law. Re-check Pennsylvania, and this whole table, before relying on it.
 * - Where a statute names one clock for a state with two zones (Mississippi's "Central Standard Time"),
 *   the window is applied in the recipient's zone, which is Central for all of Mississippi anyway.
 *
 * - Message caps (`messageCap`: FL, OK, MD allow 3 solicitations in 24 hours on one subject) are in the
 *   same entries, applied by `send()` to every marketing text whatever its subject
 *   (state-message-caps.ts); their evidence is the entry's `messageCap` in the evidence table.
 *
 * This is engineering research, not legal advice; counsel should review the table.
 */
import type { DailyWindow, Weekday } from './quiet-hours';

export type Verification = 'statute-text' | 'secondary-sources' | 'single-secondary-source';

export interface StateCallingHours {
  /** Allowed local hours (at the called party) on days without an entry in `byWeekday`; end exclusive. */
  readonly window: DailyWindow;
  /** Days with other hours, 0 = Sunday … 6 = Saturday; null: no solicitations that day. */
  readonly byWeekday?: Readonly<Partial<Record<Weekday, DailyWindow | null>>>;
  /** Statute (number and name) that holds the hours. */
  readonly citation: string;
  /**
   * At most `count` marketing texts to a number in any `hours` hours (a sliding window), applied by
   * `send()` to every marketing text whatever its subject (state-message-caps.ts).
   */
  readonly messageCap?: StateMessageCap;
}

export interface StateMessageCap {
  readonly count: number;
  readonly hours: number;
  /** Statute (number and name) that holds the cap. */
  readonly citation: string;
}

/** How an entry's hours were established (STATE_CALLING_HOURS_EVIDENCE). */
export interface CallingHoursEvidence {
  readonly note: string;
  readonly verification: Verification;
  /** What the hours were checked against. */
  readonly source: string;
  /** What the entry's `messageCap` rests on, when it has one. */
  readonly messageCap?: Omit<CallingHoursEvidence, 'messageCap'>;
}

const NO_SUNDAY = { 0: null } as const;

export const STATE_CALLING_HOURS: Readonly<Record<string, StateCallingHours>> = {
  AL: {
    window: { start: '08:00', end: '20:00' },
    byWeekday: NO_SUNDAY,
    citation:
      'Alabama Public Service Commission telephone rules (Ala. Admin. Code ch. 770-2-9); rule not verified',
  },
  CT: {
    window: { start: '09:00', end: '20:00' },
    citation:
      'Conn. Gen. Stat. § 42-288a (telephonic sales calls), as amended by Public Act 23-98 (eff. 2023-10-01)',
  },
  FL: {
    window: { start: '08:00', end: '20:00' },
    citation: 'Fla. Stat. § 501.616(6)(a) (Florida Telemarketing Act), as amended by SB 1120 (2021)',
    messageCap: {
      count: 3,
      hours: 24,
      citation: 'Fla. Stat. § 501.616(6)(b) (Florida Telemarketing Act), added by SB 1120 (2021)',
    },
  },
  KY: {
    window: { start: '10:00', end: '21:00' },
    citation: 'KRS 367.46955 (prohibited telephone solicitation acts); subsection not verified',
  },
  LA: {
    window: { start: '08:00', end: '20:00' },
    byWeekday: NO_SUNDAY,
    citation: "La. R.S. 45:811 and La. Pub. Serv. Comm'n General Order R-29617 § V(A)(2)",
  },
  MA: {
    window: { start: '08:00', end: '20:00' },
    citation: 'Mass. Gen. Laws ch. 159C (telephone solicitation) and 201 CMR 12.00; section not verified',
  },
  MD: {
    window: { start: '08:00', end: '20:00' },
    citation:
      'Md. Code, Com. Law § 14-4501 et seq. (Stop the Spam Calls Act of 2023, SB 90; eff. 2024-01-01)',
    messageCap: {
      count: 3,
      hours: 24,
      citation:
        'Md. Code, Com. Law § 14-4502 (Stop the Spam Calls Act of 2023, SB 90; eff. 2024-01-01); subsection ' +
        'not verified',
    },
  },
  MI: {
    window: { start: '09:00', end: '21:00' },
    citation: 'Mich. Comp. Laws § 445.111a (telephone solicitation); not verified',
  },
  MN: {
    window: { start: '09:00', end: '21:00' },
    citation: 'Minn. Stat. § 325E.27 (automatic dialing-announcing devices); not verified',
  },
  MS: {
    window: { start: '08:00', end: '21:00' },
    byWeekday: NO_SUNDAY,
    citation:
      'Miss. Code Ann. § 77-3-723(1) (Mississippi Telephone Solicitation Act) and § 77-3-603(a) (unsolicited ' +
      'telephonic sales calls)',
  },
  NM: {
    window: { start: '09:00', end: '21:00' },
    citation: 'N.M. Stat. § 57-12-22(B)(5) (Unfair Practices Act: telephone solicitation)',
  },
  NV: {
    window: { start: '09:00', end: '20:00' },
    citation: 'Nevada telephone-solicitation law (NRS ch. 228 / ch. 598); section not identified',
  },
  OK: {
    window: { start: '08:00', end: '20:00' },
    citation: 'Okla. Stat. tit. 15, § 775C.4 (Telephone Solicitation Act of 2022, HB 3168; eff. 2022-11-01)',
    messageCap: {
      count: 3,
      hours: 24,
      citation:
        'Okla. Stat. tit. 15, § 775C.4 (Telephone Solicitation Act of 2022, HB 3168; eff. 2022-11-01); ' +
        'subsection not verified',
    },
  },
  RI: {
    window: { start: '09:00', end: '18:00' },
    byWeekday: { 0: null, 6: { start: '10:00', end: '17:00' } },
    citation: 'R.I. Gen. Laws ch. 5-61 (Telephone Sales Solicitation Act); section not verified',
  },
  TX: {
    window: { start: '09:00', end: '21:00' },
    byWeekday: { 0: { start: '12:00', end: '21:00' } },
    citation:
      'Tex. Bus. & Com. Code § 301.051 (telephone solicitation requirements); SB 140 (89th Leg.) applies it to ' +
      'text messages from 2025-09-01',
  },
  WA: {
    window: { start: '08:00', end: '20:00' },
    citation: 'RCW 19.158.040(2) (Commercial Telephone Solicitation Act)',
  },
  WY: {
    window: { start: '08:00', end: '20:00' },
    citation: 'Wyo. Stat. § 40-12-301 et seq. (telephone solicitation); section not verified',
  },
};

/**
 * What each entry of STATE_CALLING_HOURS rests on, by state (every state has both). Kept apart from the
 * hours, which every function that sends or plans marketing texts bundles: the research notes are for
 * the people who check the table, and would add about 4 KB to each of those functions.
 */
export const STATE_CALLING_HOURS_EVIDENCE: Readonly<Record<string, CallingHoursEvidence>> = {
  AL: {
    note:
      'No solicitations on Sundays or state holidays (holidays not modelled). dnc.com reads the rules as ' +
      'binding only telephone utilities under the PSC; applied anyway.',
    verification: 'secondary-sources',
    source: 'Drop Cowboy state table (Nov 2025); g2leadstosales (Nov 2024); dnc.com restricted-dates notes',
  },
  CT: {
    note:
      'P.A. 23-98 moved the hours to 9 a.m.–8 p.m. and brought text messages into the definitions; ' +
      '§ 42-288(c) presumes a call to a Connecticut area code is made in Connecticut (text read).',
    verification: 'secondary-sources',
    source:
      'dnc.com "Connecticut Passes New Telemarketing Law" (9:00 am–8:00 pm); Drop Cowboy table; WBK firm alert ' +
      '(texts). ClickPoint still lists 9–9, which reads like the pre-2023 law.',
  },
  FL: {
    note:
      '"before 8 a.m. or after 8 p.m. local time at the called person\'s location". SB 1120 also made the ' +
      'Florida Telephone Solicitation Act (§ 501.059) cover text messages.',
    verification: 'statute-text',
    source:
      'Text of § 501.616(6)(a) (lawserver.com copy) and the SB 1120 bill text on flsenate.gov (9 p.m. → 8 p.m.)',
    messageCap: {
      note:
        '"More than three commercial telephone solicitation phone calls from any number to a person over a ' +
        '24-hour period on the same subject matter or issue, regardless of the phone number used". Optline ' +
        'counts every marketing text, whatever its subject: stricter than the law, never looser.',
      verification: 'statute-text',
      source: 'SB 1120 (2021) bill text on flsenate.gov, new paragraph (6)(b) of § 501.616',
    },
  },
  KY: {
    note:
      'The 10 a.m. start is the strictest in the US. (KRS 367.461(2)(e) separately limits automated calling ' +
      'equipment to 8 a.m.–9 p.m.; that text was read.)',
    verification: 'secondary-sources',
    source: 'Drop Cowboy table; g2leadstosales; Call Desk (glama.ai) summary',
  },
  LA: {
    note: 'No solicitations on Sundays or legal holidays (holidays not modelled); 8 a.m.–8 p.m. Monday–Saturday.',
    verification: 'secondary-sources',
    source: 'dnc.com restricted-dates page quoting General Order R-29617 § V(A)(2); Drop Cowboy table',
  },
  MA: {
    note: 'Listed by one compliance vendor; not confirmed elsewhere.',
    verification: 'single-secondary-source',
    source: 'Drop Cowboy table',
  },
  MD: {
    note: 'The Act defines consent for solicitations "by telephone call, text message, or voicemail" (text read).',
    verification: 'secondary-sources',
    source: 'WMAR-2 News and dnc.com reports of the Act (8:00am–8:00pm in the called party’s time zone)',
    messageCap: {
      note:
        'Three calls or text messages per 24 hours about the same subject to the same called party; every ' +
        'marketing text is counted here.',
      verification: 'secondary-sources',
      source: 'WMAR-2 News and dnc.com reports of the Act; the statute’s own text was not read',
    },
  },
  MI: {
    note: 'May cover only some calls; applied to all marketing texts to be safe.',
    verification: 'single-secondary-source',
    source: 'Drop Cowboy table',
  },
  MN: {
    note: 'Believed to govern prerecorded-message devices only; applied to all marketing texts to be safe.',
    verification: 'single-secondary-source',
    source: 'Drop Cowboy table',
  },
  MS: {
    note:
      '"No telephone solicitations may be made on a Sunday"; calls "between the hours of 8:00 a.m. and 9:00 ' +
      'p.m., Central Standard Time" Monday–Saturday. The Act covers text messages (§ 77-3-705, 2019). The ' +
      'legal-holiday ban went with the repealed PSC rules (2023–24).',
    verification: 'statute-text',
    source:
      'Statute text as quoted by dnc.com (June 2024, confirmed with the Mississippi AG office); Drop Cowboy',
  },
  NM: {
    note: 'Unlawful to make a telephone solicitation "that [is] received before 9:00 a.m. or after 9:00 p.m."',
    verification: 'statute-text',
    source: '2006 text of § 57-12-22 on law.justia.com; Drop Cowboy table agrees',
  },
  NV: {
    note: 'Listed by one compliance vendor; the statute was not found. Kept because it only narrows.',
    verification: 'single-secondary-source',
    source: 'Drop Cowboy table',
  },
  OK: {
    note: 'Was 8 a.m.–9 p.m. before the 2022 Act; the Act presumes a call to an Oklahoma area code reaches a resident.',
    verification: 'secondary-sources',
    source: 'dnc.com (HB 3168 signing); Lerman Senter client alert; Drop Cowboy table',
    messageCap: {
      note:
        'Three commercial telephonic sales calls per 24 hours from any number to a person on the same subject ' +
        '(the Act follows Florida’s SB 1120); every marketing text is counted here.',
      verification: 'secondary-sources',
      source:
        'dnc.com report of the signing; Nolo summary of the Act; the enrolled HB 3168 title names the limit',
    },
  },
  RI: {
    note:
      '9 a.m.–6 p.m. weekdays, 10 a.m.–5 p.m. Saturdays, none on Sundays or holidays (holidays not modelled). ' +
      'The Saturday hours are from memory; the source table was cut off after the weekday hours.',
    verification: 'single-secondary-source',
    source: 'Drop Cowboy table (weekday hours); dnc.com (holiday ban applies to unsolicited sales calls)',
  },
  TX: {
    note: '9 a.m.–9 p.m. Monday–Saturday, noon–9 p.m. Sunday, at the recipient’s local time.',
    verification: 'secondary-sources',
    source: 'Telnyx notice on SB 140 (2025); Call Desk (glama.ai) summary ("Texas Sundays start at noon")',
  },
  WA: {
    note: 'A commercial telephone solicitor "shall not place calls … received before 8:00 a.m. or after 8:00 p.m."',
    verification: 'statute-text',
    source: 'RCW 19.158.040 on app.leg.wa.gov',
  },
  WY: {
    note: 'One source says 8 p.m., another 9 p.m.; the stricter is kept.',
    verification: 'single-secondary-source',
    source: 'Call Desk (glama.ai) summary; stateregstoday.com says 8 a.m.–9 p.m.',
  },
};
