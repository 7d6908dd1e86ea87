import { normaliseHtu, sameHtu } from './htu';

describe('htu comparison (RFC 9449 §4.3 check 9, RFC 3986 §6.2.2)', () => {
  it.each([
    ['https://auth.example.com/oauth/token?a=1', 'query ignored'],
    ['https://auth.example.com/oauth/token#frag', 'fragment ignored'],
    ['HTTPS://AUTH.EXAMPLE.COM/oauth/token', 'scheme and host case'],
    ['https://auth.example.com:443/oauth/token', 'default port'],
    ['https://auth.example.com/x/../oauth/./token', 'dot segments'],
    ['https://auth.example.com/oauth/%74oken', 'percent-encoded unreserved'],
  ])('%s is the token endpoint (%s)', (claimed) => {
    expect(sameHtu(claimed, 'https://auth.example.com/oauth/token')).toBe(true);
  });

  it.each([
    'https://auth.example.com/oauth/Token',
    'https://auth.example.com/oauth/token/',
    'https://auth.example.com:444/oauth/token',
    'https://user@auth.example.com/oauth/token',
    'ftp://auth.example.com/oauth/token',
    'not a url',
  ])('%s is not', (claimed) => {
    expect(sameHtu(claimed, 'https://auth.example.com/oauth/token')).toBe(false);
  });

  it('keeps reserved percent-encodings, upper-cased', () => {
    expect(normaliseHtu('https://a.example/p%2fq')).toBe('https://a.example/p%2Fq');
  });
});
