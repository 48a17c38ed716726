import { Injectable } from '@nestjs/common';
import { Clock } from '../common/clock';
import { VerifyService, VerifyServiceStore } from './verify-service.store';
import { notFound } from './twilio-errors';
import { newServiceSid, SERVICE_SID } from './twilio-sids';

/** Twilio Verify Services of one API client: create, read, list, delete. A service another client made is unknown. */
@Injectable()
export class VerifyServices {
  constructor(
    private readonly store: VerifyServiceStore,
    private readonly clock: Clock,
  ) {}

  async create(
    clientId: string,
    settings: { friendlyName: string; codeLength?: number },
  ): Promise<VerifyService> {
    const now = this.clock.now();
    const service: VerifyService = { sid: newServiceSid(), ...settings, createdAt: now, updatedAt: now };
    if (!(await this.store.create(clientId, service))) throw new Error('service SID collision');
    return service;
  }

  /** The service, or Twilio's 20404 naming `path`. */
  async get(clientId: string, sid: string, path = `/Services/${sid}`): Promise<VerifyService> {
    const service = SERVICE_SID.test(sid) ? await this.store.get(clientId, sid) : null;
    if (!service) throw notFound(path);
    return service;
  }

  /** Changes the given settings; the others stay. */
  async update(
    clientId: string,
    sid: string,
    settings: { friendlyName?: string; codeLength?: number },
  ): Promise<VerifyService> {
    const path = `/Services/${sid}`;
    const now = this.clock.now();
    const updated = SERVICE_SID.test(sid)
      ? await this.store.update(clientId, sid, (service) => ({
          ...service,
          friendlyName: settings.friendlyName ?? service.friendlyName,
          codeLength: settings.codeLength ?? service.codeLength,
          updatedAt: now,
        }))
      : null;
    if (!updated) throw notFound(path);
    return updated;
  }

  list(clientId: string): Promise<VerifyService[]> {
    return this.store.list(clientId);
  }

  async delete(clientId: string, sid: string): Promise<void> {
    if (!SERVICE_SID.test(sid) || !(await this.store.delete(clientId, sid)))
      throw notFound(`/Services/${sid}`);
  }
}
