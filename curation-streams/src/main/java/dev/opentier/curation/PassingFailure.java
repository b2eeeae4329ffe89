package dev.opentier.curation;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import org.apache.kafka.common.errors.RetriableException;
import org.jooq.exception.DataAccessException;

/**
 * A failure of what the pipeline depends on, not of the document: PostgreSQL down, restarting or
 * out of connections, a broker that cannot be reached. It is never a document's outcome: it stops
 * the stream thread, which Kafka Streams replaces (after a back-off, see {@link CurationStreams})
 * and which processes the same records again from the last commit, so the document is concluded
 * once the dependency is back, exactly once.
 */
public final class PassingFailure extends RuntimeException {
  public PassingFailure(String stage, Throwable cause) {
    super(stage + ": " + cause.getMessage(), cause);
  }

  /** True when the failure is the database's or the broker's and passes with time. */
  public static boolean isPassing(Throwable failure) {
    for (Throwable e = failure; e != null; e = e.getCause() == e ? null : e.getCause()) {
      if (e instanceof PassingFailure) return true;
      if (e instanceof SQLTransientException || e instanceof SQLNonTransientConnectionException || e instanceof SQLRecoverableException
          || e instanceof RetriableException || e instanceof ConnectException) {
        return true;
      }
      String state = e instanceof SQLException sql ? sql.getSQLState() : e instanceof DataAccessException data ? data.sqlState() : null;
      // connection errors, the server shutting down or not yet accepting, out of resources, and
      // transaction conflicts that a retry resolves
      if (state != null && (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53") || state.equals("40001")
          || state.equals("40P01"))) {
        return true;
      }
    }
    return false;
  }
}
