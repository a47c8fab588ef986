package ai.causeflow.dbaccess.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.internal.JsonSize;
import ai.causeflow.dbaccess.core.masking.Masking;
import ai.causeflow.dbaccess.core.masking.MaskingStats;
import ai.causeflow.dbaccess.core.masking.Strategy;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RowShapeTest {
  static final RowShape SHAPE = RowShape.of(List.of("id", "email", "note"));
  static final List<Column> COLS = List.of(new Column("id", "int8", "public.t"),
      new Column("email", "text", "public.t"), new Column("note", "text", "public.t"));

  static Map<String, Object> expected(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void aRowIsAnOrderedMapEqualToTheSameLinkedHashMap() {
    Map<String, Object> row = SHAPE.row(new Object[] {7L, "a@b.io", null});
    Map<String, Object> same = expected("id", 7L, "email", "a@b.io", "note", null);
    assertThat(row).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(same).isEqualTo(row);
    assertThat(new ArrayList<>(row.keySet())).containsExactly("id", "email", "note");
    assertThat(new ArrayList<>(row.values())).containsExactly(7L, "a@b.io", null);
    assertThat(row.get("email")).isEqualTo("a@b.io");
    assertThat(row.containsKey("note")).isTrue();
    assertThat(row.get("missing")).isNull();
    assertThat(row.containsKey("missing")).isFalse();
    List<String> seen = new ArrayList<>();
    row.forEach((k, v) -> seen.add(k + "=" + v));
    assertThat(seen).containsExactly("id=7", "email=a@b.io", "note=null");
  }

  @Test
  void aRowCannotBeChanged() {
    Map<String, Object> row = SHAPE.row(new Object[] {1L, "x", "y"});
    assertThatThrownBy(() -> row.put("id", 2L)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> row.remove("id")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(row::clear).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> row.entrySet().iterator().next().setValue(3L))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> {
      var it = row.entrySet().iterator();
      it.next();
      it.remove();
    }).isInstanceOf(UnsupportedOperationException.class);
    assertThat(row).containsEntry("id", 1L);
  }

  @Test
  void shapesRefuseDuplicateNamesAndWrongArity() {
    assertThatThrownBy(() -> RowShape.of(List.of("id", "id")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("position 2");
    assertThatThrownBy(() -> SHAPE.row(new Object[2]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(SHAPE.names()).containsExactly("id", "email", "note");
    assertThat(SHAPE.indexOf("note")).isEqualTo(2);
    assertThat(SHAPE.indexOf("nope")).isEqualTo(-1);
  }

  @Test
  void jacksonWritesItLikeAnyMapAndTheByteEstimateAgrees() throws Exception {
    Map<String, Object> row = SHAPE.row(new Object[] {7L, "q\"uote", null});
    Map<String, Object> same = expected("id", 7L, "email", "q\"uote", "note", null);
    String json = new ObjectMapper().writeValueAsString(row);
    assertThat(json).isEqualTo(new ObjectMapper().writeValueAsString(same));
    assertThat(JsonSize.of(row)).isEqualTo(JsonSize.of(same));
  }

  @Test
  void maskingCopiesOnlyTheValuesOfAChangedRowAndKeepsUnchangedRowsAsTheyAre() {
    MaskingStats stats = new MaskingStats();
    Map<String, Object> clean = SHAPE.row(new Object[] {1L, "no pii here", "ok"});
    assertThat(Masking.defaults().maskRow(COLS, clean, stats)).isSameAs(clean);

    Object[] values = {2L, "ana@example.com", "card 4111 1111 1111 1111"};
    Object[] before = values.clone();
    Map<String, Object> row = SHAPE.row(values);
    Map<String, Object> out = Masking.defaults().maskRow(COLS, row, stats);
    assertThat(out).isNotSameAs(row);
    assertThat(new ArrayList<>(out.keySet())).containsExactly("id", "email", "note");
    assertThat(out.get("id")).isEqualTo(2L);
    assertThat(out.get("email")).isEqualTo("***@***.***");
    assertThat((String) out.get("note")).doesNotContain("4111");
    assertThat(values).as("the input row is untouched").isEqualTo(before);
    assertThat(Arrays.asList(row.get("email"), row.get("note")))
        .containsExactly("ana@example.com", "card 4111 1111 1111 1111");
    assertThatThrownBy(() -> out.put("id", 3L)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aDropRuleRemovesTheColumnFromACompactRow() {
    Masking m = Masking.builder().columnRule("email", Strategy.DROP).build();
    Map<String, Object> out = m.maskRow(COLS, SHAPE.row(new Object[] {3L, "a@b.io", "n"}),
        new MaskingStats());
    assertThat(out).isEqualTo(expected("id", 3L, "note", "n"));
    assertThat(new ArrayList<>(out.keySet())).containsExactly("id", "note");
  }
}
