import { DELEGATION_ID_TOKEN_GRANT, DELEGATION_REFRESH_TOKEN_GRANT, grantTypesOfRegistration } from './client-defaults';

const DELEGATION = [DELEGATION_REFRESH_TOKEN_GRANT, DELEGATION_ID_TOKEN_GRANT];

describe('grantTypesOfRegistration: clients registered before /delegation checked grant types', () => {
  it.each([
    ['native', ['authorization_code', 'implicit', 'refresh_token']],
    ['spa', ['authorization_code', 'implicit', 'refresh_token']],
    ['regular_web', ['authorization_code', 'implicit', 'refresh_token', 'client_credentials']],
    ['regular_web', ['authorization_code', 'implicit', 'refresh_token']],
  ] as const)('gives a %s client with that time\'s defaults %j both delegation grants', (appType, grantTypes) => {
    expect(grantTypesOfRegistration({ appType, grantTypes: [...grantTypes] })).toEqual([...grantTypes, ...DELEGATION]);
  });

  it('gives them to an older client that listed the jwt-bearer grant', () => {
    const grantTypes = ['refresh_token', 'urn:ietf:params:oauth:grant-type:jwt-bearer'];
    expect(grantTypesOfRegistration({ appType: 'native', grantTypes })).toEqual([...grantTypes, ...DELEGATION]);
  });

  it('leaves any other older list as written', () => {
    expect(grantTypesOfRegistration({ appType: 'native', grantTypes: ['refresh_token'] })).toEqual(['refresh_token']);
    expect(grantTypesOfRegistration({ appType: 'non_interactive', grantTypes: ['client_credentials'] })).toEqual(['client_credentials']);
  });

  it('takes a registration that carries allowedClients (made under the rule) as written, even with the former defaults', () => {
    const grantTypes = ['authorization_code', 'implicit', 'refresh_token'];
    expect(grantTypesOfRegistration({ appType: 'native', grantTypes, allowedClients: [] })).toEqual(grantTypes);
  });
});
