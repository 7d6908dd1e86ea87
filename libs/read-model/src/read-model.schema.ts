/**
 * Layout of the valid-credential read model. It is derived data: any file
 * whose `user_version` differs from READ_MODEL_SCHEMA_VERSION is dropped and
 * rebuilt from the log (invariant 1) rather than migrated.
 *
 * No foreign keys: a projection never rejects a recorded event (style.md §10),
 * so a token of a client the model does not know is stored, and simply never
 * validates (the queries join on an active client).
 */
export const READ_MODEL_SCHEMA_VERSION = 5;

/** A table and the column that orders its rows. */
export interface ReadModelTable {
  readonly name: string;
  readonly primaryKey: string;
}

/** Tables in snapshot order, each with the column that orders its rows. */
export const READ_MODEL_TABLES: readonly ReadModelTable[] = [
  { name: 'checkpoints', primaryKey: 'name' },
  { name: 'client_grants', primaryKey: 'grant_id' },
  { name: 'clients', primaryKey: 'client_id' },
  { name: 'credentials', primaryKey: 'credential_id' },
  { name: 'spent_token_hashes', primaryKey: 'token_hash' },
];

/**
 * The tables; `inlineUnique: false` leaves out the UNIQUE constraints that
 * READ_MODEL_DEFERRED_UNIQUE_DDL adds at the end of a build from zero.
 */
function tablesDdl(inlineUnique: boolean): string {
  const unique = inlineUnique ? ' UNIQUE' : '';
  return `
CREATE TABLE credentials (
  credential_id    TEXT    NOT NULL PRIMARY KEY,
  token_hash       TEXT    NOT NULL${unique},
  client_id        TEXT    NOT NULL,
  user_id          TEXT    NOT NULL,
  device_id        TEXT    NOT NULL,
  device_name      TEXT    NOT NULL,
  scope            TEXT    NOT NULL,
  issued_at        TEXT    NOT NULL,
  dpop_jkt         TEXT,
  issued_position  INTEGER NOT NULL${unique},
  revoked_at       TEXT,
  revoked_by       TEXT,
  revoke_reason    TEXT,
  revoked_position INTEGER,
  stream_revision  INTEGER NOT NULL,
  stream_head_hash TEXT    NOT NULL,
  generation       INTEGER NOT NULL DEFAULT 0,
  rotated_at       TEXT,
  last_exchanged_at TEXT,
  expires_at       TEXT,
  idle_expires_at  TEXT
) STRICT;

-- Every secret a rotation spent, with its family and generation (credentials.token_hash holds the head):
-- a spent secret presented again finds its family, so the reuse is detected.
CREATE TABLE spent_token_hashes (
  token_hash    TEXT    NOT NULL PRIMARY KEY,
  credential_id TEXT    NOT NULL,
  generation    INTEGER NOT NULL
) STRICT;

CREATE TABLE clients (
  client_id                  TEXT    NOT NULL PRIMARY KEY,
  name                       TEXT    NOT NULL,
  app_type                   TEXT    NOT NULL,
  token_endpoint_auth_method TEXT    NOT NULL,
  client_secret_hash         TEXT,
  sealed_client_secret       TEXT,
  jwt_alg                    TEXT    NOT NULL,
  jwt_lifetime_in_seconds    INTEGER NOT NULL,
  grant_types                TEXT    NOT NULL,
  allowed_clients            TEXT    NOT NULL DEFAULT '[]',
  refresh_token              TEXT    NOT NULL,
  require_proof_of_possession INTEGER NOT NULL DEFAULT 0,
  created_at                 TEXT    NOT NULL,
  deleted_at                 TEXT,
  stream_revision            INTEGER NOT NULL,
  stream_head_hash           TEXT    NOT NULL
) STRICT;

CREATE TABLE client_grants (
  grant_id         TEXT    NOT NULL PRIMARY KEY,
  client_id        TEXT    NOT NULL,
  audience         TEXT    NOT NULL,
  scope            TEXT    NOT NULL,
  created_at       TEXT    NOT NULL,
  deleted_at       TEXT,
  stream_revision  INTEGER NOT NULL,
  stream_head_hash TEXT    NOT NULL
) STRICT;

CREATE TABLE checkpoints (
  name     TEXT    NOT NULL PRIMARY KEY,
  position INTEGER NOT NULL
) STRICT;
`;
}

export const READ_MODEL_DDL = tablesDdl(true);

/**
 * A build from zero (rebuild, audit verify's replay) writes the credentials
 * without their two random-key unique indexes: an insert into each per event
 * was the larger part of a replay. It creates them at the end (one sort each,
 * READ_MODEL_DEFERRED_UNIQUE_DDL), which also checks that no two rows share a
 * value: rows are never deleted and `issued_position` never changes, so then
 * none of the live projection's inserts met a conflict either, and both hold
 * the same rows. `token_hash` moves on a rotation, but only to a fresh
 * HMAC output (a collision is a SHA-256 collision, as for an issuance).
 */
export const READ_MODEL_BULK_DDL = tablesDdl(false);

export const READ_MODEL_DEFERRED_UNIQUE_DDL = `
CREATE UNIQUE INDEX credentials_token_hash_unique ON credentials (token_hash);
CREATE UNIQUE INDEX credentials_issued_position_unique ON credentials (issued_position);
`;

/**
 * The query indexes (partial, on valid rows): for the API's reads only; the
 * folds look rows up by primary key and token hash. A bulk build creates
 * them at the end (a sort instead of an insert per row), a throwaway replay
 * never; every other open creates any that are missing.
 */
export const READ_MODEL_QUERY_INDEXES_DDL = `
-- Valid (unrevoked) credentials only: partial indexes stay as small as the live set.
-- By user, then client, then device: bulk revoke and the device list filtered by user (+client).
CREATE INDEX IF NOT EXISTS credentials_valid_by_user ON credentials (user_id, client_id, device_id) WHERE revoked_at IS NULL;
-- A user's tokens in issue order: GET /users/{id}/refresh-tokens cursor pages and the device list by user.
CREATE INDEX IF NOT EXISTS credentials_valid_by_user_position ON credentials (user_id, issued_position) WHERE revoked_at IS NULL;
-- By client in issue order: the client revoke cascade and the device list by client.
CREATE INDEX IF NOT EXISTS credentials_valid_by_client_position ON credentials (client_id, issued_position) WHERE revoked_at IS NULL;
-- All valid in issue order: the unfiltered device list (issued_position UNIQUE covers the rest).
CREATE INDEX IF NOT EXISTS credentials_valid_by_position ON credentials (issued_position) WHERE revoked_at IS NULL;
-- User search by id prefix (every credential, revoked too: a user whose tokens are all revoked still has a history):
-- on the whole id and on the part after its connection ("auth0|alice" is found by "alice").
CREATE INDEX IF NOT EXISTS credentials_by_user ON credentials (user_id);
CREATE INDEX IF NOT EXISTS credentials_by_user_local_part ON credentials (substr(user_id, instr(user_id, '|') + 1), user_id);
CREATE INDEX IF NOT EXISTS clients_deleted ON clients (client_id) WHERE deleted_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS client_grants_active_by_client ON client_grants (client_id, audience) WHERE deleted_at IS NULL;
CREATE INDEX IF NOT EXISTS client_grants_active_by_audience ON client_grants (audience) WHERE deleted_at IS NULL;
`;
