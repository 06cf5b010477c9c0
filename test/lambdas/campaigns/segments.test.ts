import fc from 'fast-check';
import { countSegments, isGsm7, segmentLimits } from '../../../lambdas/campaigns/domain/segments';

const gsmBasicSample = 'abcXYZ0129 @£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ!"#¤%&\'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà\n\r';
const gsmExtension = '\f^{}\\[~]|€';

describe('encoding', () => {
  it('plain ASCII text is GSM-7', () => {
    expect(countSegments('Hi Ann, your table is ready.').encoding).toBe('GSM-7');
  });

  it('every character of the GSM basic and extension tables stays GSM-7', () => {
    expect(isGsm7(gsmBasicSample + gsmExtension)).toBe(true);
  });

  it.each([
    ['an emoji', 'See you 😀'],
    ['a curly apostrophe', 'It’s ready'],
    ['a character outside the GSM table', 'Añejo ç'],
    ['Chinese text', '你好'],
  ])('text with %s is UCS-2', (_what, text) => {
    expect(countSegments(text).encoding).toBe('UCS-2');
  });
});

describe('GSM-7 segments', () => {
  it('an empty message has no segments', () => {
    expect(countSegments('')).toEqual({ encoding: 'GSM-7', segments: 0, characters: 0, units: 0 });
  });

  it('160 characters fit one segment, 161 need two', () => {
    expect(countSegments('a'.repeat(160)).segments).toBe(1);
    expect(countSegments('a'.repeat(161)).segments).toBe(2);
  });

  it('concatenated segments hold 153 characters each', () => {
    expect(countSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('an extension character counts two septets but one character', () => {
    expect(countSegments('€')).toEqual({ encoding: 'GSM-7', segments: 1, characters: 1, units: 2 });
    expect(countSegments('{'.repeat(80)).segments).toBe(1);
    expect(countSegments('{'.repeat(81)).segments).toBe(2);
  });

  it('an escape pair is never split between two segments', () => {
    // 152 septets then a 2-septet character: it cannot fit the first part's last septet.
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(152);
    expect(countSegments(text)).toMatchObject({ units: 306, segments: 3 });
  });
});

describe('UCS-2 segments', () => {
  it('70 characters fit one segment, 71 need two', () => {
    expect(countSegments('é'.repeat(69) + 'ç').segments).toBe(1);
    expect(countSegments('ç'.repeat(71)).segments).toBe(2);
  });

  it('concatenated segments hold 67 code units each', () => {
    expect(countSegments('ç'.repeat(134)).segments).toBe(2);
    expect(countSegments('ç'.repeat(135)).segments).toBe(3);
  });

  it('an emoji takes two code units and one character', () => {
    expect(countSegments('😀')).toEqual({ encoding: 'UCS-2', segments: 1, characters: 1, units: 2 });
    expect(countSegments('😀'.repeat(35)).segments).toBe(1);
    expect(countSegments('😀'.repeat(36)).segments).toBe(2);
  });

  it('a surrogate pair is never split between two segments', () => {
    const text = 'ç'.repeat(66) + '😀' + 'ç'.repeat(66);
    expect(countSegments(text)).toMatchObject({ units: 134, segments: 3 });
  });
});

describe('segment counting bounds (property)', () => {
  const gsmChar = fc.constantFrom(...[...gsmBasicSample, ...gsmExtension]);
  const anyText = fc.oneof(
    fc.string({ unit: 'grapheme', maxLength: 400 }),
    fc.string({ unit: gsmChar, maxLength: 800 }),
  );

  it('segments lie between the ideal packing and one more per worst-case split', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { encoding, segments, units } = countSegments(text);
        const { single, concatenated } = segmentLimits[encoding];
        if (units === 0) return segments === 0;
        if (units <= single) return segments === 1;
        const ideal = Math.ceil(units / concatenated);
        // A part left one unit short by an unsplittable pair loses at most one unit.
        return segments >= ideal && segments <= Math.ceil(units / (concatenated - 1));
      }),
    );
  });

  it('adding text never lowers the segment count', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        const whole = countSegments(a + b);
        const part = countSegments(a);
        return whole.encoding !== part.encoding || whole.segments >= part.segments;
      }),
    );
  });

  it('characters are code points and units are never fewer than characters', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const count = countSegments(text);
        return count.characters === [...text].length && count.units >= count.characters;
      }),
    );
  });
});
