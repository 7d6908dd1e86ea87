import { z } from 'zod';

/** RFC 6749 §5.2 error body of the OAuth endpoints (/delegation, /oauth/*). */
export const oauthErrorSchema = z
  .object({
    error: z.string().meta({ examples: ['invalid_request', 'invalid_grant', 'invalid_client', 'unsupported_grant_type'] }),
    error_description: z.string(),
  })
  .strict()
  .meta({ id: 'OAuthError' });

/** Auth0's management API error body (`ManagementError.body()`). */
export const managementErrorSchema = z
  .object({
    statusCode: z.number().int(),
    error: z.string().meta({ examples: ['Bad Request'] }),
    message: z.string(),
    errorCode: z.string().meta({ examples: ['invalid_body', 'invalid_query_string', 'insufficient_scope', 'inexistent_resource'] }),
  })
  .strict()
  .meta({ id: 'ManagementError' });
