/**
 * The embedded demo: PostgreSQL with a checkout-outage story, the reference relay, and a scripted
 * DB Analyst playing the control plane.
 */
@NullMarked
package ai.causeflow.dbaccess.examples.demo;

import org.jspecify.annotations.NullMarked;
