/**
 * Implementation of the reference relay: JSON-RPC dispatch, the WebSocket and stdio transports,
 * health monitoring and audit plumbing. Not API; may change at any time.
 */
@NullMarked
package ai.causeflow.dbaccess.examples.relay.internal;

import org.jspecify.annotations.NullMarked;
