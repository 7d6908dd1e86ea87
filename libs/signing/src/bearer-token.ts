/**
 * The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1), or
 * undefined when there is none or the scheme differs; feed the result to
 * verifyAccessToken, which answers TOKEN_MISSING for undefined.
 */
export function bearerToken(authorization: string | readonly string[] | undefined): string | undefined {
  const header = Array.isArray(authorization) ? authorization[0] : authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  return match?.[1];
}
