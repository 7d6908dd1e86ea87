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

  it.each(cases)('given a %s token of a client in state %s, answers %s', (token, client, expected) => {
    expect(credentialValidity(token, client)).toBe(expected);
  });
});
