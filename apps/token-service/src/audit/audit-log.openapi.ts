import { z } from 'zod';
import type { ZodOpenApiOperationObject, ZodOpenApiPathsObject } from 'zod-openapi';
import { consistencyProofQuery, inclusionProofQuery } from './audit-log.controller';

/** The shape of the document's `management()` helper, passed in so this folder does not reach into the docs module. */
type ManagementOperationFactory = (op: {
  summary: string;
  scope: string;
  tag: string;
  path?: z.ZodObject;
  query?: z.ZodObject;
  status: 200;
  response?: z.ZodType;
  errors: readonly number[];
}) => ZodOpenApiOperationObject;

const base64 = z.string().meta({ description: 'base64' });
const text = (description: string) => ({ description, content: { 'text/plain': { schema: z.string() } } });

/** /api/v2/audit/*: the verifiable log (product.md, "Verifiable log"). */
export function auditLogPaths(management: ManagementOperationFactory): ZodOpenApiPathsObject {
  const op = (summary: string, rest: { path?: z.ZodObject; query?: z.ZodObject; response?: z.ZodType; errors?: number[] }) =>
    management({ tag: 'verifiable log', scope: 'read:audit', status: 200, summary, errors: rest.errors ?? [], ...rest });
  const textOp = (summary: string, description: string): ZodOpenApiOperationObject => {
    const operation = op(summary, { errors: [503] });
    return { ...operation, responses: { ...operation.responses, '200': text(description) } };
  };
  return {
    '/api/v2/audit/checkpoint': {
      get: textOp('The latest signed checkpoint', 'A C2SP signed note holding a tlog-checkpoint: origin, tree size, base64 root hash, then Ed25519 signature lines'),
    },
    '/api/v2/audit/verifier-key': {
      get: textOp('The checkpoint verifier keys', 'One C2SP verifier key per line, `<name>+<hex key id>+<base64(0x01 ‖ public key)>`; the current key first, earlier ones after'),
    },
    '/api/v2/audit/leaves/{index}': {
      get: op('One leaf of the tree: an event’s coordinates and content hashes', {
        path: z.object({ index: z.string().meta({ description: '0-based leaf index' }) }),
        response: z.object({ index: z.number().int(), leaf_data: base64, event_id: z.string(), log_position: z.number().int() }),
        errors: [400, 503],
      }),
    },
    '/api/v2/audit/proofs/inclusion': {
      get: op('RFC 9162 §2.1.3 inclusion proof of a leaf in a tree of `tree_size` leaves (up to the latest checkpoint)', {
        query: inclusionProofQuery,
        response: z.object({ index: z.number().int(), tree_size: z.number().int(), leaf_hash: base64, hashes: z.array(base64) }),
        errors: [400, 503],
      }),
    },
    '/api/v2/audit/proofs/consistency': {
      get: op('RFC 9162 §2.1.4 consistency proof between two tree sizes (empty when equal)', {
        query: consistencyProofQuery,
        response: z.object({ first: z.number().int(), second: z.number().int(), hashes: z.array(base64) }),
        errors: [400, 503],
      }),
    },
  };
}
