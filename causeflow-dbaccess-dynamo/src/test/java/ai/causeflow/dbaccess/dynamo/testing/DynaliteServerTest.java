package ai.causeflow.dbaccess.dynamo.testing;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Without Node.js on the PATH the fixture fails with a message that says what to install. */
class DynaliteServerTest {

  @Test
  void aMissingToolIsReportedAsMissingNodeJs() {
    assertThatThrownBy(() -> DynaliteServer.requireTool("node-not-installed-7f3a"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Node.js not found")
        .hasMessageContaining("'node-not-installed-7f3a' is not on the PATH")
        .hasMessageContaining("install Node.js 20 or later (with npm)")
        .hasMessageContaining(DynaliteServer.ENDPOINT_ENV);
  }
}
