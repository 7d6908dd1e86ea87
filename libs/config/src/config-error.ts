/** Thrown at start-up with every bad variable listed (libs/process `refusalLine` turns it into one line, exit 78). */
export class ConfigError extends Error {
  readonly code = 'CONFIG_INVALID' as const;
}
