import * as audit from '@app/audit';
import * as clients from '@app/clients';
import * as dpop from '@app/dpop';
import * as eventStore from '@app/event-store';
import * as readModel from '@app/read-model';
import * as refreshTokens from '@app/refresh-tokens';
import * as revocationRelay from '@app/revocation-relay';
import * as processLib from '@app/process';
import * as shared from '@app/shared';
import { CodedError, InvalidArgumentError } from '@app/shared';
import * as signing from '@app/signing';
import * as transparencyLog from '@app/transparency-log';
import * as revocationEvents from '@refresh-token-service/revocation-events';
import { answerForCode, ERROR_ANSWERS } from './error-mapping';
import { answerFor } from './http-exception.filter';

/** Server faults on purpose: ours to fix, never the caller's (5xx with a generic body). */
const INTENDED_SERVER_FAULTS = [
  'DATA_DIR_LOCKED',
  'DATA_DIR_NOT_OWNED',
  // the verifiable log: the audit routes validate first, so these are never a caller's
  'TLOG_OUT_OF_RANGE',
  'TLOG_PROOF_INVALID',
  'TLOG_MALFORMED_NOTE',
  'TLOG_MALFORMED_KEY',
  'TLOG_SIGNATURE_INVALID',
  'TLOG_NOT_SIGNED',
  'TLOG_MALFORMED_CHECKPOINT',
  'TLOG_LOG_INCONSISTENT',
  'DATA_DIR_MISSING',
  'RELAY_LEASE_LOST',
  'TOPIC_RETENTION_TOO_SHORT',
  'TOPIC_COMPACTED',
  'CONSUMER_ALREADY_STARTED',
  'CLIENT_SECRET_REQUIRED',
  'SEALED_SECRET_REQUIRED',
  'SEALED_SECRET_NOT_ALLOWED',
  'REBUILD_TARGET_EXISTS',
  'READ_MODEL_UNREADABLE',
  'INVALID_REVOCATION_MESSAGE',
  'NOT_A_REVOCATION_EVENT',
  'KEY_STORE_INVALID',
  'KEY_STORE_READ_ONLY',
  'KEY_NOT_FOUND',
  'KEY_IN_USE',
  'KEY_MAY_STILL_VERIFY',
  'NO_SIGNING_KEY',
  'INVALID_INPUT',
  'DATA_KEY_INVALID',
  'SEALED_VALUE_INVALID',
];
/** Retryable: the store or a dependency is down or busy (503 + Retry-After, or a 409 to retry). */
const INTENDED_RETRYABLE = ['EVENT_STORE_UNAVAILABLE', 'CONCURRENCY', 'CONSUMER_STOPPED', 'LISTENER_NOT_READY', 'KEY_STORE_LOCKED', 'BROKER_UNREACHABLE'];

type ErrorClass = new (...args: unknown[]) => CodedError;

/**
 * Every concrete coded error class a lib exports, built with stand-in arguments (arrays stringify and join).
 * The SDK package has its own base (it depends on nothing of the service), with the same shape.
 */
function exportedErrors(): CodedError[] {
  const libs = [audit, clients, dpop, eventStore, readModel, refreshTokens, revocationRelay, revocationEvents, shared, processLib, signing, transparencyLog];
  const isCoded = (value: { prototype: unknown }): boolean =>
    value.prototype instanceof CodedError || value.prototype instanceof revocationEvents.RevocationEventsError;
  const errors: CodedError[] = [];
  for (const lib of libs) {
    for (const value of Object.values(lib)) {
      if (typeof value !== 'function' || !isCoded(value)) continue;
      try {
        errors.push(new (value as ErrorClass)(['x'], ['x'], ['x']));
      } catch (error) {
        // The lib's abstract base classes cannot be built on their own; they have no code.
        if (!(error instanceof TypeError)) throw error;
      }
    }
  }
  return errors.filter((e) => typeof e.code === 'string');
}

describe('the error table: every lib error code has one HTTP answer', () => {
  const errors = exportedErrors();

  it('finds the exported error classes of every lib', () => {
    // given the libs' exports, when collected, then each lib contributes (a lib whose errors vanish fails here)
    const codes = new Set(errors.map((e) => e.code));
    for (const code of ['INVALID_TIME', 'CLIENT_NOT_FOUND', 'INVALID_CURSOR', 'CONCURRENCY', 'CONSUMER_STOPPED', 'CREDENTIAL_NOT_FOUND', 'LISTENER_NOT_READY', 'DATA_KEY_INVALID', 'DATA_DIR_LOCKED', 'DATA_DIR_MISSING']) {
      expect(codes).toContain(code);
    }
  });

  it('maps every exported error class by its code, with no row left over', () => {
    const exported = new Set(errors.map((e) => e.code));
    const unmapped = [...exported].filter((code) => answerForCode(code) === undefined);
    expect(unmapped).toEqual([]);
    expect(Object.keys(ERROR_ANSWERS).filter((code) => !exported.has(code))).toEqual([]);
  });

  it.each(['management', 'oauth'] as const)('answers every caller mistake with a 4xx and every server fault with a generic 5xx (%s)', (surface) => {
    for (const error of exportedErrors()) {
      const answer = answerFor(error, surface);
      const row = { code: error.code, status: answer.status };
      if (INTENDED_SERVER_FAULTS.includes(error.code)) {
        expect(row).toEqual({ code: error.code, status: 500 });
        expect(ERROR_ANSWERS[error.code as keyof typeof ERROR_ANSWERS].fault).toBe('server');
        // The detail (here the stand-in message "x") stays in the log.
        expect(JSON.stringify(answer.body)).not.toContain(error.message);
      } else if (INTENDED_RETRYABLE.includes(error.code)) {
        expect([409, 503]).toContain(answer.status);
        expect(ERROR_ANSWERS[error.code as keyof typeof ERROR_ANSWERS].fault).toBe('retry');
      } else {
        expect(row.status).toBeGreaterThanOrEqual(400);
        expect(row.status).toBeLessThan(500);
        expect(ERROR_ANSWERS[error.code as keyof typeof ERROR_ANSWERS].fault).toBe('caller');
      }
    }
  });

  it('answers the former 500s for caller mistakes with 400', () => {
    // given a native client asking for HS256 or client_credentials, or issuance without the refresh_token grant
    const hs256 = new clients.Hs256RequiresConfidentialClientError();
    const grant = new clients.GrantTypeNotAllowedError('client_credentials');
    // then a 400 in the management shape
    expect(answerFor(hs256, 'management')).toMatchObject({ status: 400, body: { statusCode: 400, errorCode: 'invalid_body' } });
    expect(answerFor(grant, 'management')).toMatchObject({ status: 400, body: { statusCode: 400, errorCode: 'invalid_body' } });
    expect(answerFor(grant, 'oauth')).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
  });

  it("gives OAuth clients a generic description and keeps the domain's text for the log only", () => {
    const error = new InvalidArgumentError('grantTypes', 'unknown grant type "magic"');
    const answer = answerFor(error, 'oauth');
    expect(answer.body).toEqual({ error: 'invalid_request', error_description: expect.not.stringContaining('magic') });
    const mapped = ERROR_ANSWERS.INVALID_ARGUMENT.oauth(error.message);
    expect(mapped.options.detail).toContain('magic');
  });

  it('does not match a code through the prototype chain', () => {
    expect(answerForCode('constructor')).toBeUndefined();
    expect(answerFor(Object.assign(new Error('boom'), { code: 'toString' }), 'management').status).toBe(500);
  });
});
