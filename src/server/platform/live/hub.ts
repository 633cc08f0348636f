import type { LiveRoomState } from '../../../api/live.ts';

/** Something that wants every new state of a room. */
export type RoomListener = (state: LiveRoomState) => void;

interface Room {
  listeners: Set<RoomListener>;
  /** The JSON of the last state sent, to send only changes. */
  last: string;
  /** The state read in progress, if any. */
  reading: Promise<void> | null;
  /** A change came while reading: read once more after. */
  again: boolean;
  timer: NodeJS.Timeout;
}

/**
 * The fan-out of room states to this process's open event streams. The database holds the only
 * state; a room's listeners get a fresh read of it at once after a write made through this
 * process (`changed`), and at every poll (`pollMs`), which is how writes made through another
 * process on the same database reach them. Reads coalesce: changes that arrive while a read is
 * running cause one more read, not one each, so 40 answers at once cost a few reads. A state is
 * sent only when it differs from the last one sent.
 */
export class LiveHub {
  readonly #rooms = new Map<string, Room>();
  readonly #read: (cohort: string) => Promise<LiveRoomState>;
  readonly #pollMs: number;
  readonly #onError: (error: unknown) => void;

  constructor(
    read: (cohort: string) => Promise<LiveRoomState>,
    pollMs: number,
    onError: (error: unknown) => void,
  ) {
    this.#read = read;
    this.#pollMs = pollMs;
    this.#onError = onError;
  }

  /** Adds a listener to a room; it gets the room's current state first. Returns the removal. */
  subscribe(cohort: string, listener: RoomListener): () => void {
    let room = this.#rooms.get(cohort);
    if (room === undefined) {
      const created: Room = {
        listeners: new Set(),
        last: '',
        reading: null,
        again: false,
        timer: setInterval(() => {
          this.#refresh(cohort, created);
        }, this.#pollMs),
      };
      created.timer.unref();
      room = created;
      this.#rooms.set(cohort, room);
    }
    room.listeners.add(listener);
    const current = room;
    // The newcomer gets the current state, even if the others already have it.
    void this.#read(cohort).then(
      (state) => {
        if (current.listeners.has(listener)) listener(state);
      },
      (error: unknown) => {
        this.#onError(error);
      },
    );
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && this.#rooms.get(cohort) === current) {
        clearInterval(current.timer);
        this.#rooms.delete(cohort);
      }
    };
  }

  /** A write to the room went through this process: its listeners get the new state now. */
  changed(cohort: string): void {
    const room = this.#rooms.get(cohort);
    if (room !== undefined) this.#refresh(cohort, room);
  }

  /** Stops every poll (the service is closing). */
  close(): void {
    for (const room of this.#rooms.values()) clearInterval(room.timer);
    this.#rooms.clear();
  }

  #refresh(cohort: string, room: Room): void {
    if (room.reading !== null) {
      room.again = true;
      return;
    }
    // Read through a call: the flag changes while a read awaits, which narrowing cannot see.
    const more = (): boolean => room.again;
    room.reading = (async () => {
      do {
        room.again = false;
        try {
          const state = await this.#read(cohort);
          const json = JSON.stringify(state);
          if (json !== room.last) {
            room.last = json;
            for (const listener of room.listeners) listener(state);
          }
        } catch (error) {
          this.#onError(error);
        }
      } while (more());
      room.reading = null;
    })();
  }
}
