package ai.causeflow.dbaccess.dynamo;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;

/**
 * What a DynamoDB resource allows beyond plain {@code GetItem}/{@code Query}/{@code Scan}, and how
 * much one request may read. Everything that costs extra capacity or reads more than one partition
 * at a time is off by default.
 *
 * <pre>{@code
 * DynamoOptions options = DynamoOptions.defaults().toBuilder()
 *     .allowCount(true)                    // Select=COUNT (reads every item it counts)
 *     .maxPagesPerRequest(20)
 *     .build();
 * }</pre>
 *
 * <p>Thread-safety: immutable value.
 *
 * @param allowConsistentRead {@code ConsistentRead: true} (twice the read capacity); default false
 * @param allowParallelScan {@code Segment}/{@code TotalSegments}; default false
 * @param allowCount {@code Select: COUNT}; default false
 * @param allowBatchGetItem the {@code BatchGetItem} statement; default false
 * @param maxPagesPerRequest how many Query/Scan pages (each at most 1 MB at DynamoDB) one request
 *     may read, 1..1000; default 10
 * @param maxReadCapacityPerRequest consumed read capacity units after which a request stops reading
 *     further pages, 1..100000; default 500
 * @param maxTotalSegments the largest {@code TotalSegments} when parallel scans are allowed,
 *     1..1000000; default 16
 */
public record DynamoOptions(
    boolean allowConsistentRead,
    boolean allowParallelScan,
    boolean allowCount,
    boolean allowBatchGetItem,
    int maxPagesPerRequest,
    double maxReadCapacityPerRequest,
    int maxTotalSegments) {

  public DynamoOptions {
    if (maxPagesPerRequest < 1 || maxPagesPerRequest > 1_000) {
      throw invalid("maxPagesPerRequest: must be between 1 and 1000, was " + maxPagesPerRequest);
    }
    if (!(maxReadCapacityPerRequest >= 1 && maxReadCapacityPerRequest <= 100_000)) {
      throw invalid("maxReadCapacityPerRequest: must be between 1 and 100000, was "
          + maxReadCapacityPerRequest);
    }
    if (maxTotalSegments < 1 || maxTotalSegments > 1_000_000) {
      throw invalid("maxTotalSegments: must be between 1 and 1000000, was " + maxTotalSegments);
    }
  }

  /** Everything off, 10 pages, 500 read capacity units, 16 segments. */
  public static DynamoOptions defaults() {
    return new DynamoOptions(false, false, false, false, 10, 500, 16);
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  private static DbAccessException invalid(String message) {
    return new DbAccessException(ErrorCode.CONFIG_INVALID, message);
  }

  /** Builder for {@link DynamoOptions}; not thread-safe. */
  public static final class Builder {
    private boolean allowConsistentRead;
    private boolean allowParallelScan;
    private boolean allowCount;
    private boolean allowBatchGetItem;
    private int maxPagesPerRequest;
    private double maxReadCapacityPerRequest;
    private int maxTotalSegments;

    private Builder(DynamoOptions o) {
      allowConsistentRead = o.allowConsistentRead;
      allowParallelScan = o.allowParallelScan;
      allowCount = o.allowCount;
      allowBatchGetItem = o.allowBatchGetItem;
      maxPagesPerRequest = o.maxPagesPerRequest;
      maxReadCapacityPerRequest = o.maxReadCapacityPerRequest;
      maxTotalSegments = o.maxTotalSegments;
    }

    public Builder allowConsistentRead(boolean v) {
      allowConsistentRead = v;
      return this;
    }

    public Builder allowParallelScan(boolean v) {
      allowParallelScan = v;
      return this;
    }

    public Builder allowCount(boolean v) {
      allowCount = v;
      return this;
    }

    public Builder allowBatchGetItem(boolean v) {
      allowBatchGetItem = v;
      return this;
    }

    public Builder maxPagesPerRequest(int v) {
      maxPagesPerRequest = v;
      return this;
    }

    public Builder maxReadCapacityPerRequest(double v) {
      maxReadCapacityPerRequest = v;
      return this;
    }

    public Builder maxTotalSegments(int v) {
      maxTotalSegments = v;
      return this;
    }

    /** @throws DbAccessException {@code CONFIG_INVALID} naming the bad value */
    public DynamoOptions build() {
      return new DynamoOptions(allowConsistentRead, allowParallelScan, allowCount,
          allowBatchGetItem, maxPagesPerRequest, maxReadCapacityPerRequest, maxTotalSegments);
    }
  }
}
