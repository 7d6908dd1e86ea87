import { NotFoundException } from '@nestjs/common';
import { ConcurrencyError, EventStoreUnavailableError } from '@app/event-store';
import { CredentialNotFoundError, OfflineAccessRequiredError } from '@app/refresh-tokens';
import { InsufficientScopeError, TokenExpiredError } from '@app/signing';
import { answerFor, surfaceOf } from './http-exception.filter';
import { invalidGrant } from './oauth-error';

describe('answerFor: domain codes mapped once, at the edge', () => {
  it('speaks the management shape under /api and RFC 6749 elsewhere', () => {
    expect(surfaceOf('/api/v2/clients')).toBe('management');
    expect(surfaceOf('/delegation')).toBe('oauth');
    expect(surfaceOf('/oauth/token?x=1')).toBe('oauth');
    expect(surfaceOf('/health/ready')).toBe('operations');
  });

  it('maps an event-store outage to 503 with Retry-After on both surfaces', () => {
    const error = new EventStoreUnavailableError('down');
    const management = answerFor(error, 'management');
    expect(management.status).toBe(503);
    expect(management.headers['Retry-After']).toBeDefined();
    const oauth = answerFor(error, 'oauth');
    expect(oauth).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect(oauth.headers['Retry-After']).toBeDefined();
  });

  it('maps a lost concurrency race to 409 (management) and a retryable 503 (oauth)', () => {
    const error = new ConcurrencyError('s', '1', '2');
    expect(answerFor(error, 'management').status).toBe(409);
    expect(answerFor(error, 'oauth').status).toBe(503);
  });

  it('maps domain errors by code', () => {
    expect(answerFor(new CredentialNotFoundError('dcr_x'), 'management')).toMatchObject({ status: 404, body: { statusCode: 404, error: 'Not Found' } });
    expect(answerFor(new OfflineAccessRequiredError(), 'management')).toMatchObject({ status: 400, body: { errorCode: 'invalid_scope' } });
  });

  it('maps token verification failures to 401 and a missing scope to 403', () => {
    expect(answerFor(new TokenExpiredError('expired'), 'management').status).toBe(401);
    expect(answerFor(new InsufficientScopeError(['read:clients'], ['read:clients']), 'management')).toMatchObject({
      status: 403,
      body: { errorCode: 'insufficient_scope' },
    });
  });

  it('keeps OAuth errors as they are and shapes Nest HTTP exceptions per surface', () => {
    expect(answerFor(invalidGrant('Unknown or invalid refresh token.'), 'oauth')).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'Unknown or invalid refresh token.' },
    });
    expect(answerFor(new NotFoundException('Cannot GET /x'), 'management').body).toMatchObject({ statusCode: 404, errorCode: 'not_found' });
  });

  it('answers an unknown failure with a generic 500 that reveals nothing', () => {
    const answer = answerFor(new Error('SQLITE_CORRUPT: secret detail'), 'oauth');
    expect(answer.status).toBe(500);
    expect(JSON.stringify(answer.body)).not.toMatch(/SQLITE|secret/);
  });
});
