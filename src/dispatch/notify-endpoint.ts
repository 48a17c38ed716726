/**
 * Where the Notify client sends: AWS (the SDK's default endpoint, or NOTIFY_ENDPOINT, with the default credential
 * chain), or in sandbox mode the in-process emulator. Provided by the sandbox module, which decides the mode.
 */
export abstract class NotifyEndpoint {
  abstract readonly url?: string;
  /** The notify configuration sends go through: NOTIFY_CONFIGURATION_ID, or the emulator's default one. */
  abstract readonly configurationId: string;
  /** Only for the emulator, which ignores signatures; AWS gets the default credential chain. */
  abstract readonly credentials?: { accessKeyId: string; secretAccessKey: string };
}
