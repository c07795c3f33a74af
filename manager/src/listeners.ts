/** The app's lifecycle listeners: names, aliases, and running them in order. */

export const LISTENER_EVENTS = [
  'mainProcessStart',
  'mainProcessReady',
  'mainProcessStop',
  'beforeServerStart',
  'afterServerStart',
  'beforeServerStop',
  'afterServerStop',
] as const;
export type ListenerEvent = (typeof LISTENER_EVENTS)[number];

/** Stop listeners run in reverse order of registration, as in Sanic, so teardown mirrors setup. */
const REVERSED: ReadonlySet<ListenerEvent> = new Set(['mainProcessStop', 'beforeServerStop', 'afterServerStop']);

/** `main_process_start` and `mainProcessStart` both name the same event. */
export function normalizeEvent(name: string): ListenerEvent | undefined {
  const camel = name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return (LISTENER_EVENTS as readonly string[]).includes(camel) ? (camel as ListenerEvent) : undefined;
}

export type Listener<A> = (app: A) => unknown;

export class ListenerRegistry<A> {
  private readonly byEvent = new Map<ListenerEvent, Listener<A>[]>();

  add(event: ListenerEvent, fn: Listener<A>): void {
    const list = this.byEvent.get(event) ?? [];
    list.push(fn);
    this.byEvent.set(event, list);
  }

  count(event: ListenerEvent): number {
    return this.byEvent.get(event)?.length ?? 0;
  }

  /** Runs every listener of `event` one after the other, awaiting each; the first error stops the run. */
  async run(event: ListenerEvent, app: A): Promise<void> {
    const list = [...(this.byEvent.get(event) ?? [])];
    if (REVERSED.has(event)) list.reverse();
    for (const fn of list) await fn(app);
  }
}
