import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { MAX_TEXT_LENGTH } from '@app/shared';
import { ManagementError } from './management-error';
import { answerFor, sendAnswer, surfaceOf } from './http-exception.filter';

/**
 * Every id the API accepts (MAX_TEXT_LENGTH UTF-16 units) must be addressable
 * in a path once percent-encoded: a unit is at most 3 UTF-8 bytes (a surrogate
 * pair is 4 bytes for 2 units), each byte `%XX`, so 9 characters per unit.
 * Fastify's default (100) cut user ids of 101+ characters off with a 414.
 */
export const MAX_PATH_PARAM_LENGTH = MAX_TEXT_LENGTH * 9;

/**
 * Fastify options so that the errors the router raises before Nest sees the
 * request (a bad percent-escape, an over-long parameter) answer in the
 * contract's shape through the same `answerFor` as the exception filter.
 */
export function fastifyErrorOptions() {
  return {
    routerOptions: { maxParamLength: MAX_PATH_PARAM_LENGTH },
    frameworkErrors: (error: Error, request: FastifyRequest, reply: FastifyReply) => {
      sendAnswer(reply, answerFor(error, surfaceOf(request.url)));
    },
  };
}

const hasBody = (request: FastifyRequest): boolean =>
  request.headers['transfer-encoding'] !== undefined || Number(request.headers['content-length'] ?? 0) > 0;
const isJson = (contentType: string | undefined): boolean => contentType?.split(';')[0].trim().toLowerCase() === 'application/json';

/**
 * The management API takes JSON only (README): a body of any other type is
 * 415 in the management shape before it is parsed (the form parser the OAuth
 * endpoints need is registered for the whole server).
 */
export function refuseNonJsonManagementBodies(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (surfaceOf(request.url) === 'management' && hasBody(request) && !isJson(request.headers['content-type'])) {
      sendAnswer(reply, answerFor(new ManagementError(415, 'The management API takes application/json bodies only.', 'unsupported_media_type'), 'management'));
      return;
    }
    done();
  });
}
