// Where a transactional producer stands, as far as its own calls tell, and
// errors of the transactional calls that say what to call next.
import { ErrorCodes } from './generated/error-codes';
import { KafkaError } from './kafka-error';

export type TransactionPhase =
  | 'uninitialized'
  | 'initializing'
  | 'ready'
  | 'in-transaction'
  | 'committing'
  | 'aborting'
  | 'timed-out'
  | 'fatal';

export type TransactionOperation =
  | 'initTransactions'
  | 'beginTransaction'
  | 'commitTransaction'
  | 'abortTransaction'
  | 'sendOffsetsToTransaction';

// The broker aborts a transaction transaction.timeout.ms after it started and
// bumps the producer epoch, which librdkafka (no KIP-588) can only report as
// a fatal _FENCED. So the producer aborts it itself this much earlier, while
// the broker still accepts that, and reports an abortable error instead.
const DEADLINE_MARGIN_MS = 2000;
const DEADLINE_MARGIN_SHARE = 0.1;

/**
 * Where a transactional producer stands, as far as its own calls tell. Only
 * used to say what to call next in errors and to abort an open transaction at
 * disconnect: librdkafka remains the one that accepts or refuses each call.
 */
export class TransactionTracker {
  phase: TransactionPhase = 'uninitialized';
  #deadline: NodeJS.Timeout | undefined;
  #deadlineAbort: Promise<void> | undefined;

  /**
   * `abortAtDeadline` aborts the open transaction in librdkafka; it runs when
   * a transaction is still open shortly before transaction.timeout.ms.
   */
  constructor(
    readonly transactionalId: string,
    readonly transactionTimeoutMs: number,
    private readonly abortAtDeadline: () => Promise<void>,
  ) {}

  /** A transaction may hold messages or offsets the broker would keep pending until it times out. */
  get hasOpenTransaction(): boolean {
    return this.phase === 'in-transaction' || this.phase === 'committing';
  }

  /** Runs a transactional call, keeping the phase and turning its failure into an error that says what to do. */
  async run(operation: TransactionOperation, call: () => Promise<void>): Promise<void> {
    if (this.#deadlineAbort !== undefined && operation !== 'initTransactions') return this.#afterDeadline(operation);
    if (operation === 'commitTransaction' || operation === 'abortTransaction') this.#clearDeadline();
    const before = this.phase;
    this.phase = transientPhase(operation, before);
    try {
      await call();
    } catch (error) {
      this.phase = phaseAfterFailure(operation, before, error);
      throw explain(operation, before, error);
    }
    this.phase = phaseAfterSuccess(operation, before);
  }

  /** beginTransaction(), which does not block. */
  begin(call: () => void): void {
    if (this.phase === 'aborting' && this.#deadlineAbort !== undefined) {
      throw KafkaError.fromCode(
        ErrorCodes._STATE,
        `beginTransaction() failed: the previous transaction outlived transaction.timeout.ms and is being aborted; ` +
          'await producer.abortTransaction() first',
        { retriable: false },
      );
    }
    const before = this.phase === 'timed-out' ? 'ready' : this.phase;
    try {
      call();
    } catch (error) {
      this.phase = phaseAfterFailure('beginTransaction', before, error);
      throw explain('beginTransaction', before, error);
    }
    this.#deadlineAbort = undefined;
    this.phase = 'in-transaction';
    const delay = this.transactionTimeoutMs - Math.min(DEADLINE_MARGIN_MS, this.transactionTimeoutMs * DEADLINE_MARGIN_SHARE);
    this.#deadline = setTimeout(() => this.#onDeadline(), delay);
    this.#deadline.unref(); // an idle open transaction does not keep the process alive
  }

  /** Stops the deadline (the producer is closing). */
  dispose(): void {
    this.#clearDeadline();
  }

  #clearDeadline(): void {
    if (this.#deadline !== undefined) clearTimeout(this.#deadline);
    this.#deadline = undefined;
  }

  #onDeadline(): void {
    this.#deadline = undefined;
    if (this.phase !== 'in-transaction') return; // a commit or abort is under way
    this.phase = 'aborting';
    this.#deadlineAbort = this.abortAtDeadline().then(
      () => {
        if (this.phase === 'aborting') this.phase = 'timed-out';
      },
      (error: unknown) => {
        this.phase = phaseAfterFailure('abortTransaction', 'in-transaction', error);
        throw explain('abortTransaction', 'in-transaction', error);
      },
    );
    this.#deadlineAbort.catch(() => undefined); // surfaces at the next transactional call
  }

  // A transactional call after the deadline aborted the transaction: abort
  // acknowledges it; commit and sendOffsets report the abortable error.
  async #afterDeadline(operation: TransactionOperation): Promise<void> {
    const aborted = this.#deadlineAbort!;
    await aborted; // a failed deadline abort is this call's error (e.g. fatal)
    if (operation === 'abortTransaction') {
      this.#deadlineAbort = undefined;
      this.phase = 'ready';
      return;
    }
    throw KafkaError.fromCode(
      ErrorCodes._TIMED_OUT,
      `${operation}() failed: the transaction outlived transaction.timeout.ms (${this.transactionTimeoutMs} ms) ` +
        'and was aborted; call await producer.abortTransaction(), rewind your input and run the transaction again ' +
        '(or raise transaction.timeout.ms)',
      { retriable: false, txnRequiresAbort: true },
    );
  }

  /** The error for a message librdkafka refused with _STATE: producing outside an open transaction. */
  produceError(topic: string): KafkaError {
    const what = `Cannot produce to "${topic}": producer "${this.transactionalId}" is transactional and `;
    let hint: string;
    switch (this.phase) {
      case 'uninitialized':
      case 'initializing':
        hint =
          'its transactions are not initialised: call await producer.initTransactions() once after connect(), ' +
          'then producer.beginTransaction() before producing';
        break;
      case 'ready':
        hint = 'no transaction is open: call producer.beginTransaction() before producing';
        break;
      case 'timed-out':
        hint =
          'its transaction outlived transaction.timeout.ms and was aborted: call await producer.abortTransaction(), ' +
          'rewind your input and run the transaction again';
        break;
      case 'committing':
      case 'aborting':
        hint = `its transaction is being ${this.phase === 'committing' ? 'committed' : 'aborted'}: wait for that, then call producer.beginTransaction()`;
        break;
      default:
        hint =
          'its current transaction failed: call await producer.abortTransaction(), rewind your input and ' +
          'run the transaction again';
    }
    return KafkaError.fromCode(ErrorCodes._STATE, what + hint, { retriable: false });
  }
}

function transientPhase(operation: TransactionOperation, before: TransactionPhase): TransactionPhase {
  if (operation === 'initTransactions') return 'initializing';
  if (operation === 'commitTransaction') return 'committing';
  if (operation === 'abortTransaction') return 'aborting';
  return before;
}

function phaseAfterSuccess(operation: TransactionOperation, before: TransactionPhase): TransactionPhase {
  switch (operation) {
    case 'initTransactions':
    case 'commitTransaction':
    case 'abortTransaction':
      return 'ready';
    case 'beginTransaction':
      return 'in-transaction';
    default:
      return before;
  }
}

function phaseAfterFailure(operation: TransactionOperation, before: TransactionPhase, error: unknown): TransactionPhase {
  if (error instanceof KafkaError && error.fatal) return 'fatal';
  if (operation === 'initTransactions') return 'uninitialized';
  // A commit that failed (or timed out: it goes on in the background) leaves
  // the transaction open, to be committed again or aborted.
  if ((operation === 'commitTransaction' || operation === 'abortTransaction') && before === 'in-transaction') {
    return 'in-transaction';
  }
  return before;
}

function explain(operation: TransactionOperation, before: TransactionPhase, error: unknown): unknown {
  if (!(error instanceof KafkaError)) return error;
  let hint: string;
  if (error.fatal) {
    hint =
      error.errno === ErrorCodes._FENCED
        ? 'fatal: this producer was fenced, by a newer producer with the same transactional.id or by the broker ' +
          'aborting a transaction that outlived transaction.timeout.ms; disconnect it and, if no other instance ' +
          'took over, create a new Producer'
        : 'fatal: this producer cannot continue; disconnect it and create a new Producer';
  } else if (error.txnRequiresAbort) {
    hint = 'call await producer.abortTransaction(), rewind your input and run the transaction again';
  } else if (error.retriable) {
    hint = `retriable: call ${operation}() again (it resumes the operation where it stands)`;
  } else if (error.errno === ErrorCodes._NOT_CONFIGURED) {
    hint = 'set transactional.id in the producer config to use transactions';
  } else if (error.errno === ErrorCodes._STATE) {
    hint = stateHint(operation, before);
  } else {
    hint = 'librdkafka treats this as fatal for the transactional producer: disconnect it and create a new Producer';
  }
  return new KafkaError(`${error.message}; ${hint}`, {
    errno: error.errno,
    retriable: error.retriable,
    fatal: error.fatal,
    txnRequiresAbort: error.txnRequiresAbort,
    librdkafkaMessage: error.librdkafkaMessage,
    cause: error,
  });
}

function stateHint(operation: TransactionOperation, before: TransactionPhase): string {
  if (before === 'uninitialized' || before === 'initializing') {
    return operation === 'initTransactions'
      ? 'initTransactions() is already running or done'
      : 'call await producer.initTransactions() once after connect() first';
  }
  switch (operation) {
    case 'initTransactions':
      return 'initTransactions() was already called: it is called once per producer';
    case 'beginTransaction':
      return before === 'ready'
        ? 'the previous transaction is still completing'
        : 'a transaction is already open: commit or abort it before beginning another';
    default:
      return before === 'ready'
        ? `no transaction is open: call producer.beginTransaction() before ${operation}()`
        : `${operation}() is not allowed now (${before})`;
  }
}
