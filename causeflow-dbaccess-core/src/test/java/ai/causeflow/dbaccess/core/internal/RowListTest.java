package ai.causeflow.dbaccess.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RowListTest {
  @Test
  void behavesLikeAnArrayListAcrossChunkBoundaries() {
    for (int n : new int[] {0, 1, 63, 64, 65, 256, RowList.CHUNK - 1, RowList.CHUNK,
        RowList.CHUNK + 1, 5 * RowList.CHUNK + 17, 100_000}) {
      RowList<Integer> list = new RowList<>();
      List<Integer> expected = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        list.add(i * 3);
        expected.add(i * 3);
      }
      assertThat(list).hasSize(n).isEqualTo(expected);
      for (int i = 0; i < n; i += 97) {
        assertThat(list.set(i, -i)).isEqualTo(i * 3);
        expected.set(i, -i);
      }
      assertThat(list).isEqualTo(expected);
      assertThat(new ArrayList<>(list)).isEqualTo(expected);
      assertThatThrownBy(() -> list.get(n)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> list.get(-1)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> list.set(n, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }
  }
}
