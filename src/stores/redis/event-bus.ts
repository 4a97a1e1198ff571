// EventBus on Redis pub/sub: many handlers share one subscriber connection; a channel is subscribed while it has handlers.
import type { RedisConnection } from './redis-client.js';
import type { EventBus } from '../../domain/kv-store.js';

type Handler = (message: string) => void;

interface ChannelState {
  /** Wrappers, one per subscribe call, so one function subscribed twice is delivered to twice. */
  readonly handlers: Set<Handler>;
  /** Whether Redis has confirmed the SUBSCRIBE (and no UNSUBSCRIBE was confirmed since). */
  subscribed: boolean;
  /** SUBSCRIBE/UNSUBSCRIBE of one channel run one after the other, in call order. */
  queue: Promise<void>;
  pending: number;
}

export interface RedisEventBusOptions {
  /** A handler threw; by default the error is dropped (it must not break delivery to the others). */
  onHandlerError?: (error: unknown, channel: string) => void;
}

export class RedisEventBus implements EventBus {
  private readonly channels = new Map<string, ChannelState>();
  private closed = false;

  /**
   * @param publisher a shared command client (not put into subscriber mode, not closed here)
   * @param subscriber a dedicated connection (see createSubscriberClient), owned by the bus: close() quits it
   */
  constructor(
    private readonly publisher: RedisConnection,
    private readonly subscriber: RedisConnection,
    private readonly options: RedisEventBusOptions = {},
  ) {
    subscriber.on('message', this.dispatch);
    subscriber.on('ready', this.retryOrphans);
  }

  async publish(channel: string, message: string): Promise<void> {
    await this.publisher.publish(channel, message);
  }

  async subscribe(channel: string, handler: Handler): Promise<() => Promise<void>> {
    if (this.closed) throw new Error('RedisEventBus is closed');
    let state = this.channels.get(channel);
    if (!state) {
      state = { handlers: new Set(), subscribed: false, queue: Promise.resolve(), pending: 0 };
      this.channels.set(channel, state);
    }
    const entry: Handler = (message) => handler(message);
    state.handlers.add(entry);
    try {
      await this.serialize(channel, state);
    } catch (error) {
      state.handlers.delete(entry);
      this.forgetIfIdle(channel, state);
      throw error;
    }
    let active = true;
    const current = state;
    return async () => {
      if (!active) return;
      active = false;
      current.handlers.delete(entry);
      // Best effort: no more deliveries to this handler in any case. When Redis is unreachable the
      // channel stays subscribed without handlers and is unsubscribed once the connection is back.
      await this.serialize(channel, current).catch(() => undefined);
    };
  }

  /** Unsubscribes everything and quits the subscriber connection (the publisher stays open). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    this.subscriber.off('message', this.dispatch);
    this.subscriber.off('ready', this.retryOrphans);
    try {
      await this.subscriber.quit();
    } catch {
      this.subscriber.disconnect();
    }
  }

  private readonly dispatch = (channel: string, message: string): void => {
    const state = this.channels.get(channel);
    if (!state) return;
    for (const handler of state.handlers) {
      try {
        handler(message);
      } catch (error) {
        this.options.onHandlerError?.(error, channel);
      }
    }
  };

  /** After a reconnect: unsubscribe channels whose last handler left while Redis was unreachable. */
  private readonly retryOrphans = (): void => {
    for (const [channel, state] of this.channels) {
      if (state.handlers.size === 0 && state.subscribed && state.pending === 0) {
        // Best effort, like the unsubscribe it repeats: if Redis drops again, the next 'ready' tries once more.
        this.serialize(channel, state).catch(() => undefined);
      }
    }
  };

  /** Queues one step that brings the Redis subscription of `channel` in line with its handlers. */
  private serialize(channel: string, state: ChannelState): Promise<void> {
    state.pending++;
    const step = state.queue.then(async () => {
      if (this.closed) return;
      if (state.handlers.size > 0 && !state.subscribed) {
        await this.subscriber.subscribe(channel); // resolves on Redis's confirmation
        state.subscribed = true;
      } else if (state.handlers.size === 0 && state.subscribed) {
        await this.subscriber.unsubscribe(channel);
        state.subscribed = false;
      }
    });
    // The caller gets `step` and its error; the queue only needs to go on with the next step.
    state.queue = step
      .catch(() => undefined)
      .then(() => {
        state.pending--;
        this.forgetIfIdle(channel, state);
      });
    return step;
  }

  private forgetIfIdle(channel: string, state: ChannelState): void {
    if (state.pending === 0 && state.handlers.size === 0 && !state.subscribed && this.channels.get(channel) === state) {
      this.channels.delete(channel);
    }
  }
}
