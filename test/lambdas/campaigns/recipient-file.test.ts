import { decodeRecipientFile } from '../../../lambdas/campaigns';

const utf8 = (text: string) => new TextEncoder().encode(text);

describe('decodeRecipientFile', () => {
  it('reads UTF-8, with or without a byte-order mark, as it is', () => {
    expect(decodeRecipientFile(utf8('phone,firstName\n+12125550100,José\n'))).toEqual({
      kind: 'decoded',
      text: 'phone,firstName\n+12125550100,José\n',
    });
    expect(decodeRecipientFile(utf8('\uFEFFphone\n+12125550100\n'))).toEqual({
      kind: 'decoded',
      text: 'phone\n+12125550100\n',
    });
  });

  it('refuses Windows-1252 bytes with the row and the byte, and after a byte-order mark too', () => {
    const latin = Buffer.from('phone,firstName\n+12125550100,Ann\n+12125550101,Zo\xeb\n', 'latin1');
    expect(decodeRecipientFile(latin)).toEqual({
      kind: 'not-utf8',
      row: 3,
      byte: 0xeb,
      looksLike: 'single-byte',
    });
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('phone\n\x96\n', 'latin1')]);
    expect(decodeRecipientFile(withBom)).toMatchObject({ kind: 'not-utf8', row: 2, byte: 0x96 });
  });

  it('refuses UTF-16 ("Unicode text") by its byte-order mark', () => {
    const wide = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('phone\n', 'utf16le')]);
    expect(decodeRecipientFile(wide)).toMatchObject({ kind: 'not-utf8', looksLike: 'utf-16' });
  });

  it('decodes the encoding the operator names, and refuses a label it does not know', () => {
    const latin = Buffer.from('phone,firstName\n+12125550101,Jos\xe9 \x93Pep\x94\n', 'latin1');
    expect(decodeRecipientFile(latin, 'windows-1252')).toEqual({
      kind: 'decoded',
      text: 'phone,firstName\n+12125550101,José “Pep”\n',
    });
    expect(decodeRecipientFile(latin, 'klingon')).toEqual({ kind: 'unknown-encoding', encoding: 'klingon' });
    expect(decodeRecipientFile(Buffer.from([0x41, 0xd8, 0x00]), 'utf-16be')).toMatchObject({
      kind: 'not-in-encoding',
      encoding: 'utf-16be',
    });
  });
});
