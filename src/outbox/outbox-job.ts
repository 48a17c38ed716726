import { SetMetadata } from '@nestjs/common';
import { DiscoveryService, MetadataScanner } from '@nestjs/core';
import { JobResult, Outbox } from './outbox';

const OUTBOX_JOB = Symbol('outbox-job');

/**
 * Makes a method of a provider the outbox's handler of one job type: `(payload) => Promise<JobResult>`. The outbox
 * finds every such method at bootstrap, before it starts polling; this is the one way handlers register.
 */
export function OutboxJob(type: string): MethodDecorator {
  return SetMetadata(OUTBOX_JOB, type);
}

/** Registers every `@OutboxJob` method of the app's providers with the outbox. */
export function registerOutboxJobs(
  outbox: Outbox,
  discovery: DiscoveryService,
  scanner: MetadataScanner,
): void {
  for (const wrapper of discovery.getProviders()) {
    const instance = wrapper.instance as Record<string, unknown> | undefined;
    if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
    const prototype = Object.getPrototypeOf(instance) as object;
    for (const name of scanner.getAllMethodNames(prototype)) {
      const method = instance[name];
      if (typeof method !== 'function') continue;
      const type = Reflect.getMetadata(OUTBOX_JOB, method) as string | undefined;
      if (type !== undefined) {
        outbox.register(type, (payload) =>
          (method as (p: unknown) => Promise<JobResult>).call(instance, payload),
        );
      }
    }
  }
}
