import { silentLogger } from '@app/shared';
import { CredentialQueries } from './credential-queries';
import { ReadModel } from './read-model';
import { ReadModelProjection } from './read-model-projection';
import { clientRegistered, familyHash, HandMadeLog, tokenExchanged, tokenIssued, tokenRevoked, tokenRotated } from './testing/credential-events.fixtures';

describe('read model of rotating families', () => {
  let readModel: ReadModel;
  let projection: ReadModelProjection;
  let queries: CredentialQueries;
  let log: HandMadeLog;

  const given = (...events: Array<{ type: string; data: object }>) => events.map((e) => log.record(e)).forEach((e) => projection.apply(e));

  beforeEach(() => {
    readModel = new ReadModel({ filename: ':memory:' });
    projection = new ReadModelProjection(readModel, { logger: silentLogger });
    queries = new CredentialQueries(readModel);
    log = new HandMadeLog();
  });

  afterEach(() => readModel.close());

  it('finds the family by its head, and by every secret a rotation spent, with that generation', () => {
    given(clientRegistered('client-a'), tokenIssued('dcr_1'), tokenRotated('dcr_1', 1), tokenRotated('dcr_1', 2, { rotatedAt: '2025-01-01T00:05:00.000Z' }));

    expect(queries.findTokenCredentialByHash(familyHash('dcr_1', 2))).toMatchObject({ credentialId: 'dcr_1', generation: 2, presentedGeneration: 2 });
    expect(queries.findTokenCredentialByHash(familyHash('dcr_1', 1))).toMatchObject({ credentialId: 'dcr_1', generation: 2, presentedGeneration: 1 });
    expect(queries.findTokenCredentialByHash(familyHash('dcr_1', 0))).toMatchObject({ credentialId: 'dcr_1', generation: 2, presentedGeneration: 0 });
    expect(queries.findById('dcr_1')).toMatchObject({
      tokenHash: familyHash('dcr_1', 2),
      generation: 2,
      rotatedAt: '2025-01-01T00:05:00.000Z',
      lastExchangedAt: '2025-01-01T00:05:00.000Z',
    });
  });

  it('keeps the head when a rotation does not follow it (a second branch never applies)', () => {
    const branch = { ...tokenRotated('dcr_1', 1), data: { ...tokenRotated('dcr_1', 1).data, tokenHash: 'f'.repeat(64) } };
    given(clientRegistered('client-a'), tokenIssued('dcr_1'), tokenRotated('dcr_1', 1), branch);

    expect(queries.findById('dcr_1')).toMatchObject({ tokenHash: familyHash('dcr_1', 1), generation: 1 });
    expect(queries.findTokenCredentialByHash('f'.repeat(64))).toBeNull();
  });

  it('does not rotate a revoked family', () => {
    given(clientRegistered('client-a'), tokenIssued('dcr_1'), tokenRevoked('dcr_1'), tokenRotated('dcr_1', 1));

    expect(queries.findById('dcr_1')).toMatchObject({ tokenHash: familyHash('dcr_1', 0), generation: 0 });
    expect(queries.findTokenCredentialByHash(familyHash('dcr_1', 1))).toBeNull();
  });

  it('records the last use and the lifetime an exchange recorded', () => {
    given(
      clientRegistered('client-a'),
      tokenIssued('dcr_1'),
      tokenExchanged('dcr_1', '2025-01-01T01:00:00.000Z', { expiresAt: '2025-02-01T00:00:00.000Z', idleExpiresAt: '2025-01-02T01:00:00.000Z' }),
    );

    expect(queries.findTokenCredentialByHash(familyHash('dcr_1', 0))).toMatchObject({
      lastExchangedAt: '2025-01-01T01:00:00.000Z',
      expiresAt: '2025-02-01T00:00:00.000Z',
      idleExpiresAt: '2025-01-02T01:00:00.000Z',
    });
  });

  it('is the same whether applied event by event or in one batch (invariant 1)', () => {
    const events = [
      clientRegistered('client-a'),
      tokenIssued('dcr_1'),
      tokenRotated('dcr_1', 1),
      tokenExchanged('dcr_1', '2025-01-01T02:00:00.000Z'),
      tokenRotated('dcr_1', 2),
      tokenRevoked('dcr_1', { reason: 'reuse_detected', revokedBy: 'system' }),
    ].map((e) => log.record(e));
    events.forEach((e) => projection.apply(e));
    const other = new ReadModel({ filename: ':memory:' });
    new ReadModelProjection(other, { logger: silentLogger }).applyBatch(events);

    expect(other.snapshot()).toBe(readModel.snapshot());
    expect(readModel.snapshot()).toContain('"generation":1');
    other.close();
  });
});
