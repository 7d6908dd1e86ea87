import { serverAddress } from './eventstoredb-event-store';

describe('serverAddress (for log lines)', () => {
  it('gives host:port of every node, the default port 2113 where none is written, and never the credentials', () => {
    expect(serverAddress('esdb://127.0.0.1:2114?tls=false')).toBe('127.0.0.1:2114');
    expect(serverAddress('esdb+discover://admin:changeit@node1,node2:2200/?tls=true')).toBe('node1:2113,node2:2200');
  });
});
