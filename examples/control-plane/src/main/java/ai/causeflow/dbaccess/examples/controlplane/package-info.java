/**
 * A minimal control plane: the WebSocket endpoint an agent backend runs so that relays inside
 * customer networks dial in ({@link ai.causeflow.dbaccess.examples.controlplane.ControlPlane}),
 * and the JSON-RPC calls it makes to a connected relay
 * ({@link ai.causeflow.dbaccess.examples.controlplane.RelayConnection}). The wire contract is
 * {@code docs/protocol.md}; the walk-through is {@code docs/control-plane.md}.
 */
@NullMarked
package ai.causeflow.dbaccess.examples.controlplane;

import org.jspecify.annotations.NullMarked;
