/** Descriptions the contract fixes; any other reason for refusing a token goes to the log only. */
export const UNKNOWN_REFRESH_TOKEN = 'Unknown or invalid refresh token.';
export const REVOKED_REFRESH_TOKEN = 'The refresh token has been revoked.';
/** /delegation has no place for a successor in its answer. */
export const ROTATING_REFRESH_TOKEN = 'Rotating refresh tokens are exchanged at /oauth/token.';
