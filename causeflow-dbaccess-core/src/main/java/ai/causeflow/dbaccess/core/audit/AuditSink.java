package ai.causeflow.dbaccess.core.audit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Where audit events go. The pipeline calls {@link #record} once per request, refused and failed
 * ones included, before the result is handed back.
 *
 * <p>If {@code record} throws, what happens is decided by the data source's
 * {@link AuditFailureMode}: by default ({@link AuditFailureMode#FAIL_CLOSED}) the result is withheld
 * and the caller gets an {@code INTERNAL} error, because an unaudited read must not happen.
 *
 * <pre>{@code
 * AuditSink sink = JsonLinesAuditSink.toStream(System.err);
 * }</pre>
 *
 * <p>Thread-safety: implementations must accept concurrent calls.
 */
@FunctionalInterface
public interface AuditSink {

  /** Records one event; throws if it could not be recorded. */
  void record(AuditEvent event);

  /**
   * JSON lines ({@link JsonLinesAuditSink#toJsonLine}) on the process's current standard error;
   * the default sink of every data source. Standard error, because standard output is often a
   * program's data channel (a stdio protocol, a pipe) and an audit that goes nowhere by default
   * would be a silent gap.
   */
  static AuditSink standardError() {
    return JsonLinesAuditSink.STDERR;
  }

  /** A sink that drops everything; an explicit opt-out for callers who audit elsewhere. */
  static AuditSink discard() {
    return event -> {};
  }

  /** A sink that keeps events in memory, for tests. */
  static InMemory inMemory() {
    return new InMemory();
  }

  /** An in-memory sink. Thread-safe. */
  final class InMemory implements AuditSink {
    private final List<AuditEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void record(AuditEvent event) {
      events.add(event);
    }

    public List<AuditEvent> events() {
      return List.copyOf(events);
    }

    public AuditEvent last() {
      if (events.isEmpty()) {
        throw new IllegalStateException("no audit event recorded");
      }
      return events.get(events.size() - 1);
    }

    public void clear() {
      events.clear();
    }
  }
}
