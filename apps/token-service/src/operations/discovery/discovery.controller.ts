import { Controller, Get, Header, Inject } from '@nestjs/common';
import { type IdTokenAlg, KeyStore, openIdConfiguration } from '@app/signing';
import { DPOP_SIGNING_ALGS } from '@app/dpop';
import { ISSUER } from '../../infrastructure/tokens';

@Controller('.well-known')
export class DiscoveryController {
  constructor(
    private readonly keys: KeyStore,
    @Inject(ISSUER) private readonly issuer: string,
  ) {}

  @Get('openid-configuration')
  @Header('Cache-Control', 'public, max-age=300')
  configuration() {
    const algs: IdTokenAlg[] = [...this.keys.algorithms(), 'HS256'];
    // RFC 9449 §5.1: the proof algorithms the token endpoint accepts.
    return { ...openIdConfiguration(this.issuer, algs), dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGS] };
  }

  /** RFC 7517 JWK Set; a rotated-in key is published before it signs, so caches of 5 minutes are safe. */
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  jwks() {
    return this.keys.jwks();
  }
}
