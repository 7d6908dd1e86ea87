import { revocationSigningInput } from './signing-input';

const field = (text: string): string => `${Buffer.byteLength(text).toString(16).padStart(8, '0')}${Buffer.from(text).toString('hex')}`;

describe('revocationSigningInput (the bytes ce_signature signs)', () => {
  it('is the length-prefixed ce_* headers sorted by name, then the value: a test vector', () => {
    const input = revocationSigningInput({ ce_type: 't', 'content-type': 'application/json', ce_id: 'e1', ce_signature: 'x..y' }, '{"a":1}');
    // 00000005 "ce_id" 00000002 "e1" 00000007 "ce_type" 00000001 "t" 00000007 '{"a":1}'
    expect(Buffer.from(input).toString('hex')).toBe(
      '00000005' + '63655f6964' + '00000002' + '6531' + '00000007' + '63655f74797065' + '00000001' + '74' + '00000007' + '7b2261223a317d',
    );
    expect(Buffer.from(input).toString('hex')).toBe(field('ce_id') + field('e1') + field('ce_type') + field('t') + field('{"a":1}'));
  });

  it('reads header names case-insensitively, values and value as raw bytes (strings as UTF-8)', () => {
    const asStrings = revocationSigningInput({ ce_id: 'é', ce_subject: 'dcr_1' }, 'v');
    const asBuffers = revocationSigningInput({ CE_SUBJECT: Buffer.from('dcr_1'), ce_id: Buffer.from('é') }, Buffer.from('v'));
    expect(Buffer.from(asBuffers).equals(Buffer.from(asStrings))).toBe(true);
  });

  it('changes with any ce_* header, any byte of the value, and where a boundary falls', () => {
    const base = Buffer.from(revocationSigningInput({ ce_id: 'ab', ce_subject: 'c' }, 'v'));
    const variants = [
      revocationSigningInput({ ce_id: 'ab', ce_subject: 'd' }, 'v'),
      revocationSigningInput({ ce_id: 'ab', ce_subject: 'c' }, 'w'),
      revocationSigningInput({ ce_id: 'a', ce_subject: 'bc' }, 'v'),
      revocationSigningInput({ ce_id: 'ab', ce_subject: 'c', ce_extra: '' }, 'v'),
    ];
    for (const v of variants) expect(Buffer.from(v).equals(base)).toBe(false);
  });

  it('ignores headers other than ce_* (content-type) and the signature itself', () => {
    const base = Buffer.from(revocationSigningInput({ ce_id: 'a' }, 'v'));
    expect(Buffer.from(revocationSigningInput({ ce_id: 'a', 'content-type': 'text/plain', ce_signature: 'x' }, 'v')).equals(base)).toBe(true);
  });

  it('refuses a ce_* header given twice, in one array or in two cases', () => {
    expect(() => revocationSigningInput({ ce_id: ['a', 'b'] }, 'v')).toThrow(expect.objectContaining({ code: 'INVALID_REVOCATION_MESSAGE' }));
    expect(() => revocationSigningInput({ ce_id: 'a', CE_ID: 'b' }, 'v')).toThrow(expect.objectContaining({ code: 'INVALID_REVOCATION_MESSAGE' }));
  });
});
