import { credentialValidity, type OwningClientStatus } from './validity';
import type { RefreshTokenState } from './state';

describe('credentialValidity (may this credential be used?)', () => {
  const cases: Array<[RefreshTokenState['status'], OwningClientStatus, string]> = [
    ['active', 'active', 'valid'],
    ['active', 'deleted', 'client_deleted'],
    ['active', 'none', 'client_unknown'],
    ['revoked', 'active', 'revoked'],
    ['revoked', 'deleted', 'revoked'],
    ['revoked', 'none', 'revoked'],
    ['none', 'active', 'not_issued'],
    ['none', 'none', 'not_issued'],
  ];

  it('answers expired only of an otherwise valid token', () => {
    expect(credentialValidity('active', 'active', true)).toBe('expired');
    expect(credentialValidity('active', 'active', false)).toBe('valid');
    expect(credentialValidity('revoked', 'active', true)).toBe('revoked');
    expect(credentialValidity('active', 'deleted', true)).toBe('client_deleted');
  });

  it.each(cases)('given a %s token of a client in state %s, answers %s', (token, client, expected) => {
    expect(credentialValidity(token, client)).toBe(expected);
  });
});
