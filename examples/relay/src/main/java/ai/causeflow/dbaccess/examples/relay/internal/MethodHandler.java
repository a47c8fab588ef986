package ai.causeflow.dbaccess.examples.relay.internal;

/**
 * One JSON-RPC method. A handler checks its params, then either answers on the calling thread
 * (cheap methods) or submits its work to {@link Admission}, which answers. It refuses by throwing
 * {@link Refusal}; {@link Engine} answers and audits the refusal.
 *
 * <p>Thread-safety: implementations are called from any transport thread.
 */
@FunctionalInterface
interface MethodHandler {
  void handle(RpcRequest request);
}
