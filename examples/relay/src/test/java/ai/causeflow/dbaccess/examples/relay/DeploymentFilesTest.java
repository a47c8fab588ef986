package ai.causeflow.dbaccess.examples.relay;

import static org.assertj.core.api.Assertions.assertThat;


import ai.causeflow.dbaccess.core.masking.Masking;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The deployment files cannot be run here (no Docker, no cluster); this checks what can be: the
 * example configurations load and build a masking stage, and the hardening is actually declared.
 */
class DeploymentFilesTest {
  private static final Map<String, String> ENV = Map.of("RELAY_TOKEN", "t", "TENANT_ID", "acme",
      "PG_HOST", "db.internal", "PG_PASSWORD", "pw", "MASKING_KEY",
      "0123456789abcdef0123456789abcdef");
  private static final YAMLMapper YAML = new YAMLMapper();

  @Test
  void exampleConfigLoads() throws Exception {
    RelayConfig c = RelayConfig.parse(Files.readString(Path.of("relay-config.example.yaml")), ENV);
    assertThat(c.controlPlane().url().getScheme()).isEqualTo("wss");
    assertThat(c.resources()).hasSize(1);
    assertThat(Masking.from(c.masking()).enabled()).isTrue();
  }

  @Test
  void kubernetesManifestIsHardenedAndItsConfigLoads() throws Exception {
    List<JsonNode> docs = new ArrayList<>();
    try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class)
        .readValues(Path.of("k8s/relay.yaml").toFile())) {
      it.forEachRemaining(docs::add);
    }
    JsonNode cm = docs.stream().filter(d -> d.path("kind").asText().equals("ConfigMap"))
        .findFirst().orElseThrow();
    RelayConfig c = RelayConfig.parse(cm.get("data").get("relay-config.yaml").asText(), ENV);
    assertThat(Masking.from(c.masking()).enabled()).isTrue();
    JsonNode pod = docs.stream().filter(d -> d.path("kind").asText().equals("Deployment"))
        .findFirst().orElseThrow().get("spec").get("template").get("spec");
    assertThat(pod.get("securityContext").get("runAsNonRoot").asBoolean()).isTrue();
    assertThat(pod.get("securityContext").get("runAsUser").asInt()).isEqualTo(10001);
    JsonNode container = pod.get("containers").get(0);
    JsonNode sc = container.get("securityContext");
    assertThat(sc.get("allowPrivilegeEscalation").asBoolean()).isFalse();
    assertThat(sc.get("readOnlyRootFilesystem").asBoolean()).isTrue();
    assertThat(sc.get("capabilities").get("drop").get(0).asText()).isEqualTo("ALL");
    assertThat(container.get("resources").get("limits").get("memory").asText())
        .isEqualTo("512Mi");
    assertThat(container.get("envFrom").get(0).get("secretRef").get("name").asText())
        .isEqualTo("causeflow-relay");
  }

  @Test
  void composeAndDockerfileAreHardened() throws Exception {
    JsonNode relay = YAML.readTree(Path.of("docker-compose.yml").toFile())
        .get("services").get("relay");
    assertThat(relay.get("read_only").asBoolean()).isTrue();
    assertThat(relay.get("user").asText()).isEqualTo("10001:10001");
    assertThat(relay.get("cap_drop").get(0).asText()).isEqualTo("ALL");
    assertThat(relay.get("security_opt").get(0).asText()).isEqualTo("no-new-privileges:true");
    assertThat(relay.get("mem_limit").asText()).isEqualTo("512m");
    assertThat(relay.get("tmpfs").get(0).asText()).startsWith("/tmp");
    assertThat(relay.get("volumes").get(0).asText()).endsWith(":ro");
    String dockerfile = Files.readString(Path.of("Dockerfile"));
    assertThat(dockerfile).contains("USER 10001:10001").contains("distroless/java17")
        .contains("-Djava.io.tmpdir=/tmp");
  }
}
