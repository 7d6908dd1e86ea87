import type { RefreshToken } from './api';

/** A device as the Auth0 Dashboard shows it: one (client, device) pair of a user, with its tokens. */
export interface Device {
  key: string;
  clientId: string;
  deviceId: string;
  deviceName: string;
  createdAt: string;
  tokens: RefreshToken[];
}

export const isRevoked = (token: RefreshToken): boolean => token.revoked_at !== undefined;

/** Groups tokens by (client, device id), oldest device first, newest token first within one. */
export function groupByDevice(tokens: RefreshToken[]): Device[] {
  const devices = new Map<string, Device>();
  for (const token of tokens) {
    const key = JSON.stringify([token.client_id, token.device.device_id]);
    const device = devices.get(key) ?? {
      key,
      clientId: token.client_id,
      deviceId: token.device.device_id,
      deviceName: token.device.device_name,
      createdAt: token.created_at,
      tokens: [],
    };
    device.tokens.push(token);
    if (token.created_at < device.createdAt) device.createdAt = token.created_at;
    devices.set(key, device);
  }
  const list = [...devices.values()];
  for (const device of list) {
    device.tokens.sort((a, b) => b.created_at.localeCompare(a.created_at));
    // The newest token names the device (a device can be renamed by a later issue).
    device.deviceName = device.tokens[0]!.device.device_name;
  }
  return list.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}
