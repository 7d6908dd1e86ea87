import { STATUS_CODES } from 'node:http';

/**
 * Auth0 Management API v2 error shape:
 * `{"statusCode": 400, "error": "Bad Request", "message": "...", "errorCode": "..."}`.
 */
export class ManagementError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
    readonly errorCode: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ManagementError';
  }

  body(): { statusCode: number; error: string; message: string; errorCode: string } {
    return {
      statusCode: this.statusCode,
      error: STATUS_CODES[this.statusCode] ?? 'Error',
      message: this.message,
      errorCode: this.errorCode,
    };
  }
}

export const badRequest = (message: string, errorCode = 'invalid_body'): ManagementError => new ManagementError(400, message, errorCode);
export const notFound = (message: string, errorCode = 'inexistent_resource'): ManagementError =>
  new ManagementError(404, message, errorCode);
export const conflict = (message: string, errorCode = 'conflict'): ManagementError => new ManagementError(409, message, errorCode);
export const unauthorized = (message: string, errorCode = 'invalid_token'): ManagementError =>
  new ManagementError(401, message, errorCode, { 'WWW-Authenticate': `Bearer error="${errorCode}"` });
export const insufficientScope = (message: string): ManagementError =>
  new ManagementError(403, message, 'insufficient_scope', { 'WWW-Authenticate': 'Bearer error="insufficient_scope"' });
