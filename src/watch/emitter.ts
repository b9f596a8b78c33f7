// A typed listener registry; on() returns its own unsubscribe so React effects can clean up in one line.
export class Emitter<Events extends Record<string, unknown>> {
  private readonly listeners = new Map<keyof Events, Set<(value: never) => void>>();

  on<E extends keyof Events>(event: E, listener: (value: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (value: never) => void);
    return () => set.delete(listener as (value: never) => void);
  }

  protected emit<E extends keyof Events>(event: E, value: Events[E]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (value: Events[E]) => void)(value);
  }
}
