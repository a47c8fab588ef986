package ai.causeflow.dbaccess.dynamo.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class AttributeValuesTest {

  @Test
  void numbersKeepFullPrecision() {
    assertThat(AttributeValues.number("42")).isEqualTo(42L);
    assertThat(AttributeValues.number("-0")).isEqualTo(0L);
    assertThat(AttributeValues.number("9007199254740992")).isEqualTo(9007199254740992L);
    assertThat(AttributeValues.number("-9007199254740992")).isEqualTo(-9007199254740992L);
    assertThat(AttributeValues.number("9007199254740993")).isEqualTo("9007199254740993");
    assertThat(AttributeValues.number("12345678901234567890123456789012345678"))
        .isEqualTo("12345678901234567890123456789012345678");
    assertThat(AttributeValues.number("1E+3")).isEqualTo(1000L);
    assertThat(AttributeValues.number("1E+40")).isEqualTo("1" + "0".repeat(40));
    assertThat(AttributeValues.number("10.50")).isEqualTo(new BigDecimal("10.50"));
    assertThat(AttributeValues.number("0.1000000000000000000001"))
        .isEqualTo(new BigDecimal("0.1000000000000000000001"));
  }

  @Test
  void itemsBecomeTheCoreValueModel() {
    Map<String, AttributeValue> item = new java.util.LinkedHashMap<>();
    item.put("s", AttributeValue.fromS("x"));
    item.put("b", AttributeValue.fromB(SdkBytes.fromUtf8String("hi")));
    item.put("ok", AttributeValue.fromBool(true));
    item.put("nil", AttributeValue.fromNul(true));
    item.put("ss", AttributeValue.fromSs(List.of("a", "b")));
    item.put("ns", AttributeValue.fromNs(List.of("1", "9007199254740993")));
    item.put("bs", AttributeValue.fromBs(List.of(SdkBytes.fromUtf8String("hi"))));
    item.put("m", AttributeValue.fromM(Map.of("l", AttributeValue.fromL(List.of(
        AttributeValue.fromN("1.5"), AttributeValue.fromM(Map.of("z",
            AttributeValue.fromS("deep"))))))));
    Map<String, Object> v = AttributeValues.item(item);
    assertThat(v.keySet()).containsExactly("s", "b", "ok", "nil", "ss", "ns", "bs", "m");
    assertThat(v.get("b")).isEqualTo("aGk=");
    assertThat(v.get("ok")).isEqualTo(true);
    assertThat(v).containsEntry("nil", null);
    assertThat(v.get("ss")).isEqualTo(List.of("a", "b"));
    assertThat(v.get("ns")).isEqualTo(List.of(1L, "9007199254740993"));
    assertThat(v.get("bs")).isEqualTo(List.of("aGk="));
    assertThat(v.get("m")).isEqualTo(Map.of("l", List.of(new BigDecimal("1.5"),
        Map.of("z", "deep"))));
  }
}
