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
 * - Legal holidays (AL, LA, RI, PA, UT ban solicitations on them) are dated entries (`holidays`), closed all
 *   day like quiet hours, listed to the end of 2028: add the next years before then, and a day a governor
 *   proclaims (Louisiana) when it is proclaimed. Pennsylvania and Utah are here only for their holidays
 *   (their hours match the federal ones); Pennsylvania's Senate Bill 992 (a Sunday ban, 9 a.m.–7 p.m.) had,
 *   as far as could be checked, not been confirmed as law. Effective dates are not modelled. Re-check this
 *   whole table before relying on it.
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
  /** Local dates ('YYYY-MM-DD') with no solicitations at all: treated like quiet hours all day. */
  readonly holidays?: StateHolidays;
}

export interface StateHolidays {
  /** Statute that bans solicitations on legal holidays, and the one that lists them. */
  readonly citation: string;
  /** The legal holidays (and the days they are observed on) from 2026 to 2028. */
  readonly dates: readonly string[];
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
  readonly messageCap?: Omit<CallingHoursEvidence, 'messageCap' | 'holidays'>;
  /** What the entry's `holidays` rest on, when it has them. */
  readonly holidays?: Omit<CallingHoursEvidence, 'messageCap' | 'holidays'>;
}

const NO_SUNDAY = { 0: null } as const;

export const STATE_CALLING_HOURS: Readonly<Record<string, StateCallingHours>> = {
  AL: {
    window: { start: '08:00', end: '20:00' },
    byWeekday: NO_SUNDAY,
    citation:
      'Alabama Public Service Commission telephone rules (Ala. Admin. Code ch. 770-2-9); rule not verified',
    holidays: {
      citation:
        'Ala. Admin. Code r. 770-2-9 (Public Service Commission telephone rules; no solicitations on state ' +
        'holidays); holidays from Ala. Code § 1-3-8; rule not verified',
      dates: [
        '2026-01-01',
        '2026-01-19',
        '2026-02-16',
        '2026-04-27',
        '2026-05-25',
        '2026-06-01',
        '2026-07-03',
        '2026-07-04',
        '2026-09-07',
        '2026-10-12',
        '2026-11-11',
        '2026-11-26',
        '2026-12-25',
        '2027-01-01',
        '2027-01-18',
        '2027-02-15',
        '2027-04-26',
        '2027-05-31',
        '2027-06-07',
        '2027-07-04',
        '2027-07-05',
        '2027-09-06',
        '2027-10-11',
        '2027-11-11',
        '2027-11-25',
        '2027-12-24',
        '2027-12-25',
        '2027-12-31',
        '2028-01-01',
        '2028-01-17',
        '2028-02-21',
        '2028-04-24',
        '2028-05-29',
        '2028-06-05',
        '2028-07-04',
        '2028-09-04',
        '2028-10-09',
        '2028-11-10',
        '2028-11-11',
        '2028-11-23',
        '2028-12-25',
      ],
    },
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
    holidays: {
      citation:
        "La. Pub. Serv. Comm'n General Order R-29617 § V(A)(2) and La. R.S. 45:811 (no solicitations on legal " +
        'holidays); holidays from La. R.S. 1:55',
      dates: [
        '2026-01-01',
        '2026-01-08',
        '2026-01-19',
        '2026-02-17',
        '2026-04-03',
        '2026-05-25',
        '2026-07-03',
        '2026-07-04',
        '2026-09-07',
        '2026-11-01',
        '2026-11-02',
        '2026-11-11',
        '2026-11-26',
        '2026-12-25',
        '2027-01-01',
        '2027-01-08',
        '2027-01-18',
        '2027-01-19',
        '2027-02-09',
        '2027-03-26',
        '2027-05-31',
        '2027-07-04',
        '2027-07-05',
        '2027-09-06',
        '2027-11-01',
        '2027-11-11',
        '2027-11-25',
        '2027-12-24',
        '2027-12-25',
        '2027-12-31',
        '2028-01-01',
        '2028-01-07',
        '2028-01-08',
        '2028-01-17',
        '2028-01-19',
        '2028-02-29',
        '2028-04-14',
        '2028-05-29',
        '2028-07-04',
        '2028-09-04',
        '2028-11-01',
        '2028-11-10',
        '2028-11-11',
        '2028-11-23',
        '2028-12-25',
      ],
    },
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
  PA: {
    window: { start: '08:00', end: '21:00' },
    citation: '73 P.S. § 2245 (Telemarketer Registration Act), as amended by Act 73 of 2019',
    holidays: {
      citation:
        '73 P.S. § 2245(a) (no unsolicited telephone calls on a legal holiday, Act 73 of 2019); holidays ' +
        'from 44 P.S. § 11; subsection not verified',
      dates: [
        '2026-01-01',
        '2026-01-19',
        '2026-02-16',
        '2026-04-03',
        '2026-05-25',
        '2026-06-14',
        '2026-06-15',
        '2026-07-03',
        '2026-07-04',
        '2026-09-07',
        '2026-10-12',
        '2026-11-11',
        '2026-11-26',
        '2026-12-25',
        '2027-01-01',
        '2027-01-18',
        '2027-02-15',
        '2027-03-26',
        '2027-05-31',
        '2027-06-14',
        '2027-07-04',
        '2027-07-05',
        '2027-09-06',
        '2027-10-11',
        '2027-11-11',
        '2027-11-25',
        '2027-12-24',
        '2027-12-25',
        '2027-12-31',
        '2028-01-01',
        '2028-01-17',
        '2028-02-21',
        '2028-04-14',
        '2028-05-29',
        '2028-06-14',
        '2028-07-04',
        '2028-09-04',
        '2028-10-09',
        '2028-11-10',
        '2028-11-11',
        '2028-11-23',
        '2028-12-25',
      ],
    },
  },
  RI: {
    window: { start: '09:00', end: '18:00' },
    byWeekday: { 0: null, 6: { start: '10:00', end: '17:00' } },
    citation: 'R.I. Gen. Laws ch. 5-61 (Telephone Sales Solicitation Act); section not verified',
    holidays: {
      citation:
        'R.I. Gen. Laws ch. 5-61 (Telephone Sales Solicitation Act: no unsolicited telephonic sales calls on ' +
        'legal holidays); holidays from R.I. Gen. Laws § 25-1-1; section not verified',
      dates: [
        '2026-01-01',
        '2026-01-19',
        '2026-05-04',
        '2026-05-25',
        '2026-07-03',
        '2026-07-04',
        '2026-08-10',
        '2026-09-07',
        '2026-10-12',
        '2026-11-11',
        '2026-11-26',
        '2026-12-25',
        '2027-01-01',
        '2027-01-18',
        '2027-05-04',
        '2027-05-31',
        '2027-07-04',
        '2027-07-05',
        '2027-08-09',
        '2027-09-06',
        '2027-10-11',
        '2027-11-11',
        '2027-11-25',
        '2027-12-24',
        '2027-12-25',
        '2027-12-31',
        '2028-01-01',
        '2028-01-17',
        '2028-05-04',
        '2028-05-29',
        '2028-07-04',
        '2028-08-14',
        '2028-09-04',
        '2028-10-09',
        '2028-11-10',
        '2028-11-11',
        '2028-11-23',
        '2028-12-25',
      ],
    },
  },
  TX: {
    window: { start: '09:00', end: '21:00' },
    byWeekday: { 0: { start: '12:00', end: '21:00' } },
    citation:
      'Tex. Bus. & Com. Code § 301.051 (telephone solicitation requirements); SB 140 (89th Leg.) applies it to ' +
      'text messages from 2025-09-01',
  },
  UT: {
    window: { start: '08:00', end: '21:00' },
    citation: 'Utah Code tit. 13 ch. 25a (Telephone and Facsimile Solicitation Act); section not verified',
    holidays: {
      citation:
        'Utah Code tit. 13 ch. 25a (no telephone solicitations on legal holidays); holidays from Utah Code ' +
        '§ 63G-1-301; section not verified',
      dates: [
        '2026-01-01',
        '2026-01-19',
        '2026-02-16',
        '2026-05-25',
        '2026-06-19',
        '2026-07-03',
        '2026-07-04',
        '2026-07-24',
        '2026-09-07',
        '2026-10-12',
        '2026-11-11',
        '2026-11-26',
        '2026-12-25',
        '2027-01-01',
        '2027-01-18',
        '2027-02-15',
        '2027-05-31',
        '2027-06-18',
        '2027-06-19',
        '2027-07-04',
        '2027-07-05',
        '2027-07-23',
        '2027-07-24',
        '2027-09-06',
        '2027-10-11',
        '2027-11-11',
        '2027-11-25',
        '2027-12-24',
        '2027-12-25',
        '2027-12-31',
        '2028-01-01',
        '2028-01-17',
        '2028-02-21',
        '2028-05-29',
        '2028-06-19',
        '2028-07-04',
        '2028-07-24',
        '2028-09-04',
        '2028-10-09',
        '2028-11-10',
        '2028-11-11',
        '2028-11-23',
        '2028-12-25',
      ],
    },
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
      'No solicitations on Sundays or state holidays. dnc.com reads the rules as ' +
      'binding only telephone utilities under the PSC; applied anyway.',
    verification: 'secondary-sources',
    source: 'Drop Cowboy state table (Nov 2025); g2leadstosales (Nov 2024); dnc.com restricted-dates notes',
    holidays: {
      note:
        'New Year’s Day, Martin Luther King Jr. and Robert E. Lee’s birthday, Washington and Jefferson’s birthday, ' +
        'Confederate Memorial Day, Memorial Day, Jefferson Davis’ birthday, Independence Day, Labor Day, Columbus ' +
        'Day, Veterans Day, Thanksgiving, Christmas; a Sunday holiday is also kept on the Monday and a Saturday ' +
        'one on the Friday (§ 1-3-8(a)). The Mobile and Baldwin counties’ Mardi Gras is not listed.',
      verification: 'secondary-sources',
      source: 'dnc.com restricted call dates (2019–2023); ClickPoint state holiday table (weekend rule)',
    },
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
    note: 'No solicitations on Sundays or legal holidays; 8 a.m.–8 p.m. Monday–Saturday.',
    verification: 'secondary-sources',
    source: 'dnc.com restricted-dates page quoting General Order R-29617 § V(A)(2); Drop Cowboy table',
    holidays: {
      note:
        'New Year’s Day, Battle of New Orleans (Jan 8), Martin Luther King Jr. Day, Robert E. Lee Day (Jan 19), ' +
        'Mardi Gras, Good Friday, Memorial Day, Independence Day, Labor Day, All Saints’ Day, Veterans Day, ' +
        'Thanksgiving, Christmas, each also on the weekday it is observed. Days proclaimed by the governor ' +
        '(Christmas Eve, states of emergency) are not listed and need adding when proclaimed.',
      verification: 'secondary-sources',
      source:
        'dnc.com restricted call dates quoting General Order R-29617 § V(A)(2); ClickPoint state holiday table',
    },
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
  PA: {
    note: 'No hours narrower than the federal 8 a.m.–9 p.m.; listed for its legal-holiday ban.',
    verification: 'secondary-sources',
    source:
      'dnc.com restricted call dates (Pennsylvania on Christmas 2020 and 2023); legalclarity.org holiday summary',
    holidays: {
      note:
        'Hours match the federal ones; the entry is here for the legal-holiday ban. New Year’s Day, Martin Luther ' +
        'King Jr. Day, Presidents’ Day, Good Friday, Memorial Day, Flag Day, Independence Day, Labor Day, ' +
        'Columbus Day, Veterans Day, Thanksgiving, Christmas, each also on the weekday it is observed. Senate Bill ' +
        '992 (a Sunday ban, 9 a.m.–7 p.m.) was not found to be law.',
      verification: 'secondary-sources',
      source:
        'dnc.com restricted call dates (Pennsylvania on Christmas 2020 and 2023); legalclarity.org holiday summary',
    },
  },
  RI: {
    note:
      '9 a.m.–6 p.m. weekdays, 10 a.m.–5 p.m. Saturdays, none on Sundays or holidays. ' +
      'The Saturday hours are from memory; the source table was cut off after the weekday hours.',
    verification: 'single-secondary-source',
    source: 'Drop Cowboy table (weekday hours); dnc.com (holiday ban applies to unsolicited sales calls)',
    holidays: {
      note:
        'New Year’s Day, Martin Luther King Jr. Day, Rhode Island Independence Day (May 4), Memorial Day, ' +
        'Independence Day, Victory Day (second Monday of August), Labor Day, Columbus Day, Veterans Day, ' +
        'Thanksgiving, Christmas, each also on the weekday it is observed.',
      verification: 'single-secondary-source',
      source: 'dnc.com restricted call dates (the ban covers unsolicited telephonic sales calls)',
    },
  },
  TX: {
    note: '9 a.m.–9 p.m. Monday–Saturday, noon–9 p.m. Sunday, at the recipient’s local time.',
    verification: 'secondary-sources',
    source: 'Telnyx notice on SB 140 (2025); Call Desk (glama.ai) summary ("Texas Sundays start at noon")',
  },
  UT: {
    note: 'No hours narrower than the federal 8 a.m.–9 p.m.; listed for its legal-holiday ban.',
    verification: 'single-secondary-source',
    source: 'dnc.com restricted call dates (2018–2019)',
    holidays: {
      note:
        'Hours match the federal ones; the entry is here for the legal-holiday ban. New Year’s Day, Martin Luther ' +
        'King Jr. Day, Presidents’ Day, Memorial Day, Juneteenth, Independence Day, Pioneer Day (Jul 24), Labor ' +
        'Day, Columbus Day, Veterans Day, Thanksgiving, Christmas, each also on the weekday it is observed. ' +
        'Exempts calls made with prior express consent; applied anyway.',
      verification: 'single-secondary-source',
      source: 'dnc.com restricted call dates (2018–2019)',
    },
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
