package ai.causeflow.dbaccess.dynamo.internal;

import ai.causeflow.dbaccess.core.Column;
import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import ai.causeflow.dbaccess.core.spi.CursorSummary;
import ai.causeflow.dbaccess.core.spi.ExecutionContext;
import ai.causeflow.dbaccess.core.spi.RowCursor;
import ai.causeflow.dbaccess.core.spi.RowShape;
import ai.causeflow.dbaccess.dynamo.DynamoOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.awscore.AwsRequestOverrideConfiguration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.GetItemRequest;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;

/**
 * Reads the items of one GetItem, Query, Scan or BatchGetItem, page by page, only as far as the
 * pipeline needs them: each page asks DynamoDB for at most the rows still wanted
 * ({@code limit + 1} in all, so that the pipeline can tell whether more exist), and reading stops
 * at the statement's own {@code Limit} (items evaluated), at {@code maxPagesPerRequest}, or once
 * the consumed read capacity reaches {@code maxReadCapacityPerRequest}. Each call carries an API
 * call timeout equal to the time left before the request's deadline.
 *
 * <p>{@link #summary(int)} says where a caller continues: the key after the last row the pipeline
 * kept ({@code lastEvaluatedKey}), why reading stopped, the pages read and the capacity consumed.
 *
 * <p>Thread-safety: one thread; {@link #close()} from the cancel hook only sets a flag.
 */
final class DynamoCursor implements RowCursor {
  private static final int BATCH_RETRY_BASE_MS = 50;

  private final DynamoDbClient client;
  private final DynamoPlan plan;
  private final ExecutionContext ctx;
  private final DynamoOptions options;
  private final Function<DynamoPlan, @Nullable List<String>> keyNames;
  private final int wanted;
  private final String doing;
  private final @Nullable String roleArn;

  private List<Column> columns = List.of();
  private @Nullable RowShape shape;
  private Iterator<Map<String, AttributeValue>> page = java.util.Collections.emptyIterator();
  private final List<@Nullable Map<String, AttributeValue>> yieldedKeys = new ArrayList<>();
  private @Nullable List<String> knownKeyNames;
  private @Nullable Map<String, AttributeValue> exclusiveStart;
  private @Nullable Map<String, AttributeValue> lastPageKey;
  private @Nullable Map<String, KeysAndAttributes> unprocessed;
  private boolean exhausted;
  private @Nullable String stoppedBy;
  private int pages;
  private long evaluated;
  private long counted;
  private double capacity;
  private int yielded;
  private volatile boolean closed;

  DynamoCursor(DynamoDbClient client, DynamoPlan plan, ExecutionContext ctx, DynamoOptions options,
      Function<DynamoPlan, @Nullable List<String>> keyNames, @Nullable String roleArn) {
    this.roleArn = roleArn;
    this.client = client;
    this.plan = plan;
    this.ctx = ctx;
    this.options = options;
    this.keyNames = keyNames;
    this.wanted = Math.max(1, ctx.maxRowsToRead());
    this.doing = plan.kind().name() + " on table '" + plan.table() + "'"
        + (plan.index() == null ? "" : " index '" + plan.index() + "'");
    if (plan.sdkRequest() instanceof QueryRequest q) {
      exclusiveStart = q.hasExclusiveStartKey() ? q.exclusiveStartKey() : null;
    } else if (plan.sdkRequest() instanceof ScanRequest s) {
      exclusiveStart = s.hasExclusiveStartKey() ? s.exclusiveStartKey() : null;
    }
  }

  /** Reads the first page, so that errors surface from {@code open} and columns are known. */
  DynamoCursor start() {
    fetch();
    return this;
  }

  @Override
  public List<Column> columns() {
    return columns;
  }

  @Override
  public @Nullable Map<String, @Nullable Object> next() {
    while (!page.hasNext()) {
      if (exhausted || closed) {
        return null;
      }
      fetch();
    }
    Map<String, AttributeValue> item = page.next();
    yielded++;
    yieldedKeys.add(keyOf(item));
    return row(item);
  }

  /**
   * The item as a compact row. Items of one table mostly share their attribute names, so the
   * shape of the previous item is reused while the names (in order) are the same: one value array
   * per item instead of a hash map, and the pipeline's masking and sizing take their fast path.
   */
  private Map<String, @Nullable Object> row(Map<String, AttributeValue> item) {
    int n = item.size();
    RowShape s = shape;
    boolean same = s != null && s.size() == n;
    @Nullable Object[] values = new Object[n];
    int i = 0;
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
      if (same && s != null && !s.name(i).equals(e.getKey())) {
        same = false;
      }
      values[i++] = AttributeValues.value(e.getValue());
    }
    if (s == null || !same) {
      s = RowShape.of(new ArrayList<>(item.keySet()));
      shape = s;
    }
    return s.row(values);
  }

  private void fetch() {
    if (ctx.isCancelled() || closed) {
      throw new DbAccessException(ErrorCode.CANCELLED, "request was cancelled");
    }
    switch (plan.kind()) {
      case GET_ITEM -> getItem();
      case QUERY, SCAN -> pageOfQueryOrScan();
      case BATCH_GET_ITEM -> batch();
      default -> throw new DbAccessException(ErrorCode.INTERNAL, "not an item read: "
          + plan.kind());
    }
  }

  private AwsRequestOverrideConfiguration timeout() {
    Duration left = Duration.between(Instant.now(), ctx.deadline());
    if (left.isNegative() || left.isZero()) {
      throw new DbAccessException(ErrorCode.TIMEOUT, doing + " ran out of time");
    }
    return AwsRequestOverrideConfiguration.builder().apiCallTimeout(left).build();
  }

  private void getItem() {
    GetItemRequest r = ((GetItemRequest) plan.requireSdkRequest()).toBuilder()
        .overrideConfiguration(timeout()).build();
    GetItemResponse resp = call(() -> client.getItem(r));
    pages++;
    addCapacity(resp.consumedCapacity());
    exhausted = true;
    List<Map<String, AttributeValue>> items = resp.hasItem() && !resp.item().isEmpty()
        ? List.of(resp.item()) : List.of();
    learnColumns(items);
    page = items.iterator();
  }

  private void pageOfQueryOrScan() {
    if (plan.count()) {
      // COUNT reads every page it may, then yields one row
      readPage();
      while (!stopBeforeNextPage()) {
        readPage();
      }
      Map<String, AttributeValue> row = new LinkedHashMap<>();
      row.put("count", AttributeValue.fromN(Long.toString(counted)));
      row.put("scanned_count", AttributeValue.fromN(Long.toString(evaluated)));
      columns = List.of(new Column("count", "N", plan.table()),
          new Column("scanned_count", "N", plan.table()));
      page = List.of(row).iterator();
      return;
    }
    if (pages > 0 && stopBeforeNextPage()) {
      return;
    }
    List<Map<String, AttributeValue>> items = readPage();
    learnColumns(items);
    page = items.iterator();
  }

  private List<Map<String, AttributeValue>> readPage() {
    Integer limit = null;
    if (!plan.count()) {
      limit = wanted - yielded;
    }
    if (plan.userLimit() != null) {
      int left = (int) Math.max(1, plan.userLimit() - evaluated);
      limit = limit == null ? left : Math.min(limit, left);
    }
    Integer pageLimit = limit == null ? null : Math.max(1, limit);
    List<Map<String, AttributeValue>> items;
    Map<String, AttributeValue> lek;
    long scanned;
    if (plan.kind() == DynamoPlan.Kind.QUERY) {
      QueryRequest r = ((QueryRequest) plan.requireSdkRequest()).toBuilder()
          .overrideConfiguration(timeout()).exclusiveStartKey(exclusiveStart).limit(pageLimit)
          .build();
      QueryResponse resp = call(() -> client.query(r));
      items = resp.items();
      lek = resp.hasLastEvaluatedKey() ? resp.lastEvaluatedKey() : null;
      scanned = resp.scannedCount() == null ? items.size() : resp.scannedCount();
      counted += resp.count() == null ? items.size() : resp.count();
      addCapacity(resp.consumedCapacity());
    } else {
      ScanRequest r = ((ScanRequest) plan.requireSdkRequest()).toBuilder()
          .overrideConfiguration(timeout()).exclusiveStartKey(exclusiveStart).limit(pageLimit)
          .build();
      ScanResponse resp = call(() -> client.scan(r));
      items = resp.items();
      lek = resp.hasLastEvaluatedKey() ? resp.lastEvaluatedKey() : null;
      scanned = resp.scannedCount() == null ? items.size() : resp.scannedCount();
      counted += resp.count() == null ? items.size() : resp.count();
      addCapacity(resp.consumedCapacity());
    }
    pages++;
    evaluated += scanned;
    lastPageKey = lek == null || lek.isEmpty() ? null : lek;
    if (lastPageKey != null) {
      exclusiveStart = lastPageKey;
      if (knownKeyNames == null) {
        knownKeyNames = List.copyOf(lastPageKey.keySet());
      }
    } else {
      exhausted = true;
    }
    return items;
  }

  /** True (and remembers why) when no further page may be read. */
  private boolean stopBeforeNextPage() {
    if (exhausted) {
      return true;
    }
    String why = null;
    if (plan.userLimit() != null && evaluated >= plan.userLimit()) {
      why = "limit";
    } else if (!plan.count() && yielded >= wanted) {
      exhausted = true; // the pipeline has what it asked for; it decides about truncation
      return true;
    } else if (pages >= options.maxPagesPerRequest()) {
      why = "pages";
    } else if (capacity >= options.maxReadCapacityPerRequest()) {
      why = "capacity";
    }
    if (why != null) {
      stoppedBy = why;
      exhausted = true;
      return true;
    }
    return false;
  }

  private void batch() {
    Map<String, KeysAndAttributes> request = unprocessed != null ? unprocessed
        : ((BatchGetItemRequest) plan.requireSdkRequest()).requestItems();
    if (pages > 0) {
      if (pages >= options.maxPagesPerRequest()) {
        stoppedBy = "pages";
        exhausted = true;
        return;
      }
      try {
        Thread.sleep(Math.min(1_000L, (long) BATCH_RETRY_BASE_MS << Math.min(pages, 5)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new DbAccessException(ErrorCode.CANCELLED, "request was cancelled");
      }
    }
    BatchGetItemRequest r = ((BatchGetItemRequest) plan.requireSdkRequest()).toBuilder()
        .requestItems(request).overrideConfiguration(timeout()).build();
    BatchGetItemResponse resp = call(() -> client.batchGetItem(r));
    pages++;
    if (resp.hasConsumedCapacity()) {
      resp.consumedCapacity().forEach(this::addCapacity);
    }
    List<Map<String, AttributeValue>> items = resp.hasResponses()
        ? resp.responses().getOrDefault(plan.table(), List.of()) : List.of();
    unprocessed = resp.hasUnprocessedKeys() && !resp.unprocessedKeys().isEmpty()
        ? resp.unprocessedKeys() : null;
    if (unprocessed == null) {
      exhausted = true;
    }
    learnColumns(items);
    page = items.iterator();
  }

  private <T> T call(java.util.function.Supplier<T> c) {
    try {
      return c.get();
    } catch (RuntimeException e) {
      if (ctx.isCancelled()) {
        throw new DbAccessException(ErrorCode.CANCELLED, "request was cancelled", null, e);
      }
      throw AwsErrors.map(e, doing, roleArn);
    }
  }

  private void addCapacity(@Nullable ConsumedCapacity c) {
    if (c != null && c.capacityUnits() != null) {
      capacity += c.capacityUnits();
    }
  }

  private void learnColumns(List<Map<String, AttributeValue>> items) {
    if (!columns.isEmpty() && pages > 1) {
      return;
    }
    LinkedHashSet<String> names = new LinkedHashSet<>(plan.projectedAttributes());
    if (names.isEmpty()) {
      for (Map<String, AttributeValue> item : items) {
        names.addAll(item.keySet());
        if (names.size() > 1_000) {
          break;
        }
      }
    }
    List<Column> cols = new ArrayList<>(names.size());
    for (String n : names) {
      cols.add(new Column(n, "attribute", plan.table()));
    }
    if (!cols.isEmpty() || columns.isEmpty()) {
      columns = List.copyOf(cols);
    }
  }

  private @Nullable Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
    List<String> names = knownKeyNames;
    if (names == null) {
      return item; // resolved lazily in report(): only the last kept item's key is ever needed
    }
    return extract(item, names);
  }

  private static @Nullable Map<String, AttributeValue> extract(Map<String, AttributeValue> item,
      List<String> names) {
    Map<String, AttributeValue> key = new LinkedHashMap<>();
    for (String n : names) {
      AttributeValue v = item.get(n);
      if (v == null) {
        return null;
      }
      key.put(n, v);
    }
    return key;
  }

  /**
   * Where the caller continues and what reading cost.
   *
   * @param rowsKept how many of the yielded rows the pipeline kept
   */
  @Override
  public CursorSummary summary(int rowsKept) {
    Map<String, @Nullable Object> meta = new LinkedHashMap<>();
    meta.put("consumedCapacity", capacity);
    meta.put("pages", pages);
    if (plan.kind() == DynamoPlan.Kind.QUERY || plan.kind() == DynamoPlan.Kind.SCAN) {
      meta.put("scannedCount", evaluated);
    }
    String truncatedBy = null;
    Map<String, AttributeValue> continueAt = null;
    boolean continuationKnown = true;
    if (plan.kind() == DynamoPlan.Kind.QUERY || plan.kind() == DynamoPlan.Kind.SCAN) {
      if (rowsKept < yielded && !plan.count()) {
        if (rowsKept == 0) {
          continueAt = null;
          continuationKnown = false;
        } else {
          continueAt = keyAt(rowsKept - 1);
          continuationKnown = continueAt != null;
        }
      } else if (stoppedBy != null) {
        truncatedBy = stoppedBy;
        continueAt = lastPageKey;
      }
    } else if (plan.kind() == DynamoPlan.Kind.BATCH_GET_ITEM && unprocessed != null) {
      truncatedBy = stoppedBy == null ? "pages" : stoppedBy;
      int n = 0;
      for (KeysAndAttributes k : unprocessed.values()) {
        n += k.keys().size();
      }
      meta.put("unprocessedKeys", n);
    }
    if (!continuationKnown) {
      meta.put("continuation", "unavailable: the key attributes of the last row returned are not"
          + " in its projection; add them to ProjectionExpression");
    }
    return new CursorSummary(truncatedBy, meta, continueAt == null ? null : "lastEvaluatedKey",
        continueAt == null ? null : AttributeValues.item(continueAt));
  }

  private @Nullable Map<String, AttributeValue> keyAt(int i) {
    Map<String, AttributeValue> k = yieldedKeys.get(i);
    if (k == null) {
      return null;
    }
    if (knownKeyNames != null && k.size() == knownKeyNames.size()
        && k.keySet().containsAll(knownKeyNames)) {
      return k;
    }
    List<String> names = knownKeyNames != null ? knownKeyNames : keyNames.apply(plan);
    return names == null ? null : extract(k, names);
  }

  @Override
  public void close() {
    closed = true;
  }
}
