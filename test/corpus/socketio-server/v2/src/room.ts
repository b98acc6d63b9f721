import { EventEmitter } from 'events';

export class Room extends EventEmitter {
  private readonly members = new Set<string>();
  constructor(readonly name: string) {
    super();
  }
  join(id: string): number {
    this.members.add(id);
    this.emit('joined', id);
    return this.members.size;
  }
  get size(): number {
    return this.members.size;
  }
  describe(): string {
    return `room ${this.name.toUpperCase()} is open`;
  }
}
