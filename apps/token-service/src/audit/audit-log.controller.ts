import { Controller, Get, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { consistencyProof, inclusionProof, leafHash, openCheckpoint } from '@app/transparency-log';
import type { ServedLog } from '@app/verifiable-log';
import { badRequest, ManagementError } from '../errors/management-error';
import { parseManagementInput, parsePathParam } from '../errors/validation';
import { VERIFIABLE_LOG } from '../infrastructure/tokens';
import { ManagementAuthGuard } from '../management/auth/management-auth.guard';
import { RequireScopes } from '../management/auth/scopes';

const treeNumber = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
export const inclusionProofQuery = z.object({ index: treeNumber, tree_size: treeNumber }).strict();
export const consistencyProofQuery = z.object({ first: treeNumber, second: treeNumber }).strict();

const b64 = (hash: Buffer): string => hash.toString('base64');
const TEXT = 'text/plain; charset=utf-8';

/**
 * The verifiable log (product.md F16): the latest signed checkpoint, the
 * verifier keys, leaves, and RFC 9162 proofs up to the latest checkpoint,
 * so anyone holding a checkpoint checks the log without trusting us.
 */
@UseGuards(ManagementAuthGuard)
@Controller('api/v2/audit')
export class AuditLogController {
  constructor(@Inject(VERIFIABLE_LOG) private readonly log: ServedLog | undefined) {}

  @Get('checkpoint')
  @RequireScopes('read:audit')
  checkpoint(@Res({ passthrough: true }) reply: FastifyReply): string {
    const { note } = this.latest();
    reply.type(TEXT);
    return note;
  }

  /** The current key first, then every earlier one (checkpoints signed before a rotation still verify). */
  @Get('verifier-key')
  @RequireScopes('read:audit')
  verifierKey(@Res({ passthrough: true }) reply: FastifyReply): string {
    const log = this.running();
    const keys = log.verifiers.map((v) => v.verifierKey);
    const current = log.checkpoints.verifierKey;
    // Set only on success: an error answers in the management JSON shape.
    reply.type(TEXT);
    return [current, ...keys.filter((k) => k !== current)].map((k) => `${k}\n`).join('');
  }

  @Get('leaves/:index')
  @RequireScopes('read:audit')
  leaf(@Param('index') index: string) {
    const parsed = treeNumber.safeParse(parsePathParam('index', index));
    const leaf = parsed.success ? this.running().tree.leaf(parsed.data) : undefined;
    if (!leaf) throw badRequest(`No leaf at index ${index}`, 'invalid_query_string');
    return { index: leaf.index, leaf_data: b64(leaf.data), event_id: leaf.eventId, log_position: leaf.position };
  }

  /** RFC 9162 §2.1.3: up to the latest signed checkpoint only, so every answer verifies against a signed root. */
  @Get('proofs/inclusion')
  @RequireScopes('read:audit')
  inclusion(@Query() query: unknown) {
    const q = parseManagementInput(inclusionProofQuery, query, 'query');
    const { size } = this.latest();
    if (q.tree_size > size) throw badRequest(`tree_size is above the latest checkpoint (${size})`, 'invalid_query_string');
    if (q.index >= q.tree_size) throw badRequest('index must be below tree_size', 'invalid_query_string');
    const tree = this.running().tree;
    return {
      index: q.index,
      tree_size: q.tree_size,
      leaf_hash: b64(leafHash(tree.leaf(q.index)!.data)),
      hashes: inclusionProof(tree, q.index, q.tree_size).map(b64),
    };
  }

  /** RFC 9162 §2.1.4; `first = second` is an empty proof. */
  @Get('proofs/consistency')
  @RequireScopes('read:audit')
  consistency(@Query() query: unknown) {
    const q = parseManagementInput(consistencyProofQuery, query, 'query');
    const { size } = this.latest();
    if (q.second > size) throw badRequest(`second is above the latest checkpoint (${size})`, 'invalid_query_string');
    if (q.first > q.second) throw badRequest('first must not exceed second', 'invalid_query_string');
    return { first: q.first, second: q.second, hashes: consistencyProof(this.running().tree, q.first, q.second).map(b64) };
  }

  private running(): ServedLog {
    if (!this.log) throw new ManagementError(503, 'No verifiable log here: set CHECKPOINT_VERIFIER_KEYS to the relay\u2019s verifier key.', 'temporarily_unavailable');
    return this.log;
  }

  private latest(): { note: string; size: number } {
    const log = this.running();
    const note = log.checkpoints.latest();
    if (!note) throw new ManagementError(503, 'No checkpoint is signed yet; retry in a second.', 'temporarily_unavailable', { 'Retry-After': '1' });
    return { note, size: openCheckpoint(note, log.verifiers).size };
  }
}
