// The rebalance flow, described once here (it spans both layers):
//
// 1. librdkafka calls native OnRebalance inside our poll (JS thread). Native
//    stashes the assignment change, does not apply it, and stops the batch
//    (rd_kafka_yield); poll reports `rebalancePending`.
// 2. The consumer's pull hands out the messages fetched before the rebalance
//    first, then calls RebalanceFlow.handlePending() before pulling again.
// 3. A revocation: the processed offsets are stored, unfinished messages of
//    the revoked partitions are dropped (never handed out after this), the
//    user's handler runs while the partitions are still owned (it may
//    commit), then native applies the revocation (unassign, or incremental
//    unassign for COOPERATIVE), the partitions' stored floors are forgotten,
//    and a 'rebalance' event follows.
//    An assignment: native applies it first (with the start offsets the
//    assignmentOffsets option chose, if any), then the 'rebalance' event,
//    then the user's handler.
// 4. At disconnect the handler gets a final revocation of what is assigned
//    (finalRevocation), then native close runs librdkafka's consumer close on
//    its own thread, where OnRebalance applies every further change itself
//    (nobody is left to decide), as it does for one stashed but not applied.
// Errors of the user's handler and of applying go to 'error' listeners; they
// never stop the flow.
import type { KafkaError } from './kafka-error';
import type { NativeConsumer, NativeRebalance } from './native';

export interface RebalanceEvent {
  type: 'assign' | 'revoke';
  /** EAGER (range, roundrobin), COOPERATIVE (cooperative-sticky, KIP-848) or NONE. */
  protocol: string;
  /** The assignment was lost (e.g. session timeout) rather than revoked in order: committing fails. */
  lost: boolean;
  partitions: Array<{ topic: string; partition: number }>;
}

/** Where an assigned partition starts instead of its committed offset. */
export type StartOffset = { topic: string; partition: number; offset: number };

/** What the flow needs of the consumer it runs for. */
export interface RebalanceParticipant {
  readonly native: Pick<NativeConsumer, 'takeRebalance' | 'applyRebalance' | 'assignment' | 'rebalanceProtocol'>;
  /** Before a revocation reaches the handler: store what was processed, drop unfinished messages. */
  beforeRevoke(event: RebalanceEvent): void;
  /** After a revocation was applied. */
  afterRevoke(event: RebalanceEvent): void;
  emitRebalance(event: RebalanceEvent): void;
  reportError(error: unknown): void;
  /** Runs the user's handler, if any; its errors are reported, not thrown. */
  runHandler(event: RebalanceEvent): Promise<void>;
  /** For an assignment: partitions that start at an offset of the application's choosing. */
  startOffsets?(event: RebalanceEvent): StartOffset[] | undefined;
  /** Wraps the handling of one rebalance (the rebalance tracing channel). */
  trace?(event: RebalanceEvent, handle: () => Promise<void>): Promise<void>;
}

function toEvent(pending: NativeRebalance): RebalanceEvent {
  return {
    type: pending.kind,
    protocol: pending.protocol,
    lost: pending.lost,
    partitions: pending.partitions.map(({ topic, partition }) => ({ topic, partition })),
  };
}

export class RebalanceFlow {
  readonly #consumer: RebalanceParticipant;

  constructor(consumer: RebalanceParticipant) {
    this.#consumer = consumer;
  }

  /** Step 3: the stashed rebalance, if any. */
  async handlePending(): Promise<void> {
    const pending = this.#consumer.native.takeRebalance();
    if (pending === undefined) return;
    const event = toEvent(pending);
    const consumer = this.#consumer;
    if (consumer.trace) await consumer.trace(event, () => this.#handle(event));
    else await this.#handle(event);
  }

  async #handle(event: RebalanceEvent): Promise<void> {
    const consumer = this.#consumer;
    if (event.type === 'revoke') {
      consumer.beforeRevoke(event);
      await consumer.runHandler(event);
      this.#apply();
      consumer.afterRevoke(event);
      consumer.emitRebalance(event);
    } else {
      this.#apply(consumer.startOffsets?.(event));
      consumer.emitRebalance(event);
      await consumer.runHandler(event);
    }
  }

  /** Step 4: what is assigned is revoked for the handler before the consumer closes. */
  async finalRevocation(): Promise<void> {
    const assigned = this.#consumer.native.assignment();
    if (assigned.length === 0) return;
    await this.#consumer.runHandler({
      type: 'revoke',
      protocol: this.#consumer.native.rebalanceProtocol(),
      lost: false,
      partitions: assigned.map(({ topic, partition }) => ({ topic, partition })),
    });
  }

  #apply(startOffsets?: StartOffset[]): void {
    try {
      this.#consumer.native.applyRebalance(startOffsets);
    } catch (error) {
      this.#consumer.reportError(error as KafkaError);
    }
  }
}
