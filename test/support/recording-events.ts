import { EventEmitter2 } from '@nestjs/event-emitter';
import { DomainEvent, DomainEventType, DomainEvents, EventOf } from '../../src/core/domain-events';

/** The event bus of unit specs: keeps what the use cases published, in order, and runs no subscriber. */
export class RecordingEvents extends DomainEvents {
  readonly published: DomainEvent[] = [];

  constructor() {
    super(new EventEmitter2());
  }

  override async publish(event: DomainEvent): Promise<void> {
    this.published.push(event);
  }

  of<T extends DomainEventType>(type: T): EventOf<T>[] {
    return this.published.filter((event): event is EventOf<T> => event.type === type);
  }
}
