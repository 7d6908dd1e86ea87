/** DI token for the Runtime (see runtime.ts). */
export const RUNTIME = Symbol('RUNTIME');
/** DI token for the embedded revocation relay handle (undefined when it runs elsewhere). */
export const RELAY = Symbol('RELAY');
