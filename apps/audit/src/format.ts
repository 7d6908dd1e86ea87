import type { CredentialAtIssue, ExportResult, HistoryEntry, StateAtReport, TokenValidity, VerifyReport } from '@app/audit';

/** Left-aligned columns, two spaces apart; cells are single-line. */
export function table(headers: string[], rows: string[][]): string {
  const clean = rows.map((row) => row.map((cell) => cell.replace(/\s+/g, ' ')));
  const widths = headers.map((header, i) => Math.max(header.length, ...clean.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...clean.map(line)].join('\n') + '\n';
}

/** Whom or what an entry is about: the credential, else the grant, else the client. */
function subject(entry: HistoryEntry): string {
  const d = entry.data;
  return String(d.credential_id ?? d.grant_id ?? d.client_id ?? '');
}

export function formatHistory(title: string, entries: HistoryEntry[]): string {
  if (entries.length === 0) return `${title}: no events in the log\n`;
  const rows = entries.map((e) => [String(e.log_position), e.time, e.type, subject(e), e.actor, e.reason ?? '', e.correlation_id ?? '']);
  return `${title}: ${entries.length} event(s), log order\n` + table(['POSITION', 'TIME', 'TYPE', 'SUBJECT', 'ACTOR', 'REASON', 'CORRELATION'], rows);
}

export function formatTokenValidity(v: TokenValidity): string {
  const lines = [`${v.credentialId} at ${v.at}: ${v.valid ? 'VALID' : 'NOT VALID'} (${v.code})`, v.explanation];
  if (v.credential) {
    const c = v.credential;
    lines.push(`user ${c.userId}, client ${c.clientId}, device ${c.deviceName} (${c.deviceId}), scope "${c.scope}"`);
  }
  if (v.eventsAfter > 0) lines.push(`${v.eventsAfter} event(s) of this token occurred after ${v.at} and were not counted`);
  return lines.join('\n') + '\n';
}

export function formatStateAt(report: StateAtReport): string {
  const who = report.userId === null ? 'all users' : `user ${report.userId}`;
  const head = `${report.valid.length} credential(s) valid at ${report.at} for ${who} (${report.issued} issued by then; ${report.events} events read)\n`;
  if (report.valid.length === 0) return head;
  const rows = report.valid.map((c: CredentialAtIssue) => [c.credentialId, c.userId, c.clientId, c.deviceName, c.deviceId, c.issuedAt, String(c.issuedPosition)]);
  return head + table(['CREDENTIAL', 'USER', 'CLIENT', 'DEVICE', 'DEVICE_ID', 'ISSUED_AT', 'POSITION'], rows);
}

export function formatVerify(report: VerifyReport): string {
  const { chain, readModel } = report;
  const lines: string[] = [];
  lines.push(
    chain.ok
      ? `hash chain: ok (${chain.events} events in ${chain.streams} streams, up to position ${chain.lastPosition})`
      : `hash chain: BROKEN (${chain.breaks} event(s)); first: ${chain.firstBreak?.message ?? ''}`,
  );
  if (chain.firstBreak) lines.push(`  expected ${chain.firstBreak.expected}`, `  found    ${chain.firstBreak.actual}`);
  lines.push(`read model: ${readModel.ok ? 'ok' : 'FAILED'} (${readModel.status}): ${readModel.message}`);
  const diff = readModel.firstDifference;
  if (diff) {
    lines.push(`  live:     ${JSON.stringify(diff.live)}`, `  replayed: ${JSON.stringify(diff.replayed)}`);
  }
  lines.push(`replayed ${chain.events} events in ${(report.durationMs / 1000).toFixed(2)} s (${report.eventsPerSecond} events/s)`);
  lines.push(report.ok ? 'verify: OK' : 'verify: FAILED');
  return lines.join('\n') + '\n';
}

export function formatExport(result: ExportResult, after: number, out: string): string {
  return `exported ${result.events} event(s) after position ${after} to ${out}; last log_position ${result.lastPosition} (pass --from ${result.lastPosition} to resume)\n`;
}
