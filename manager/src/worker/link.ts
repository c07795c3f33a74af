/**
 * A child's end of the IPC channel to the manager: typed messages out, typed messages in, and calls that
 * resolve when the manager answers.
 */
import { EventEmitter } from 'node:events';
import { deserializeError } from '../errors';
import type { CallMap, CallMethod, ChildMessage, MainMessage } from '../protocol';

type MessageOf<T extends MainMessage['t']> = Extract<MainMessage, { t: T }>;

export class ManagerLink extends EventEmitter {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  /** The socket handle that came with the `listen` message. */
  private listenHandle?: unknown;
  /**
   * What this process does when the manager goes away (killed, even with SIGKILL). Until a role says otherwise it
   * ends at once: a process still starting (or a warm one never adopted) has nothing to do without the manager,
   * and must not go on to serve as an orphan.
   */
  private managerLost: () => void = () => process.exit(1);

  constructor(private readonly channel: NodeJS.Process = process) {
    super();
    channel.on('message', (message: MainMessage, handle?: unknown) => this.receive(message, handle));
    channel.on('disconnect', () => {
      for (const { reject } of this.pending.values()) reject(new Error('The manager went away.'));
      this.pending.clear();
      this.managerLost();
    });
  }

  /** Sets what this process does once the manager is gone (see `managerLost`). */
  whenManagerLost(handler: () => void): void {
    this.managerLost = handler;
  }

  get connected(): boolean {
    return Boolean(this.channel.connected);
  }

  send(message: ChildMessage): void {
    if (!this.channel.connected || !this.channel.send) return;
    try {
      this.channel.send(message);
    } catch {
      // the channel closed between the check and the send: the disconnect handler takes over
    }
  }

  call<M extends CallMethod>(method: M, params: CallMap[M]['params']): Promise<CallMap[M]['result']> {
    if (!this.connected) return Promise.reject(new Error('This process has no link to the manager.'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ t: 'call', id, method, params });
    });
  }

  /** Resolves with the first message of type `t` (or at once if it already came and was kept). */
  next<T extends MainMessage['t']>(t: T): Promise<MessageOf<T>> {
    return new Promise((resolve) => this.once(t, resolve));
  }

  takeListenHandle(): unknown {
    const handle = this.listenHandle;
    this.listenHandle = undefined;
    return handle;
  }

  private receive(message: MainMessage, handle?: unknown): void {
    if (!message || typeof message !== 'object') return;
    if (message.t === 'result') {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(deserializeError(message.error));
      return;
    }
    if (message.t === 'listen') this.listenHandle = handle;
    this.emit(message.t, message);
  }
}
