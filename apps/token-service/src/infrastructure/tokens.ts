import type { Logger } from 'pino';
import type { ClientCommand, ClientEvent, ClientGrantCommand, ClientGrantEvent } from '@app/clients';
import type { EventStore } from '@app/event-store';
import type { ProjectionProgress } from '@app/read-model';
import type { RefreshTokenCommand, RefreshTokenEvent, RefreshTokenState } from '@app/refresh-tokens';
import type { RevocationRelayHandle } from '@app/revocation-relay';
import type { ServedLog } from '@app/verifiable-log';
import type { Clock, IdGenerator } from '@app/shared';
import type { DeciderCommandHandler } from '../commands/decider-command-handler';
import type { AppConfig } from '@app/config';

/**
 * DI tokens for what is not a class (interfaces, values). A class is its own
 * token (KeyStore, SecretSealer, CredentialQueries, ...). The phantom type
 * lets `provideValue` and `TokenServiceApp.get` check what a token stands for.
 */
export type Token<T> = symbol & { readonly __provides?: T };
const token = <T>(name: string): Token<T> => Symbol(name) as Token<T>;

export const CONFIG = token<AppConfig>('AppConfig');
export const LOGGER = token<Logger>('Logger');
export const CLOCK = token<Clock>('Clock');
export const ID_GENERATOR = token<IdGenerator>('IdGenerator');
export const EVENT_STORE = token<EventStore>('EventStore');
/** How far this process's read model has got: the projection runner, or a cluster worker's follower. */
export const PROJECTION_PROGRESS = token<ProjectionProgress>('ProjectionProgress');
/** The embedded revocation relay; undefined when it runs as its own process (EMBEDDED_RELAY=false). */
export const REVOCATION_RELAY = token<RevocationRelayHandle | undefined>('RevocationRelay');
/** The verifiable log (tree and checkpoints): signed beside the embedded relay, followed from the standalone relay on a replica; undefined without a verifier key. */
export const VERIFIABLE_LOG = token<ServedLog | undefined>('VerifiableLog');

/** Config values a class needs, each its own token: a class is given what it uses, not the whole AppConfig. */
export const MANAGEMENT_AUDIENCE = token<string>('ManagementAudience');
export const MANAGEMENT_CLIENT_ID = token<string | undefined>('ManagementClientId');
export const CLIENT_DELETION_SWEEP_MS = token<number>('ClientDeletionSweepMs');
/** The issuer URL (ends with '/'): tokens' `iss`, the discovery document, the management audience's issuer. */
export const ISSUER = token<string>('Issuer');
/** The bearer token GET /metrics asks for; undefined: the endpoint is open. */
export const METRICS_TOKEN = token<string | undefined>('MetricsToken');
/** Which event-store adapter runs ('sqlite' or 'eventstoredb'), as the health check reports it. */
export const EVENT_STORE_KIND = token<AppConfig['eventStore']>('EventStoreKind');

/** Small typed slices, for classes that use several related values. */
export type ClientAuthenticationSettings = Pick<AppConfig, 'scryptConcurrency' | 'requestTimeoutMs'>;
export const CLIENT_AUTHENTICATION_SETTINGS = token<ClientAuthenticationSettings>('ClientAuthenticationSettings');
export type RateLimitSettings = Pick<
  AppConfig,
  'rateLimitStore' | 'redisUrl' | 'workers' | 'delegationRateLimit' | 'clientAuthFailureLimit' | 'rateLimitMaxKeys'
>;
export const RATE_LIMIT_SETTINGS = token<RateLimitSettings>('RateLimitSettings');
export type BootstrapSettings = Pick<
  AppConfig,
  'issuer' | 'issuerFollowsPort' | 'dataDir' | 'managementAudience' | 'managementClientId' | 'managementClientSecret'
>;
export const BOOTSTRAP_SETTINGS = token<BootstrapSettings>('BootstrapSettings');

/** One command handler bound per decider (load, decide, append with the expected revision). */
export const REFRESH_TOKEN_COMMANDS = token<DeciderCommandHandler<RefreshTokenCommand, RefreshTokenEvent, RefreshTokenState>>('RefreshTokenCommands');
export const CLIENT_COMMANDS = token<DeciderCommandHandler<ClientCommand, ClientEvent>>('ClientCommands');
export const CLIENT_GRANT_COMMANDS = token<DeciderCommandHandler<ClientGrantCommand, ClientGrantEvent>>('ClientGrantCommands');

/** A value provider whose value the compiler checks against the token's type. */
export function provideValue<T>(provide: Token<T>, useValue: T) {
  return { provide, useValue };
}
