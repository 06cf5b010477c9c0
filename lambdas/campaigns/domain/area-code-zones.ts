/**
 * North American Numbering Plan area code → IANA time zone, for US and Canadian geographic
 * area codes (overlays included, as assigned up to 2025) and the US territories.
 *
 * An approximation: a number keeps its area code when its owner moves, and some area codes span
 * two zones. Where they do, the zone of the majority of the area code's population is used:
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
const areaCodesByZone: Record<string, string> = {
  'America/New_York': [
    '203 475 860 959', // CT
    '302', // DE
    '202 771', // DC
    '239 305 321 324 352 386 407 561 645 656 689 727 728 754 772 786 813 863 904 941 954', // FL
    '229 404 470 478 678 706 762 770 912 943', // GA
    '260 317 463 574 765 812 930', // IN
    '502 606 859', // KY
    '207', // ME
    '227 240 301 410 443 667', // MD
    '339 351 413 508 617 774 781 857 978', // MA
    '231 248 269 313 517 586 616 679 734 810 906 947 989', // MI
    '603', // NH
    '201 551 609 640 732 848 856 862 908 973', // NJ
    '212 315 329 332 347 363 516 518 585 607 624 631 646 680 716 718 838 845 914 917 929 934', // NY
    '252 336 472 704 743 828 910 919 980 984', // NC
    '216 220 234 283 326 330 380 419 436 440 513 567 614 740 937', // OH
    '215 223 267 272 412 445 484 570 582 610 717 724 814 835 878', // PA
    '401', // RI
    '803 821 839 843 854 864', // SC
    '423 865', // TN
    '802', // VT
    '276 434 540 571 686 703 757 804 826 948', // VA
    '304 681', // WV
  ].join(' '),
  'America/Chicago': [
    '205 251 256 334 483 659 938', // AL
    '327 479 501 870', // AR
    '448 850', // FL panhandle
    '217 224 309 312 331 447 464 618 630 708 730 773 779 815 847 861 872', // IL
    '219', // IN
    '319 515 563 641 712', // IA
    '316 620 785 913', // KS
    '270 364', // KY
    '225 318 337 457 504 985', // LA
    '218 320 507 612 651 763 924 952', // MN
    '228 601 662 769', // MS
    '235 314 417 557 573 636 660 816 975', // MO
    '308 402 531', // NE
    '701', // ND
    '405 539 572 580 918', // OK
    '605', // SD
    '615 629 731 901 931', // TN
    '210 214 254 281 325 346 361 409 430 432 469 512 682 713 726 737 806 817 830 832 903 936 940 945 956 972 979', // TX
    '262 274 353 414 534 608 715 920', // WI
  ].join(' '),
  'America/Denver': [
    '303 719 720 748 970 983', // CO
    '208 986', // ID
    '406', // MT
    '505 575', // NM
    '915', // TX (El Paso)
    '385 435 801', // UT
    '307', // WY
  ].join(' '),
  'America/Phoenix': '480 520 602 623 928',
  'America/Los_Angeles': [
    '209 213 279 310 323 341 350 369 408 415 424 442 510 530 559 562 619 626 628 650 657 661 669 707 714 738 747 760 805 818 820 831 840 858 909 916 925 949 951', // CA
    '702 725 775', // NV
    '458 503 541 971', // OR
    '206 253 360 425 509 564', // WA
  ].join(' '),
  'America/Anchorage': '907',
  'Pacific/Honolulu': '808',
  'America/Puerto_Rico': '787 939',
  'America/St_Thomas': '340',
  'Pacific/Guam': '671',
  'Pacific/Saipan': '670',
  'Pacific/Pago_Pago': '684',
  // Canada
  'America/Toronto': [
    '226 249 289 343 365 382 416 437 519 548 613 647 683 705 742 753 807 905 942', // ON
    '263 354 367 418 438 450 468 514 579 581 819 873', // QC
  ].join(' '),
  'America/Winnipeg': '204 431 584',
  'America/Regina': '306 474 639',
  'America/Edmonton': '368 403 587 780 825 867',
  'America/Vancouver': '236 250 257 604 672 778',
  'America/Halifax': '428 506 782 902',
  'America/St_Johns': '709 879',
};

function buildTable(): ReadonlyMap<string, string> {
  const table = new Map<string, string>();
  for (const [zone, codes] of Object.entries(areaCodesByZone)) {
    for (const code of codes.split(' ')) table.set(code, zone);
  }
  return table;
}

export const timeZoneByAreaCode: ReadonlyMap<string, string> = buildTable();

/** Every (area code, zone) pair as written, duplicates kept: lets a test prove none is listed twice. */
export function listedAreaCodes(): Array<{ areaCode: string; zone: string }> {
  return Object.entries(areaCodesByZone).flatMap(([zone, codes]) =>
    codes.split(' ').map((areaCode) => ({ areaCode, zone })),
  );
}

/** The IANA zone of a NANP area code, or undefined when it is not a US/Canadian geographic code. */
export function timeZoneOfAreaCode(areaCode: string): string | undefined {
  return timeZoneByAreaCode.get(areaCode);
}
