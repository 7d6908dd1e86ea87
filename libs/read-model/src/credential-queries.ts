import type Database from 'better-sqlite3';
import { InvalidCursorError, InvalidPaginationError } from './errors';
import type { ReadModel } from './read-model';
import type { ClientGrantRecord, ClientGrantRow, ClientRecord, ClientRow, CredentialRecord, CredentialRow, PresentedCredential, TokenCredential } from './records';
import { toClientGrantRecord, toClientRecord, toCredentialRecord } from './records';

/** Largest page a listing query returns (the API caps `per_page` lower, at its documented limit). */
export const MAX_PER_PAGE = 1000;
/** Largest `take` of GET /api/v2/users/{id}/refresh-tokens (Auth0's cap is 100; we allow the device-list cap). */
export const MAX_TAKE = 1000;

/** Most user ids a user search answers. */
export const MAX_USER_SEARCH = 50;

/** A user id that has credentials, found by a prefix. */
export interface UserMatch {
  userId: string;
  /** Its valid tokens now (0: every token revoked). */
  validTokens: number;
  /** When its latest token was issued (ISO 8601). */
  lastIssuedAt: string;
}

export interface DeviceCredentialFilter {
  userId?: string;
  clientId?: string;
  /** 0-based page (Auth0). */
  page: number;
  perPage: number;
}

export interface DeviceCredentialPage {
  credentials: CredentialRecord[];
  /** How many valid credentials match the filter, over all pages. */
  total: number;
}

/** A user's tokens, `includeRevoked` for revoked ones too (and those of a deleted client). */
export interface UserTokenFilter {
  includeRevoked?: boolean;
}

export interface UserTokenOffsetPage {
  tokens: CredentialRecord[];
  /** How many tokens match, over all pages. */
  total: number;
}

export interface UserTokenPage {
  tokens: CredentialRecord[];
  /** Pass as `from` for the next page; null on the last page. */
  next: string | null;
}

/*
 * "Valid" is one SQL condition everywhere: not revoked AND issued to a client
 * that exists and is not deleted. The join makes a deleted client's tokens
 * stop validating in the same commit as ClientDeleted, before the cascade of
 * revocations lands (product.md, DELETE /api/v2/clients/{id}).
 */
// The SQL form of the domain's `credentialValidity` (tested against it): for the partial indexes and joins.
const VALID = `cr.revoked_at IS NULL AND EXISTS (SELECT 1 FROM clients c WHERE c.client_id = cr.client_id AND c.deleted_at IS NULL)`;

/**
 * A grant counts while it is not deleted and its client exists and is not
 * deleted: a deleted client's grants stop counting in the same commit as
 * ClientDeleted (no admin is counted, no bootstrap skipped, for a dead client).
 */
const GRANT_COUNTS = `g.deleted_at IS NULL AND EXISTS (SELECT 1 FROM clients c WHERE c.client_id = g.client_id AND c.deleted_at IS NULL)`;

/** User ids by prefix of the whole id or of its part after `|`: each side an index range stopped at the limit (exported for its query-plan test). */
export const USERS_BY_PREFIX = `WITH matched AS (
    SELECT user_id FROM (SELECT DISTINCT user_id FROM credentials WHERE user_id >= @prefix AND user_id < @upper ORDER BY user_id LIMIT @limit)
    UNION
    SELECT user_id FROM (
      SELECT DISTINCT substr(user_id, instr(user_id, '|') + 1) AS local_part, user_id FROM credentials
      WHERE substr(user_id, instr(user_id, '|') + 1) >= @prefix AND substr(user_id, instr(user_id, '|') + 1) < @upper
      ORDER BY local_part, user_id LIMIT @limit)
    ORDER BY user_id LIMIT @limit)
  SELECT m.user_id AS userId,
    (SELECT COUNT(*) FROM credentials cr WHERE cr.user_id = m.user_id AND ${VALID}) AS validTokens,
    (SELECT MAX(cr.issued_at) FROM credentials cr WHERE cr.user_id = m.user_id) AS lastIssuedAt
  FROM matched m ORDER BY m.user_id`;

/** The columns of a TokenCredential, named as its fields so SQLite's row is the record. */
const TOKEN_CREDENTIAL_COLUMNS =
  'cr.credential_id AS credentialId, cr.client_id AS clientId, cr.user_id AS userId, cr.scope, cr.revoked_at AS revokedAt, cr.dpop_jkt AS dpopJkt, cr.issued_at AS issuedAt, ' +
  'cr.generation, cr.last_exchanged_at AS lastExchangedAt, cr.expires_at AS expiresAt, cr.idle_expires_at AS idleExpiresAt';

/**
 * Queries over the read model. Reads only: each method is one statement, so it
 * sees one committed state of the model (WAL snapshot) and never the event store.
 */
export class CredentialQueries {
  private readonly db: Database.Database;
  private readonly sql: Statements;
  private readonly deviceLists = new Map<string, DeviceListStatements>();
  private readonly readModel: ReadModel;
  /** Client rows by id (deleted ones too), valid while the model's clientsGeneration stays `clientsSeen`. */
  private readonly clients = new Map<string, ClientRecord>();
  private clientsSeen = -1;

  constructor(readModel: ReadModel) {
    this.readModel = readModel;
    this.db = readModel.db;
    this.sql = prepareStatements(this.db);
  }

  /**
   * The credential with this token hash in any status, or null: the OAuth
   * endpoints tell "revoked" from "unknown" (Auth0's /delegation messages)
   * and check the owning client themselves. Only the columns they need.
   * The family's head is found first (the only lookup of a token that never
   * rotated); a secret a rotation spent, second, with its generation.
   */
  findTokenCredentialByHash(tokenHash: string): PresentedCredential | null {
    return this.sql.tokenCredentialByHash.get(tokenHash) ?? this.sql.tokenCredentialBySpentHash.get(tokenHash) ?? null;
  }

  /** `findById` for the OAuth endpoints (an id_token's `sid`): only the columns they need. */
  findTokenCredentialById(credentialId: string): TokenCredential | null {
    return this.sql.tokenCredentialById.get(credentialId) ?? null;
  }

  /** The credential with this id in any status (revoked included), or null. */
  findById(credentialId: string): CredentialRecord | null {
    const row = this.sql.byId.get(credentialId);
    return row ? toCredentialRecord(row) : null;
  }

  /**
   * GET /api/v2/device-credentials: valid credentials only, optionally of one
   * user and/or client, in issue order, offset pages, with the total.
   */
  listValidDeviceCredentials(filter: DeviceCredentialFilter): DeviceCredentialPage {
    const { page, perPage } = filter;
    requireInteger('page', page, 0, Number.MAX_SAFE_INTEGER);
    requireInteger('perPage', perPage, 1, MAX_PER_PAGE);
    const where = [VALID];
    const params: Record<string, string | number> = {};
    if (filter.userId !== undefined) {
      where.push('cr.user_id = @userId');
      params.userId = filter.userId;
    }
    if (filter.clientId !== undefined) {
      where.push('cr.client_id = @clientId');
      params.clientId = filter.clientId;
    }
    const { list, count } = this.listStatements(where.join(' AND '));
    const read = this.db.transaction(() => {
      const rows = list.all({ ...params, limit: perPage, offset: page * perPage });
      const total = count.get(params)?.total ?? 0;
      return { credentials: rows.map(toCredentialRecord), total };
    });
    // Page and total from one snapshot, so they agree.
    return read.deferred();
  }

  /** One statement pair per filter combination (six at most: device lists, user lists), prepared on first use. */
  private listStatements(condition: string): DeviceListStatements {
    let statements = this.deviceLists.get(condition);
    if (!statements) {
      statements = {
        list: this.db.prepare(`SELECT cr.* FROM credentials cr WHERE ${condition} ORDER BY cr.issued_position LIMIT @limit OFFSET @offset`),
        count: this.db.prepare(`SELECT COUNT(*) AS total FROM credentials cr WHERE ${condition}`),
      };
      this.deviceLists.set(condition, statements);
    }
    return statements;
  }

  /**
   * GET /api/v2/users/{id}/refresh-tokens with `from`/`take` (checkpoint
   * paging): the user's valid tokens (all with `includeRevoked`) in issue
   * order, `take` at a time. `from` is the `next` of the previous page (the
   * last credential id it listed, exclusive); it stays usable if that
   * credential is revoked meanwhile. An unknown `from` throws InvalidCursorError.
   */
  listByUser(userId: string, options: { from?: string; take: number } & UserTokenFilter): UserTokenPage {
    requireInteger('take', options.take, 1, MAX_TAKE);
    let after = 0;
    if (options.from !== undefined) {
      const cursor = this.sql.cursorPosition.get({ credentialId: options.from, userId });
      if (!cursor) throw new InvalidCursorError(`cursor ${JSON.stringify(options.from)} names no token of this user`);
      after = cursor.issued_position;
    }
    const statement = options.includeRevoked ? this.sql.allOfUserAfter : this.sql.validOfUserAfter;
    const rows = statement.all({ userId, after, limit: options.take + 1 });
    const hasMore = rows.length > options.take;
    const tokens = rows.slice(0, options.take).map(toCredentialRecord);
    return { tokens, next: hasMore ? tokens[tokens.length - 1].credentialId : null };
  }

  /** The same listing in offset pages (Auth0's `page`, `per_page`), with the total from the same snapshot. */
  listUserTokens(userId: string, options: { page: number; perPage: number } & UserTokenFilter): UserTokenOffsetPage {
    requireInteger('page', options.page, 0, Number.MAX_SAFE_INTEGER);
    requireInteger('perPage', options.perPage, 1, MAX_PER_PAGE);
    const { list, count } = this.listStatements(options.includeRevoked ? 'cr.user_id = @userId' : `cr.user_id = @userId AND ${VALID}`);
    const read = this.db.transaction(() => {
      const rows = list.all({ userId, limit: options.perPage, offset: options.page * options.perPage });
      return { tokens: rows.map(toCredentialRecord), total: count.get({ userId })?.total ?? 0 };
    });
    return read.deferred();
  }

  /**
   * User ids that have credentials (revoked ones too) and start with `prefix`,
   * or whose part after the connection (`auth0|alice` → `alice`) does; by id,
   * at most `limit`. Range comparisons on the two indexes, not LIKE: `%` and
   * `_` in the prefix are plain characters, and the scan stops at the limit.
   */
  searchUsers(prefix: string, limit: number): UserMatch[] {
    requireInteger('limit', limit, 1, MAX_USER_SEARCH);
    if (prefix === '') return [];
    // Every string starting with `prefix` sorts in [prefix, prefix + U+10FFFF) (BINARY collation, UTF-8).
    return this.sql.usersByPrefix.all({ prefix, upper: `${prefix}\u{10FFFF}`, limit });
  }

  /**
   * Ids of the user's unrevoked credentials (optionally of one client and/or
   * device), for a bulk revoke. Unrevoked rather than valid: a credential of
   * a deleted client whose cascade has not landed yet is revoked too.
   */
  validCredentialIds(filter: { userId: string; clientId?: string; deviceId?: string }): string[] {
    return this.sql.unrevokedOfUser
      .all({ userId: filter.userId, clientId: filter.clientId ?? null, deviceId: filter.deviceId ?? null })
      .map((row) => row.credential_id);
  }

  /** Ids of the client's unrevoked credentials, deleted client or not: the client revoke cascade. */
  validCredentialIdsOfClient(clientId: string): string[] {
    return this.sql.unrevokedOfClient.all(clientId).map((row) => row.credential_id);
  }

  /** The client, or null when unknown or deleted; `includeDeleted` for audits. */
  getClient(clientId: string, options: { includeDeleted?: boolean } = {}): ClientRecord | null {
    const client = this.cachedClient(clientId);
    if (!client || (client.deletedAt !== null && !options.includeDeleted)) return null;
    return client;
  }

  /**
   * Every OAuth request reads its client: from memory, frozen, since clients
   * change only by registration and deletion, which the projection reports
   * in the batch that writes them (a delete is refused by the next request).
   * Unknown ids are not remembered (a flood of them cannot fill the map).
   */
  private cachedClient(clientId: string): ClientRecord | null {
    const generation = this.readModel.clientsGeneration;
    if (generation !== this.clientsSeen || this.clients.size >= MAX_CACHED_CLIENTS) {
      this.clients.clear();
      this.clientsSeen = generation;
    }
    let client = this.clients.get(clientId);
    if (!client) {
      const row = this.sql.client.get(clientId);
      if (!row) return null;
      client = freezeClient(toClientRecord(row));
      this.clients.set(clientId, client);
    }
    return client;
  }

  /** Clients not deleted, by creation time then id. */
  listClients(): ClientRecord[] {
    return this.sql.activeClients.all().map(toClientRecord);
  }

  /** Client grants not deleted, of clients not deleted, optionally of one client and/or audience, by creation time then id. */
  listClientGrants(filter: { clientId?: string; audience?: string } = {}): ClientGrantRecord[] {
    return this.sql.activeGrants.all({ clientId: filter.clientId ?? null, audience: filter.audience ?? null }).map(toClientGrantRecord);
  }

  /** The client grant, or null when unknown, deleted, or its client deleted. */
  getClientGrant(grantId: string): ClientGrantRecord | null {
    const row = this.sql.activeGrant.get(grantId);
    return row ? toClientGrantRecord(row) : null;
  }

  /**
   * The longest id_token lifetime any client was ever registered with
   * (deleted ones too: their tokens still verify downstream until they
   * expire), or null when there is no client. `keys retire` waits that long.
   */
  longestIdTokenLifetimeSeconds(): number | null {
    return this.sql.longestLifetime.get()?.longest ?? null;
  }

  /** Deleted clients that still have unrevoked credentials: a client-deletion cascade to resume after a crash. */
  deletedClientsWithValidTokens(): string[] {
    return this.sql.deletedWithUnrevoked.all().map((row) => row.client_id);
  }
}

/** Past this many distinct clients the cache starts over (a bound, not an expected size). */
const MAX_CACHED_CLIENTS = 10_000;

function freezeClient(client: ClientRecord): ClientRecord {
  Object.freeze(client.jwtConfiguration);
  Object.freeze(client.grantTypes);
  Object.freeze(client.allowedClients);
  Object.freeze(client.refreshToken);
  return Object.freeze(client);
}

function requireInteger(name: string, value: number, min: number, max: number): void {
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new InvalidPaginationError(`${name} must be an integer from ${min} to ${max}`);
  }
}

type Statements = ReturnType<typeof prepareStatements>;
type DeviceListParams = Record<string, string | number>;
interface DeviceListStatements {
  list: Database.Statement<[DeviceListParams], CredentialRow>;
  count: Database.Statement<[DeviceListParams], { total: number }>;
}

function prepareStatements(db: Database.Database) {
  return {
    byId: db.prepare<[string], CredentialRow>('SELECT * FROM credentials WHERE credential_id = ?'),
    tokenCredentialByHash: db.prepare<[string], PresentedCredential>(
      `SELECT ${TOKEN_CREDENTIAL_COLUMNS}, cr.generation AS presentedGeneration FROM credentials cr WHERE cr.token_hash = ?`,
    ),
    tokenCredentialBySpentHash: db.prepare<[string], PresentedCredential>(
      `SELECT ${TOKEN_CREDENTIAL_COLUMNS}, s.generation AS presentedGeneration
       FROM spent_token_hashes s JOIN credentials cr ON cr.credential_id = s.credential_id WHERE s.token_hash = ?`,
    ),
    tokenCredentialById: db.prepare<[string], TokenCredential>(`SELECT ${TOKEN_CREDENTIAL_COLUMNS} FROM credentials cr WHERE cr.credential_id = ?`),
    cursorPosition: db.prepare<[{ credentialId: string; userId: string }], { issued_position: number }>(
      'SELECT issued_position FROM credentials WHERE credential_id = @credentialId AND user_id = @userId',
    ),
    validOfUserAfter: db.prepare<[{ userId: string; after: number; limit: number }], CredentialRow>(
      `SELECT cr.* FROM credentials cr WHERE cr.user_id = @userId AND cr.issued_position > @after AND ${VALID}
       ORDER BY cr.issued_position LIMIT @limit`,
    ),
    allOfUserAfter: db.prepare<[{ userId: string; after: number; limit: number }], CredentialRow>(
      `SELECT cr.* FROM credentials cr WHERE cr.user_id = @userId AND cr.issued_position > @after ORDER BY cr.issued_position LIMIT @limit`,
    ),
    // `(@x IS NULL OR col = @x)`: one statement for every filter combination; the partial index on user_id still leads.
    unrevokedOfUser: db.prepare<[{ userId: string; clientId: string | null; deviceId: string | null }], { credential_id: string }>(
      `SELECT credential_id FROM credentials
       WHERE user_id = @userId AND revoked_at IS NULL
         AND (@clientId IS NULL OR client_id = @clientId) AND (@deviceId IS NULL OR device_id = @deviceId)
       ORDER BY issued_position`,
    ),
    unrevokedOfClient: db.prepare<[string], { credential_id: string }>(
      'SELECT credential_id FROM credentials WHERE client_id = ? AND revoked_at IS NULL ORDER BY issued_position',
    ),
    usersByPrefix: db.prepare<[{ prefix: string; upper: string; limit: number }], UserMatch>(USERS_BY_PREFIX),
    client: db.prepare<[string], ClientRow>('SELECT * FROM clients WHERE client_id = ?'),
    activeClients: db.prepare<[], ClientRow>('SELECT * FROM clients WHERE deleted_at IS NULL ORDER BY created_at, client_id'),
    activeGrants: db.prepare<[{ clientId: string | null; audience: string | null }], ClientGrantRow>(
      `SELECT * FROM client_grants g
       WHERE ${GRANT_COUNTS} AND (@clientId IS NULL OR g.client_id = @clientId) AND (@audience IS NULL OR g.audience = @audience)
       ORDER BY g.created_at, g.grant_id`,
    ),
    activeGrant: db.prepare<[string], ClientGrantRow>(`SELECT * FROM client_grants g WHERE g.grant_id = ? AND ${GRANT_COUNTS}`),
    longestLifetime: db.prepare<[], { longest: number | null }>('SELECT MAX(jwt_lifetime_in_seconds) AS longest FROM clients'),
    deletedWithUnrevoked: db.prepare<[], { client_id: string }>(
      `SELECT c.client_id FROM clients c
       WHERE c.deleted_at IS NOT NULL AND EXISTS (SELECT 1 FROM credentials cr WHERE cr.client_id = c.client_id AND cr.revoked_at IS NULL)
       ORDER BY c.client_id`,
    ),
  };
}
