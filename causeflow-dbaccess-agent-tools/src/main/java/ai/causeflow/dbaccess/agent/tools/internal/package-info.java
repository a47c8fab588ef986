/** Implementation details of the agent tools; not API. */
@NullMarked
package ai.causeflow.dbaccess.agent.tools.internal;

import org.jspecify.annotations.NullMarked;
