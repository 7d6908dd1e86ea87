/**
 * The audit lib over both adapters: SQLite (the embedded default) and the
 * EventStoreDB adapter over the EventStoreDB TEST DOUBLE (an in-process gRPC
 * stand-in, not EventStoreDB). Each test writes the same story (fixtures)
 * through the real adapter, into a fresh store.
 */
import { PassThrough } from 'node:stream';
import Database from 'better-sqlite3';
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { clientHistory, tokenHistory, userHistory } from './history';
import { exportJsonLines, type ExportLine } from './export';
import { stateAt, tokenStateAt } from './state-at';
import { verify } from './verify';
import { parseInstant } from './instant';
import type { ProgressReporter } from './progress';
import {
  ADAPTER_CASES,
  eventStoreDbCase,
  buildLiveReadModel,
  CLIENT_SECRET_HASH,
  IDS,
  PLAINTEXT,
  SEALED_SECRET,
  sha256Hex,
  TIMES,
  writeStory,
  type AuditHarness,
  type StoryPositions,
} from '../../../test/support/audit-log.fixtures';

const ms = (iso: string, delta = 0): Date => new Date(Date.parse(iso) + delta);

/** No plaintext token and no client secret material anywhere in an output (invariant 2). */
function expectNoSecrets(output: unknown): void {
  const text = JSON.stringify(output);
  for (const secret of [...Object.values(PLAINTEXT), CLIENT_SECRET_HASH, SEALED_SECRET]) expect(text).not.toContain(secret);
}

describe.each(ADAPTER_CASES)('audit over $name', (adapter) => {
  let h: AuditHarness;
  let p: StoryPositions;

  beforeEach(async () => {
    h = await adapter.open();
    p = await writeStory(h.store);
  });
  afterEach(async () => {
    await h.close();
  });

  describe('history', () => {
    it("returns a token's events in log order with time, actor, reason, ids and log position, the token only as its SHA-256", async () => {
      const entries = await tokenHistory(h.store, IDS.cred1);
      expect(entries).toEqual([
        {
          type: 'RefreshTokenIssued',
          time: TIMES.cred1Issued,
          log_position: p.cred1Issued,
          actor: 'login-service',
          reason: null,
          correlation_id: 'login-1',
          causation_id: null,
          data: {
            credential_id: IDS.cred1,
            client_id: IDS.clientA,
            user_id: IDS.user1,
            device_id: 'phone-id',
            device_name: 'phone',
            scope: 'openid offline_access',
            issued_at: TIMES.cred1Issued,
            token_sha256: sha256Hex(PLAINTEXT.cred1),
          },
        },
        {
          type: 'RefreshTokenRevoked',
          time: TIMES.cred1Revoked,
          log_position: p.cred1Revoked,
          actor: 'mgmt',
          reason: 'device_credential_deleted',
          correlation_id: IDS.correlation1,
          causation_id: null,
          data: {
            credential_id: IDS.cred1,
            client_id: IDS.clientA,
            user_id: IDS.user1,
            device_id: 'phone-id',
            device_name: 'phone',
            reason: 'device_credential_deleted',
            revoked_by: 'mgmt',
            revoked_at: TIMES.cred1Revoked,
          },
        },
      ]);
      expectNoSecrets(entries);
    });

    it('returns no events for an unknown credential', async () => {
      await expect(tokenHistory(h.store, 'dcr_unknown')).resolves.toEqual([]);
    });

    it("returns a user's events across all their tokens, from the log alone, with the cascade's causation id", async () => {
      const entries = await userHistory(h.store, IDS.user1);
      expect(entries.map((e) => [e.log_position, e.type, e.data.credential_id])).toEqual([
        [p.cred1Issued, 'RefreshTokenIssued', IDS.cred1],
        [p.cred2Issued, 'RefreshTokenIssued', IDS.cred2],
        [p.cred1Revoked, 'RefreshTokenRevoked', IDS.cred1],
        [p.cred2Revoked, 'RefreshTokenRevoked', IDS.cred2],
      ]);
      expect(entries[3]).toMatchObject({ actor: 'system', reason: 'client_deleted', correlation_id: IDS.correlation2 });
      expect(entries[3].causation_id).toEqual(expect.any(String));
    });

    it("returns a client's own events and its tokens' events, never its secret", async () => {
      const b = await clientHistory(h.store, IDS.clientB);
      expect(b.map((e) => [e.log_position, e.type])).toEqual([
        [p.clientB, 'ClientRegistered'],
        [p.cred2Issued, 'RefreshTokenIssued'],
        [p.clientBDeleted, 'ClientDeleted'],
        [p.cred2Revoked, 'RefreshTokenRevoked'],
      ]);
      expect(b[0].data).toEqual({
        client_id: IDS.clientB,
        name: 'app client-b',
        app_type: 'regular_web',
        token_endpoint_auth_method: 'client_secret_post',
        jwt_configuration: { alg: 'HS256', lifetime_in_seconds: 36000 },
        grant_types: ['refresh_token'],
        created_at: TIMES.clientBRegistered,
      });
      expectNoSecrets(b);
      const a = await clientHistory(h.store, IDS.clientA);
      expect(a.map((e) => e.log_position)).toEqual([p.clientA, p.grant, p.cred1Issued, p.cred3Issued, p.cred1Revoked]);
    });

    it('reports scan progress up to the last event', async () => {
      const calls: string[] = [];
      const progress: ProgressReporter = {
        start: (head) => calls.push(`start ${head}`),
        update: (position, events) => calls.push(`update ${position} ${events}`),
        stop: () => calls.push('stop'),
      };
      await userHistory(h.store, IDS.user2, { progress });
      expect(calls[0]).toBe(`start ${p.cred2Revoked}`);
      // Five refresh-token events; the scan reads the token streams only.
      expect(calls.at(-2)).toBe(`update ${p.cred2Revoked} 5`);
      expect(calls.at(-1)).toBe('stop');
    });
  });

  describe('state at a point in time', () => {
    it.each([
      ['1 ms before its issuance', TIMES.cred1Issued, -1, false, 'not_issued'],
      ['at its issuance', TIMES.cred1Issued, 0, true, 'valid'],
      ['1 ms before its revocation', TIMES.cred1Revoked, -1, true, 'valid'],
      ['at its revocation', TIMES.cred1Revoked, 0, false, 'revoked'],
      ['a year after its revocation', TIMES.cred1Revoked, 365 * 86_400_000, false, 'revoked'],
    ])('a token %s is valid=%s (%s)', async (_when, base, delta, valid, code) => {
      const answer = await tokenStateAt(h.store, IDS.cred1, ms(base, delta));
      expect(answer).toMatchObject({ credentialId: IDS.cred1, valid, code });
    });

    it('says who revoked it, why and where in the log', async () => {
      const answer = await tokenStateAt(h.store, IDS.cred1, ms(TIMES.cred1Revoked, 1));
      expect(answer.revocation).toEqual({ revokedAt: TIMES.cred1Revoked, revokedBy: 'mgmt', reason: 'device_credential_deleted', logPosition: p.cred1Revoked });
      expect(answer.explanation).toContain('revoked at 2025-01-03T10:00:00.000Z by mgmt');
      const before = await tokenStateAt(h.store, IDS.cred1, ms(TIMES.cred1Issued, -1));
      expect(before.explanation).toContain(`issued later, at ${TIMES.cred1Issued}`);
      expect(before.eventsAfter).toBe(2);
    });

    it("is not valid from its client's deletion on, before its own revocation event, and says why", async () => {
      await expect(tokenStateAt(h.store, IDS.cred2, ms(TIMES.clientBDeleted, -1))).resolves.toMatchObject({ valid: true, code: 'valid' });
      const atDeletion = await tokenStateAt(h.store, IDS.cred2, ms(TIMES.clientBDeleted));
      expect(atDeletion).toMatchObject({ valid: false, code: 'client_deleted', clientDeletion: { clientId: IDS.clientB, logPosition: p.clientBDeleted } });
      expect(atDeletion.revocation).toBeUndefined();
      expect(atDeletion.explanation).toContain('even before the token');
      // After the cascade the first cause, the deletion, stays the reason.
      await expect(tokenStateAt(h.store, IDS.cred2, ms(TIMES.cred2Revoked, 1))).resolves.toMatchObject({ valid: false, code: 'client_deleted' });
    });

    it('answers not issued for a credential the log does not know', async () => {
      const answer = await tokenStateAt(h.store, 'dcr_unknown', ms(TIMES.cred2Revoked));
      expect(answer).toMatchObject({ valid: false, code: 'not_issued', credential: null });
      expect(answer.explanation).toContain('no such credential');
    });

    it('lists the credentials valid at each instant around issuances, a revocation and a client deletion', async () => {
      const validAt = async (iso: string, delta = 0, userId?: string) =>
        (await stateAt(h.store, ms(iso, delta), { userId })).valid.map((c) => c.credentialId);
      await expect(validAt(TIMES.cred1Issued, -1)).resolves.toEqual([]);
      await expect(validAt(TIMES.cred1Issued)).resolves.toEqual([IDS.cred1]);
      await expect(validAt(TIMES.cred3Issued)).resolves.toEqual([IDS.cred1, IDS.cred2, IDS.cred3]);
      await expect(validAt(TIMES.cred1Revoked, -1)).resolves.toEqual([IDS.cred1, IDS.cred2, IDS.cred3]);
      await expect(validAt(TIMES.cred1Revoked)).resolves.toEqual([IDS.cred2, IDS.cred3]);
      await expect(validAt(TIMES.clientBDeleted)).resolves.toEqual([IDS.cred3]);
      await expect(validAt(TIMES.cred3Issued, 0, IDS.user1)).resolves.toEqual([IDS.cred1, IDS.cred2]);
    });

    it('returns what issuance fixed, the token only as its SHA-256', async () => {
      const report = await stateAt(h.store, ms(TIMES.cred3Issued), { userId: IDS.user2 });
      expect(report).toMatchObject({ userId: IDS.user2, issued: 1, skipped: 0 });
      expect(report.valid).toEqual([
        {
          credentialId: IDS.cred3,
          userId: IDS.user2,
          clientId: IDS.clientA,
          deviceId: 'tablet-id',
          deviceName: 'tablet',
          scope: 'openid offline_access',
          issuedAt: TIMES.cred3Issued,
          issuedPosition: p.cred3Issued,
          tokenSha256: sha256Hex(PLAINTEXT.cred3),
        },
      ]);
      expectNoSecrets(report);
    });
  });

  describe('verify', () => {
    beforeEach(async () => {
      await buildLiveReadModel(h.store, h.readModelFilename);
    });

    it('holds on an untouched log and live read model', async () => {
      const report = await verify(h.store, { readModelFilename: h.readModelFilename });
      expect(report.ok).toBe(true);
      expect(report.chain).toMatchObject({ ok: true, events: 10, streams: 7, breaks: 0, lastPosition: p.cred2Revoked });
      expect(report.readModel).toMatchObject({ ok: true, status: 'equal', checkpoint: p.cred2Revoked, differences: 0 });
      expect(report.readModel.rows).toBeGreaterThan(0);
    });

    it('fails on a byte changed in a stored event', async () => {
      h.tamper.changeByte(p.cred3Issued, 'tablet');
      const report = await verify(h.store, { readModelFilename: h.readModelFilename });
      expect(report.ok).toBe(false);
      expect(report.chain).toMatchObject({ ok: false, breaks: 1, firstBreak: { kind: 'hash_mismatch', position: p.cred3Issued, streamId: `refreshToken-${IDS.cred3}` } });
    });

    it('fails on a deleted event in the middle of a stream', async () => {
      h.tamper.deleteEvent(p.cred1Issued);
      const report = await verify(h.store, { readModelFilename: h.readModelFilename });
      expect(report.ok).toBe(false);
      expect(report.chain.firstBreak).toMatchObject({ kind: 'revision_out_of_sequence', position: p.cred1Revoked, expected: '0', actual: '1' });
    });

    it("fails on a deleted last event of a stream, which the chain cannot see but the read model's stream head does", async () => {
      h.tamper.deleteEvent(p.cred1Revoked);
      const report = await verify(h.store, { readModelFilename: h.readModelFilename });
      expect(report.chain.ok).toBe(true);
      expect(report.ok).toBe(false);
      expect(report.readModel).toMatchObject({ ok: false, status: 'different', firstDifference: { kind: 'different', table: 'credentials', key: IDS.cred1 } });
      expect(report.readModel.firstDifference?.columns).toEqual(expect.arrayContaining(['revoked_at', 'stream_revision', 'stream_head_hash']));
      expect(report.readModel.firstDifference?.message).toContain('stream head differs');
    });

    it('fails on a deleted event at the end of the log', async () => {
      h.tamper.deleteEvent(p.cred2Revoked);
      const report = await verify(h.store, { readModelFilename: h.readModelFilename });
      expect(report.chain.ok).toBe(true);
      expect(report.readModel).toMatchObject({ ok: false, status: 'ahead_of_log', checkpoint: p.cred2Revoked });
    });

    it('fails on two events whose payloads were swapped', async () => {
      h.tamper.swapPayloads(p.cred1Issued, p.cred3Issued);
      const report = await verify(h.store, { readModelFilename: h.readModelFilename });
      expect(report.chain).toMatchObject({ ok: false, firstBreak: { kind: 'hash_mismatch', position: p.cred1Issued } });
      // Both events break; on EventStoreDB the chain lives in the metadata, so it moved with it and the next event breaks too.
      expect(report.chain.breaks).toBeGreaterThanOrEqual(2);
    });

    it('fails on a live read model that diverged from the log, naming the first differing row', async () => {
      const db = new Database(h.readModelFilename);
      db.prepare('UPDATE credentials SET revoked_at = NULL, revoked_by = NULL, revoke_reason = NULL, revoked_position = NULL WHERE credential_id = ?').run(IDS.cred1);
      db.close();
      const report = await verify(h.store, { readModelFilename: h.readModelFilename });
      expect(report.chain.ok).toBe(true);
      expect(report.ok).toBe(false);
      expect(report.readModel).toMatchObject({ status: 'different', differences: 1, firstDifference: { table: 'credentials', key: IDS.cred1 } });
      expect(report.readModel.firstDifference?.columns.sort()).toEqual(['revoke_reason', 'revoked_at', 'revoked_by', 'revoked_position']);
    });

    it('fails on a row the log does not explain, and never prints secret columns', async () => {
      const db = new Database(h.readModelFilename);
      db.prepare(`INSERT INTO clients SELECT 'client-rogue', name, app_type, token_endpoint_auth_method, client_secret_hash, sealed_client_secret, jwt_alg,
        jwt_lifetime_in_seconds, grant_types, allowed_clients, refresh_token, require_proof_of_possession, created_at, deleted_at, stream_revision, stream_head_hash FROM clients WHERE client_id = ?`).run(IDS.clientB);
      db.close();
      const report = await verify(h.store, { readModelFilename: h.readModelFilename });
      expect(report.readModel.firstDifference).toMatchObject({ kind: 'missing_in_replay', table: 'clients', key: 'client-rogue', replayed: null });
      expect(report.readModel.firstDifference?.live).toMatchObject({ client_secret_hash: '[redacted]', sealed_client_secret: '[redacted]' });
      expectNoSecrets(report);
    });

    it('reports an unreadable live read model as a failure, and checks only the chain when told to', async () => {
      const missing = await verify(h.store, { readModelFilename: `${h.dataDir}/nope.sqlite` });
      expect(missing).toMatchObject({ ok: false, chain: { ok: true }, readModel: { ok: false, status: 'unreadable' } });
      const chainOnly = await verify(h.store, { readModelFilename: null, scratchFilename: ':memory:' });
      expect(chainOnly).toMatchObject({ ok: true, readModel: { status: 'not_checked' } });
    });

    it('keeps fewer stream heads than streams in memory, reading dropped ones from the store, and still finds every break', async () => {
      const clean = await verify(h.store, { readModelFilename: h.readModelFilename, maxHeads: 2 });
      expect(clean).toMatchObject({ ok: true, chain: { ok: true, events: 10, streams: 7, breaks: 0 } });
      h.tamper.deleteEvent(p.cred1Issued);
      const deleted = await verify(h.store, { readModelFilename: h.readModelFilename, maxHeads: 2 });
      expect(deleted.chain.firstBreak).toMatchObject({ kind: 'revision_out_of_sequence', position: p.cred1Revoked, expected: '0', actual: '1' });
    });

    it('finds a changed byte with a bounded head memory too', async () => {
      h.tamper.changeByte(p.cred3Issued, 'tablet');
      const report = await verify(h.store, { readModelFilename: h.readModelFilename, maxHeads: 2 });
      expect(report.chain).toMatchObject({ ok: false, breaks: 1, firstBreak: { kind: 'hash_mismatch', position: p.cred3Issued } });
    });

    it('compares a replay kept in memory row by row too (no file to attach), equal and diverged', async () => {
      const equal = await verify(h.store, { readModelFilename: h.readModelFilename, scratchFilename: ':memory:' });
      expect(equal.readModel).toMatchObject({ ok: true, status: 'equal', differences: 0 });
      // The same row count as SQLite's pass over both files (the default scratch file), in small batches.
      expect(equal.readModel.rows).toBe((await verify(h.store, { readModelFilename: h.readModelFilename, batchSize: 3 })).readModel.rows);
      const db = new Database(h.readModelFilename);
      db.prepare('UPDATE credentials SET device_name = ? WHERE credential_id = ?').run('edited', IDS.cred2);
      db.close();
      const diverged = await verify(h.store, { readModelFilename: h.readModelFilename, scratchFilename: ':memory:' });
      expect(diverged.readModel).toMatchObject({ status: 'different', differences: 1, firstDifference: { key: IDS.cred2, columns: ['device_name'] } });
    });

    it('replays a token hash shared by two credentials as the live model did (the later one skipped), file and memory', async () => {
      await h.store.appendToStream('refreshToken-dcr_clash', [
        { id: '00000000-0000-4000-8000-000000000002', type: 'RefreshTokenIssued', data: { credentialId: 'dcr_clash', tokenHash: sha256Hex(PLAINTEXT.cred2), clientId: IDS.clientA, userId: IDS.user2, deviceId: 'd', deviceName: 'd', scope: 'openid offline_access', issuedAt: TIMES.cred2Revoked }, metadata: { actor: 'login-service', occurredAt: TIMES.cred2Revoked } },
      ], { expectedRevision: 'no_stream' });
      await buildLiveReadModel(h.store, h.readModelFilename);
      const onFile = await verify(h.store, { readModelFilename: h.readModelFilename });
      expect(onFile).toMatchObject({ ok: true, chain: { events: 11 }, readModel: { status: 'equal', differences: 0 } });
      const inMemory = await verify(h.store, { readModelFilename: h.readModelFilename, scratchFilename: ':memory:' });
      expect(inMemory.readModel).toMatchObject({ status: 'equal', rows: onFile.readModel.rows });
    });

    it('compares at the live checkpoint when the live model lags the log', async () => {
      await h.store.appendToStream('refreshToken-dcr_late', [
        { id: '00000000-0000-4000-8000-000000000001', type: 'RefreshTokenIssued', data: { credentialId: 'dcr_late', tokenHash: sha256Hex('late'), clientId: IDS.clientA, userId: IDS.user2, deviceId: 'd', deviceName: 'd', scope: 'openid offline_access', issuedAt: TIMES.cred2Revoked }, metadata: { actor: 'login-service', occurredAt: TIMES.cred2Revoked } },
      ], { expectedRevision: 'no_stream' });
      const report = await verify(h.store, { readModelFilename: h.readModelFilename });
      expect(report).toMatchObject({ ok: true, chain: { events: 11 }, readModel: { status: 'equal', checkpoint: p.cred2Revoked } });
      expect(report.readModel.logProjectedHead).toBeGreaterThan(p.cred2Revoked);
    });
  });

  describe('export', () => {
    async function exportLines(after?: number): Promise<ExportLine[]> {
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on('data', (chunk: Buffer) => chunks.push(chunk));
      const result = await exportJsonLines(h.store, out, { after });
      out.end();
      const lines = Buffer.concat(chunks).toString('utf8').split('\n');
      expect(lines.pop()).toBe('');
      expect(result.events).toBe(lines.length);
      return lines.map((line) => JSON.parse(line) as ExportLine);
    }

    it('writes one JSON line per event in log order, with its place in the hash chain and no secret', async () => {
      const lines = await exportLines();
      expect(lines).toHaveLength(10);
      expect(lines.map((l) => l.log_position)).toEqual(Object.values(p).sort((a, b) => a - b));
      const [issuedLine, revokedLine] = lines.filter((l) => l.stream_id === `refreshToken-${IDS.cred1}`);
      expect(issuedLine).toMatchObject({ type: 'RefreshTokenIssued', revision: 0, prev_hash: '0'.repeat(64), actor: 'login-service', event_id: expect.any(String) });
      expect(revokedLine).toMatchObject({ revision: 1, prev_hash: issuedLine.hash });
      expectNoSecrets(lines);
    });

    it('resumes after a log position', async () => {
      const lines = await exportLines(p.cred1Revoked);
      expect(lines.map((l) => l.type)).toEqual(['SigningKeyRotated', 'ClientDeleted', 'RefreshTokenRevoked']);
    });
  });
});

describe('verify over eventstoredb (test double): an event written around the adapter', () => {
  it('fails with missing_hash on an event appended straight to EventStoreDB, without the chain', async () => {
    const h = await eventStoreDbCase.open();
    const raw = EventStoreDBClient.connectionString(h.env.EVENTSTORE_CONNECTION_STRING as string);
    try {
      const p = await writeStory(h.store);
      await buildLiveReadModel(h.store, h.readModelFilename);
      await raw.appendToStream(
        `refreshToken-${IDS.cred3}`,
        [jsonEvent({ type: 'RefreshTokenRevoked', data: { credentialId: IDS.cred3 }, metadata: { actor: 'intruder', occurredAt: TIMES.cred2Revoked } })],
        { expectedRevision: BigInt(0) },
      );
      const report = await verify(h.store, { readModelFilename: h.readModelFilename });
      expect(report.ok).toBe(false);
      expect(report.chain.firstBreak).toMatchObject({ kind: 'missing_hash', streamId: `refreshToken-${IDS.cred3}`, revision: 1 });
      expect(report.chain.firstBreak?.position).toBeGreaterThan(p.cred2Revoked);
    } finally {
      await raw.dispose();
      await h.close();
    }
  });
});

describe('parseInstant', () => {
  it.each(['2025-01-02', '2025-01-02T10:00Z', '2025-01-02T10:00:00.123Z', '2025-01-02T11:00:00+01:00'])('accepts %s', (text) => {
    expect(Number.isNaN(parseInstant(text).getTime())).toBe(false);
  });
  it.each(['2025-01-02T10:00:00', 'yesterday', '1735812000000', '2025-13-45'])('refuses %s with INVALID_TIME', (text) => {
    expect(() => parseInstant(text)).toThrow(expect.objectContaining({ code: 'INVALID_TIME' }));
  });
});
