/**
 * docker-compose.yml and the no-Docker topology (tools/topology) describe the
 * same deployment: the same services, one proxy config file, the same
 * settings where they matter for several replicas.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { TOPOLOGY_SERVICES } from '../../tools/topology/topology';

interface ComposeService {
  image?: string;
  build?: unknown;
  restart?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  volumes?: string[];
  secrets?: string[];
}

const root = join(__dirname, '..', '..');
const compose = load(readFileSync(join(root, 'docker-compose.yml'), 'utf8')) as { services: Record<string, ComposeService> };
const haproxyConfig = readFileSync(join(root, 'tools', 'topology', 'haproxy.cfg'), 'utf8');

describe('docker-compose.yml and npm run topology', () => {
  it('name the same services', () => {
    const topology = [...TOPOLOGY_SERVICES.replicas, TOPOLOGY_SERVICES.proxy, TOPOLOGY_SERVICES.relay, TOPOLOGY_SERVICES.eventStore, TOPOLOGY_SERVICES.kafka, TOPOLOGY_SERVICES.redis];
    expect(Object.keys(compose.services).sort()).toEqual(topology.sort());
  });

  it('give every service a restart policy and a healthcheck, and every stateful one a volume', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(`${name}: ${service.restart}`).toBe(`${name}: unless-stopped`);
      expect(service.healthcheck?.test.length).toBeGreaterThan(1);
      if (name !== TOPOLOGY_SERVICES.proxy) expect(`${name}: ${service.volumes?.length ?? 0} volumes`).not.toBe(`${name}: 0 volumes`);
    }
  });

  it('run the replicas as the topology does: shared rate limits in Redis, no embedded relay, behind the proxy it trusts', () => {
    for (const name of TOPOLOGY_SERVICES.replicas) {
      const env = compose.services[name].environment!;
      expect(env).toMatchObject({ RATE_LIMIT_STORE: 'redis', EMBEDDED_RELAY: 'false', EVENT_STORE: 'eventstoredb' });
      expect(env.TRUST_PROXY).toBe('172.28.0.10');
      // Each replica its own DATA_DIR volume (one process per DATA_DIR).
      expect(compose.services[name].volumes).toEqual([`${name}-data:/var/lib/refresh-tokens`]);
    }
  });

  it("give the relay the replicas' signing keys, so its messages' ce_signature verifies against their JWKS", () => {
    const relay = compose.services[TOPOLOGY_SERVICES.relay];
    const replica = compose.services[TOPOLOGY_SERVICES.replicas[0]];
    expect(relay.environment!.SIGNING_KEYS_FILE).toBeDefined();
    expect(relay.environment!.SIGNING_KEYS_FILE).toBe(replica.environment!.SIGNING_KEYS_FILE);
    expect(relay.secrets).toEqual(replica.secrets);
  });

  it('share one HAProxy config, whose servers are the replicas and whose addresses compose sets', () => {
    expect(compose.services.proxy.volumes).toContain('./tools/topology/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    const servers = [...haproxyConfig.matchAll(/^\s*server (\S+) "\$\{(\w+)\}"/gm)].map((m) => [m[1], m[2]]);
    expect(servers.map(([server]) => server)).toEqual([...TOPOLOGY_SERVICES.replicas]);
    for (const [server, variable] of servers) expect(compose.services.proxy.environment![variable]).toBe(`${server}:3000`);
  });

  it("resolve the replicas' names at run time: HAProxy accepts the config while a replica's name does not resolve yet (compose recreates containers with new addresses)", async () => {
    // Debian's haproxy checks the very file compose mounts; a name that cannot resolve must not stop the proxy.
    const { stdout, stderr } = await promisify(execFile)('haproxy', ['-c', '-f', join(root, 'tools', 'topology', 'haproxy.cfg')], {
      env: { ...process.env, PROXY_BIND: '127.0.0.1:18080', TOKEN_SERVICE_A: 'token-service-a.invalid:3000', TOKEN_SERVICE_B: '127.0.0.1:3001', TOKEN_SERVICE_C: '127.0.0.1:3002' },
    });
    expect(`${stdout}${stderr}`).toContain('Configuration file is valid');
    expect(haproxyConfig).toMatch(/resolvers dns\n\s+parse-resolv-conf/);
  });
});
