/**
 * The reference relay: a small process inside the customer's network that dials out to the
 * control plane over WebSocket (or serves newline-delimited JSON-RPC on stdio) and answers every
 * request through the read-only, masked and audited pipeline of causeflow-dbaccess-core.
 * See {@code docs/relay.md} and {@code docs/protocol.md}.
 */
@NullMarked
package ai.causeflow.dbaccess.examples.relay;

import org.jspecify.annotations.NullMarked;
