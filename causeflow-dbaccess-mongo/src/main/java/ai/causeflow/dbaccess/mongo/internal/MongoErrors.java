package ai.causeflow.dbaccess.mongo.internal;

import ai.causeflow.dbaccess.core.DbAccessException;
import ai.causeflow.dbaccess.core.ErrorCode;
import com.mongodb.MongoClientException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoInterruptedException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoServerException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoTimeoutException;
import java.util.Set;

/**
 * Driver exceptions to coded {@link DbAccessException}s. The server's message is never copied: it
 * can quote values from the command or the documents. Only its numeric code and code name are.
 *
 * <p>Thread-safety: stateless.
 */
final class MongoErrors {
  /** Codes a server answers when it lacks a command or stage (mongo-java-server, old servers). */
  static final Set<Integer> UNSUPPORTED = Set.of(59, 40324, 115);

  private MongoErrors() {}

  static DbAccessException map(RuntimeException e, String doing) {
    if (e instanceof DbAccessException d) {
      return d;
    }
    if (e instanceof MongoExecutionTimeoutException t) {
      return new DbAccessException(ErrorCode.TIMEOUT, doing + ": exceeded maxTimeMS at the"
          + " server", Integer.toString(t.getCode()), e);
    }
    if (e instanceof MongoInterruptedException) {
      return new DbAccessException(ErrorCode.CANCELLED, doing + ": interrupted", null, e);
    }
    if (e instanceof MongoSecurityException) {
      return new DbAccessException(ErrorCode.CONNECTION_FAILED, doing + ": authentication with"
          + " the server failed", null, e);
    }
    if (e instanceof MongoTimeoutException || e instanceof MongoSocketException) {
      return new DbAccessException(ErrorCode.CONNECTION_FAILED, doing + ": the server could not"
          + " be reached (" + e.getClass().getSimpleName() + ")", null, e);
    }
    if (e instanceof MongoServerException s) {
      int code = s.getCode();
      String name = s instanceof MongoCommandException c ? c.getErrorCodeName() : "";
      if (code == 50) {
        return new DbAccessException(ErrorCode.TIMEOUT, doing + ": exceeded maxTimeMS at the"
            + " server", "50", e);
      }
      if (code == 13) {
        return new DbAccessException(ErrorCode.QUERY_FAILED, doing + ": the database user is not"
            + " authorized for this (code 13 Unauthorized); see the least-privilege guide in"
            + " docs/mongo.md", "13", e);
      }
      if (UNSUPPORTED.contains(code)) {
        return unsupported(doing, Integer.toString(code), e);
      }
      return new DbAccessException(ErrorCode.QUERY_FAILED, doing + ": the server refused it"
          + " (code " + code + (name.isEmpty() ? "" : " " + name) + ")", Integer.toString(code),
          e);
    }
    if (e instanceof MongoClientException) {
      return new DbAccessException(ErrorCode.CONNECTION_FAILED, doing + ": the client is not"
          + " usable (" + e.getClass().getSimpleName() + ")", null, e);
    }
    if (e instanceof MongoException m) {
      return new DbAccessException(ErrorCode.QUERY_FAILED, doing + ": failed (code "
          + m.getCode() + ")", Integer.toString(m.getCode()), e);
    }
    return new DbAccessException(ErrorCode.INTERNAL, doing + ": unexpected failure ("
        + e.getClass().getSimpleName() + ")", null, e);
  }

  static DbAccessException unsupported(String doing, String code, @org.jspecify.annotations.Nullable Throwable cause) {
    return new DbAccessException(ErrorCode.QUERY_FAILED, doing + ": not supported by this server"
        + " (code " + code + "); it needs a MongoDB server (mongod/mongos)", code, cause);
  }
}
