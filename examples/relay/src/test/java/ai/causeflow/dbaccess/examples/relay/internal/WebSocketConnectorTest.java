package ai.causeflow.dbaccess.examples.relay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

/** ws:// is refused at connect time for anything but loopback, even if the loader missed it. */
class WebSocketConnectorTest {

  @Test
  void backoffIsFullJitterUnderADoublingCeilingCappedAtMax() {
    assertThat(WebSocketConnector.backoffMs(0, 1000, 60000, 0.0)).isZero();
    assertThat(WebSocketConnector.backoffMs(0, 1000, 60000, 0.999999)).isEqualTo(1000);
    assertThat(WebSocketConnector.backoffMs(3, 1000, 60000, 0.999999)).isEqualTo(8000);
    assertThat(WebSocketConnector.backoffMs(3, 1000, 60000, 0.5)).isEqualTo(4000);
    assertThat(WebSocketConnector.backoffMs(10, 1000, 60000, 0.999999)).isEqualTo(60000);
    assertThat(WebSocketConnector.backoffMs(62, 1000, 60000, 0.999999)).isEqualTo(60000);
    assertThat(WebSocketConnector.backoffMs(1_000, 1000, 60000, 0.25)).isEqualTo(15000);
  }

  @Test
  void wsOnlyToLoopbackWssAlways() {
    for (String ok : new String[] {"wss://cp.example.com/v1", "ws://127.0.0.1:9/x",
        "ws://localhost:9/x", "ws://[::1]:9/x", "ws://127.8.9.10/x"}) {
      assertThatCode(() -> WebSocketConnector.requireSafeUrl(URI.create(ok))).doesNotThrowAnyException();
    }
    for (String bad : new String[] {"ws://cp.example.com/v1", "ws://10.0.0.5/x",
        "ws://localhost.evil.com/x", "http://127.0.0.1/x", "ws://192.168.1.1/x"}) {
      assertThatThrownBy(() -> WebSocketConnector.requireSafeUrl(URI.create(bad)))
          .hasMessageContaining("controlPlane.url");
    }
  }
}
