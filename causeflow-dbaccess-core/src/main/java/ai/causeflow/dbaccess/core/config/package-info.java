/**
 * Typed, immutable configuration loaded from a configuration file ({@code relay-config.yaml}): the generic parts (resources, policy keys, masking, audit) read by {@link ai.causeflow.dbaccess.core.config.ConfigLoader}, each {@code connection} block by the parser its backend module registers, with environment substitution and strict validation that names the key path of every error.
 */
@NullMarked
package ai.causeflow.dbaccess.core.config;

import org.jspecify.annotations.NullMarked;
