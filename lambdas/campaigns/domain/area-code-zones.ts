/**
 * North American Numbering Plan area code → IANA time zone, for US and Canadian geographic
 * area codes (overlays included, as assigned up to 2025) and the US territories.
 *
 * An approximation: a number keeps its area code when its owner moves. Each code is listed with
 * its state or province (for state sending rules). Some codes span two zones: the table holds the
 * zone of the majority of the code's population, and `zonesOfSpanningAreaCodes` below every zone,
 * which is what quiet hours use:
 *   - Florida 850/448 (panhandle): Central (Pensacola, Panama City) over Eastern (Tallahassee).
 *   - Indiana 219: Central (Gary, Lake County); 812/930: Eastern (Evansville is Central).
 *   - Kentucky 270/364: Central (Bowling Green, Paducah, Owensboro).
 *   - Tennessee 423: Eastern; 931: Central.
 *   - Michigan 906: Eastern (four Upper Peninsula counties are Central).
 *   - Texas 915 (El Paso): Mountain; 432 (Midland, Odessa): Central.
 *   - Kansas 620/785, Nebraska 308, North/South Dakota 701/605: Central (western edges are Mountain).
 *   - Idaho 208/986: Mountain (the northern panhandle is Pacific). Oregon 541/458: Pacific.
 *   - Arizona: America/Phoenix, no daylight saving (the Navajo Nation observes it).
 *   - Ontario 807: Eastern (Thunder Bay; Kenora is Central). British Columbia: Pacific.
 *   - Newfoundland and Labrador 709/879: Newfoundland time (most of Labrador is Atlantic).
 *   - Canada's territories 867: Mountain (Yukon, the NWT and western Nunavut; Iqaluit is Eastern).
 *   - Saskatchewan: America/Regina, no daylight saving (Lloydminster follows Alberta).
 * Non-geographic codes (toll-free 800, 888…, and 500, 900) are absent on purpose: they say
 * nothing about where a person is.
 */
const areaCodesByZone: Record<string, Array<[state: string, codes: string]>> = {
  'America/New_York': [
    ['CT', '203 475 860 959'],
    ['DE', '302'],
    ['DC', '202 771'],
    ['FL', '239 305 321 324 352 386 407 561 645 656 689 727 728 754 772 786 813 863 904 941 954'],
    ['GA', '229 404 470 478 678 706 762 770 912 943'],
    ['IN', '260 317 463 574 765 812 930'],
    ['KY', '502 606 859'],
    ['ME', '207'],
    ['MD', '227 240 301 410 443 667'],
    ['MA', '339 351 413 508 617 774 781 857 978'],
    ['MI', '231 248 269 313 517 586 616 679 734 810 906 947 989'],
    ['NH', '603'],
    ['NJ', '201 551 609 640 732 848 856 862 908 973'],
    ['NY', '212 315 329 332 347 363 516 518 585 607 624 631 646 680 716 718 838 845 914 917 929 934'],
    ['NC', '252 336 472 704 743 828 910 919 980 984'],
    ['OH', '216 220 234 283 326 330 380 419 436 440 513 567 614 740 937'],
    ['PA', '215 223 267 272 412 445 484 570 582 610 717 724 814 835 878'],
    ['RI', '401'],
    ['SC', '803 821 839 843 854 864'],
    ['TN', '423 865'],
    ['VT', '802'],
    ['VA', '276 434 540 571 686 703 757 804 826 948'],
    ['WV', '304 681'],
  ],
  'America/Chicago': [
    ['AL', '205 251 256 334 483 659 938'],
    ['AR', '327 479 501 870'],
    ['FL', '448 850'], // panhandle
    ['IL', '217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 861 872'],
    ['IN', '219'],
    ['IA', '319 515 563 641 712'],
    ['KS', '316 620 785 913'],
    ['KY', '270 364'],
    ['LA', '225 318 337 457 504 985'],
    ['MN', '218 320 507 612 651 763 924 952'],
    ['MS', '228 601 662 769'],
    ['MO', '235 314 417 557 573 636 660 816 975'],
    ['NE', '308 402 531'],
    ['ND', '701'],
    ['OK', '405 539 572 580 918'],
    ['SD', '605'],
    ['TN', '615 629 731 901 931'],
    [
      'TX',
      '210 214 254 281 325 346 361 409 430 432 469 512 682 713 726 737 806 817 830 832 903 936 940 945 956 972 979',
    ],
    ['WI', '262 274 353 414 534 608 715 920'],
  ],
  'America/Denver': [
    ['CO', '303 719 720 748 970 983'],
    ['ID', '208 986'],
    ['MT', '406'],
    ['NM', '505 575'],
    ['TX', '915'], // (El Paso)
    ['UT', '385 435 801'],
    ['WY', '307'],
  ],
  'America/Phoenix': [['AZ', '480 520 602 623 928']],
  'America/Los_Angeles': [
    [
      'CA',
      '209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 738 747 760 805 818 820 831 840 858 909 916 925 949 951',
    ],
    ['NV', '702 725 775'],
    ['OR', '458 503 541 971'],
    ['WA', '206 253 360 425 509 564'],
  ],
  'America/Anchorage': [['AK', '907']],
  'Pacific/Honolulu': [['HI', '808']],
  'America/Puerto_Rico': [['PR', '787 939']],
  'America/St_Thomas': [['VI', '340']],
  'Pacific/Guam': [['GU', '671']],
  'Pacific/Saipan': [['MP', '670']],
  'Pacific/Pago_Pago': [['AS', '684']],
  // Canada
  'America/Toronto': [
    ['ON', '226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 807 905 942'],
    ['QC', '263 354 367 418 438 450 468 514 579 581 819 873'],
  ],
  'America/Winnipeg': [['MB', '204 431 584']],
  'America/Regina': [['SK', '306 474 639']],
  'America/Edmonton': [
    ['AB', '368 403 587 780 825'],
    ['NT', '867'],
  ], // 867: Yukon, NWT, Nunavut
  'America/Vancouver': [['BC', '236 250 257 604 672 778']],
  'America/Halifax': [
    ['NS', '782 902'],
    ['NB', '428 506'],
  ],
  'America/St_Johns': [['NL', '709 879']],
};

/**
 * Area codes whose people live in more than one zone: every zone, the table's zone first. Quiet
 * hours hold a message until the window is open in all of them (see quiet-hours.ts).
 */
const zonesOfSpanningAreaCodes: Record<string, readonly string[]> = {
  // Florida panhandle: Pensacola, Panama City (Central) and Tallahassee (Eastern).
  '448': ['America/Chicago', 'America/New_York'],
  '850': ['America/Chicago', 'America/New_York'],
  // Indiana's south-west corner (Evansville) and Kentucky west of Louisville.
  '812': ['America/New_York', 'America/Chicago'],
  '930': ['America/New_York', 'America/Chicago'],
  '270': ['America/Chicago', 'America/New_York'],
  '364': ['America/Chicago', 'America/New_York'],
  // Tennessee's Eastern/Central line runs through both.
  '423': ['America/New_York', 'America/Chicago'],
  '931': ['America/Chicago', 'America/New_York'],
  // Michigan's Upper Peninsula: four counties on Central time.
  '906': ['America/New_York', 'America/Chicago'],
  // The Plains' western edges are Mountain.
  '308': ['America/Chicago', 'America/Denver'],
  '605': ['America/Chicago', 'America/Denver'],
  '620': ['America/Chicago', 'America/Denver'],
  '701': ['America/Chicago', 'America/Denver'],
  '785': ['America/Chicago', 'America/Denver'],
  // Idaho's panhandle is Pacific; Oregon's Malheur County and Nevada's West Wendover are Mountain.
  '208': ['America/Denver', 'America/Los_Angeles'],
  '986': ['America/Denver', 'America/Los_Angeles'],
  '458': ['America/Los_Angeles', 'America/Denver'],
  '541': ['America/Los_Angeles', 'America/Denver'],
  '775': ['America/Los_Angeles', 'America/Denver'],
  // The Navajo Nation keeps daylight saving time; the rest of Arizona does not.
  '928': ['America/Phoenix', 'America/Denver'],
  // Ontario west of Thunder Bay (Kenora) is Central; Labrador is Atlantic; Lloydminster follows Alberta.
  '807': ['America/Toronto', 'America/Winnipeg'],
  '709': ['America/St_Johns', 'America/Halifax'],
  '879': ['America/St_Johns', 'America/Halifax'],
  '306': ['America/Regina', 'America/Edmonton'],
  '639': ['America/Regina', 'America/Edmonton'],
  '474': ['America/Regina', 'America/Edmonton'],
  // Canada's territories: Yukon (permanent Mountain standard), NWT, Nunavut (Central and Eastern too).
  '867': ['America/Edmonton', 'America/Whitehorse', 'America/Winnipeg', 'America/Toronto'],
};

function buildTables() {
  const zones = new Map<string, string>();
  const states = new Map<string, string>();
  for (const [zone, groups] of Object.entries(areaCodesByZone)) {
    for (const [state, codes] of groups) {
      for (const code of codes.split(' ')) {
        zones.set(code, zone);
        states.set(code, state);
      }
    }
  }
  return { zones, states };
}

const tables = buildTables();

export const timeZoneByAreaCode: ReadonlyMap<string, string> = tables.zones;

/** Every (area code, zone, state) as written, duplicates kept: lets a test prove none is listed twice. */
export function listedAreaCodes(): Array<{ areaCode: string; zone: string; state: string }> {
  return Object.entries(areaCodesByZone).flatMap(([zone, groups]) =>
    groups.flatMap(([state, codes]) => codes.split(' ').map((areaCode) => ({ areaCode, zone, state }))),
  );
}

/** The area codes listed as spanning zones, with their zones: for tests and the docs. */
export function spanningAreaCodes(): Record<string, readonly string[]> {
  return zonesOfSpanningAreaCodes;
}

/** The IANA zone of a NANP area code, or undefined when it is not a US/Canadian geographic code. */
export function timeZoneOfAreaCode(areaCode: string): string | undefined {
  return timeZoneByAreaCode.get(areaCode);
}

/** Every zone an area code's people may be in (one for most codes); empty when unknown. */
export function timeZonesOfAreaCode(areaCode: string): readonly string[] {
  const spanning = zonesOfSpanningAreaCodes[areaCode];
  if (spanning) return spanning;
  const zone = timeZoneByAreaCode.get(areaCode);
  return zone ? [zone] : [];
}

/** The state, district, territory or province (two letters) an area code belongs to. */
export function stateOfAreaCode(areaCode: string): string | undefined {
  return tables.states.get(areaCode);
}
