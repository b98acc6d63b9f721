import { EventEmitter } from 'events';

const OPEN = 'is open';

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
    return `room ${banner(this.name)} ${OPEN}`;
  }
}

function banner(name: string): string {
  return `[${name.toUpperCase()}]`;
}
