package ai.causeflow.dbaccess.mongo;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import com.mongodb.ReadConcern;
import com.mongodb.ReadPreference;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * MongoDB-specific settings of a data source.
 *
 * <pre>{@code
 * MongoOptions options = MongoOptions.builder()
 *     .readPreference(ReadPreference.secondaryPreferred())   // keep agents off the primary
 *     .readConcern(ReadConcern.MAJORITY)
 *     .sampleSize(200)
 *     .build();
 * }</pre>
 *
 * <p>Thread-safety: immutable value.
 *
 * @param readPreference for every read; null keeps the client's ({@code secondaryPreferred}
 *     recommended)
 * @param readConcern for every read; null keeps the client's
 * @param allowDiskUse whether {@code aggregate} may spill to disk (default false)
 * @param sampleSize documents sampled by {@code describe_table} to infer a schema: 1..1000,
 *     default 100
 * @param batchSize most documents per round trip: 1..10000, default 1000 (never more than the
 *     request's row limit + 1)
 * @param currentOpMinSeconds {@code current_ops} lists operations running at least this long
 *     (0..86400, default 0)
 */
public record MongoOptions(
    @Nullable ReadPreference readPreference,
    @Nullable ReadConcern readConcern,
    boolean allowDiskUse,
    int sampleSize,
    int batchSize,
    int currentOpMinSeconds) {

  public static final int MAX_SAMPLE_SIZE = 1_000;

  public MongoOptions {
    if (sampleSize < 1 || sampleSize > MAX_SAMPLE_SIZE) {
      throw invalid("sampleSize: must be between 1 and " + MAX_SAMPLE_SIZE + ", was "
          + sampleSize);
    }
    if (batchSize < 1 || batchSize > 10_000) {
      throw invalid("batchSize: must be between 1 and 10000, was " + batchSize);
    }
    if (currentOpMinSeconds < 0 || currentOpMinSeconds > 86_400) {
      throw invalid("currentOpMinSeconds: must be between 0 and 86400, was "
          + currentOpMinSeconds);
    }
  }

  /** Defaults: the client's read preference and concern, no disk use, sample 100, batch 1000. */
  public static MongoOptions defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder().readPreference(readPreference).readConcern(readConcern)
        .allowDiskUse(allowDiskUse).sampleSize(sampleSize).batchSize(batchSize)
        .currentOpMinSeconds(currentOpMinSeconds);
  }

  public Optional<ReadPreference> readPreferenceOption() {
    return Optional.ofNullable(readPreference);
  }

  private static DbAccessException invalid(String message) {
    return new DbAccessException(ErrorCode.CONFIG_INVALID, message);
  }

  /** Builder for {@link MongoOptions}; not thread-safe. */
  public static final class Builder {
    private @Nullable ReadPreference readPreference;
    private @Nullable ReadConcern readConcern;
    private boolean allowDiskUse;
    private int sampleSize = 100;
    private int batchSize = 1_000;
    private int currentOpMinSeconds;

    private Builder() {}

    public Builder readPreference(@Nullable ReadPreference v) {
      this.readPreference = v;
      return this;
    }

    public Builder readConcern(@Nullable ReadConcern v) {
      this.readConcern = v;
      return this;
    }

    public Builder allowDiskUse(boolean v) {
      this.allowDiskUse = v;
      return this;
    }

    public Builder sampleSize(int v) {
      this.sampleSize = v;
      return this;
    }

    public Builder batchSize(int v) {
      this.batchSize = v;
      return this;
    }

    public Builder currentOpMinSeconds(int v) {
      this.currentOpMinSeconds = v;
      return this;
    }

    public MongoOptions build() {
      return new MongoOptions(readPreference, readConcern, allowDiskUse, sampleSize, batchSize,
          currentOpMinSeconds);
    }
  }
}
