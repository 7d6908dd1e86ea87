import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorRateLimitHeaders } from '../http/rate-limit-headers';
import { answerForCode } from './error-mapping';
import { ManagementError } from './management-error';
import { OAuthError } from './oauth-error';

export type Surface = 'management' | 'oauth' | 'operations';

/**
 * The management API speaks Auth0's management error shape; health and metrics
 * keep their own (terminus's report); everything else RFC 6749 §5.2.
 */
export function surfaceOf(url: string): Surface {
  if (url.startsWith('/api/')) return 'management';
  if (url.startsWith('/health') || url.startsWith('/metrics')) return 'operations';
  return 'oauth';
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

function fromOAuth(e: OAuthError): Answer {
  return { status: e.status, headers: e.options.headers ?? {}, body: e.body() };
}
function fromManagement(e: ManagementError): Answer {
  return { status: e.statusCode, headers: e.headers, body: e.body() };
}

/** Nest's own HttpExceptions (404 route, 405, Fastify body errors) in the surface's shape. */
function fromHttpStatus(surface: Surface, status: number, message: string): Answer {
  if (surface === 'management') return fromManagement(new ManagementError(status, message, status === 404 ? 'not_found' : status === 415 ? 'unsupported_media_type' : 'bad_request'));
  const error = status === 401 ? 'invalid_client' : status >= 500 ? 'server_error' : 'invalid_request';
  return fromOAuth(new OAuthError(status, error, message));
}

/** Fastify errors that reach Nest (e.g. FST_ERR_CTP_BODY_TOO_LARGE, invalid JSON) carry a statusCode. */
function fastifyStatus(e: unknown): number | undefined {
  if (e && typeof e === 'object' && 'statusCode' in e && typeof (e as { statusCode: unknown }).statusCode === 'number') {
    const status = (e as { statusCode: number }).statusCode;
    return status >= 400 && status < 500 ? status : undefined;
  }
  return undefined;
}

/** Our own words for Fastify's client errors (theirs may echo the URL back). */
function fastifyMessage(code: string | undefined, status: number): string {
  switch (code) {
    case 'FST_ERR_BAD_URL':
      return 'Malformed URL: a path segment is not a valid percent-encoding.';
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return 'A path parameter is too long.';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Empty body with content-type application/json.';
    default:
      return status === 413 ? 'Request body too large.' : status === 415 ? 'Unsupported content type.' : 'Malformed request body.';
  }
}

function codeOf(e: unknown): string | undefined {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') return (e as { code: string }).code;
  return undefined;
}

export function answerFor(error: unknown, requested: Surface): Answer {
  // A readiness report (terminus's 503) goes out as it is.
  if (requested === 'operations' && error instanceof HttpException && typeof error.getResponse() === 'object') {
    return { status: error.getStatus(), headers: {}, body: error.getResponse() };
  }
  const surface = requested === 'operations' ? 'management' : requested;
  if (error instanceof OAuthError) return fromOAuth(error);
  if (error instanceof ManagementError) return fromManagement(error);
  if (error instanceof HttpException) {
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : typeof (response as { message?: unknown }).message === 'string'
          ? (response as { message: string }).message
          : error.message;
    return fromHttpStatus(surface, error.getStatus(), message);
  }
  const code = codeOf(error);
  const mapping = code ? answerForCode(code) : undefined;
  if (mapping) {
    const message = error instanceof Error ? error.message : String(error);
    return surface === 'management' ? fromManagement(mapping.management(message)) : fromOAuth(mapping.oauth(message));
  }
  const status = fastifyStatus(error);
  if (status !== undefined) return fromHttpStatus(surface, status, fastifyMessage(code, status));
  return surface === 'management'
    ? fromManagement(new ManagementError(500, 'Internal error', 'internal_error'))
    : fromOAuth(new OAuthError(500, 'server_error', 'Internal error.'));
}

/** The one exception filter of the service. */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const ctx = host.switchToHttp();
    const request = ctx.getRequest<FastifyRequest>();
    const reply = ctx.getResponse<FastifyReply>();
    const answer = answerFor(exception, surfaceOf(request.url));
    if (answer.status >= 500) {
      this.logger.error({ err: exception, url: request.url.split('?')[0] }, 'request failed');
    } else if (exception instanceof OAuthError && exception.options.detail) {
      // The public description is generic; the detail is for operators.
      this.logger.warn({ url: request.url.split('?')[0], detail: exception.options.detail }, exception.description);
    }
    // The budget the request spent before it failed (a refused refresh token, a 429) goes out with the error.
    sendAnswer(reply, { ...answer, headers: { ...errorRateLimitHeaders(exception), ...answer.headers } });
  }
}

export function sendAnswer(reply: FastifyReply, answer: Answer): void {
  void reply
    .status(answer.status)
    .headers({ 'cache-control': 'no-store', pragma: 'no-cache', ...answer.headers })
    .send(answer.body);
}
