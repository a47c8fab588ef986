package ai.causeflow.dbaccess.examples.relay.internal;

/**
 * One connection to a caller (a WebSocket connection or the stdio streams). Responses of a request
 * go back only on the session it came in on: when a session ends, its unanswered requests are
 * cancelled and their answers dropped, never replayed on the next connection.
 *
 * <p>Thread-safety: implementations accept {@link #send} from any thread and serialise frames.
 */
public interface Session {

  /**
   * Queues one complete JSON-RPC message; silently dropped when the session is closed. May block
   * while the caller is not reading (backpressure): stdio blocks on the pipe, a WebSocket waits
   * for room in its send buffer up to its stall timeout, then closes the connection.
   */
  void send(String json);

  /** Whether answers can still be delivered. */
  boolean isOpen();
}
