import sodiumModule from 'libsodium-wrappers-sumo';

/** The libsodium-sumo API object (ristretto255 and XChaCha20-Poly1305 live only in the sumo build). */
export type Sodium = typeof sodiumModule;

let ready: Promise<Sodium> | undefined;

/** Resolves once libsodium's WebAssembly is initialised; cheap after the first call. */
export function loadSodium(): Promise<Sodium> {
  ready ??= sodiumModule.ready.then(() => sodiumModule);
  return ready;
}
