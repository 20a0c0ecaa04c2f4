package vn.eiso.exporter;

import io.camunda.zeebe.exporter.api.Exporter;
import io.camunda.zeebe.exporter.api.context.Context;
import io.camunda.zeebe.exporter.api.context.Controller;
import io.camunda.zeebe.exporter.api.context.ScheduledTask;
import io.camunda.zeebe.protocol.record.Record;
import io.camunda.zeebe.protocol.record.RecordType;
import io.camunda.zeebe.protocol.record.ValueType;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;

/**
 * Writes Zeebe's record stream into PostgreSQL table {@code zeebe_record}, keyed by (partition,
 * position), so history survives Zeebe's log compaction.
 *
 * <p>Keeps EVENT and COMMAND_REJECTION records of every value type (commands are intentions, the
 * events say what happened; rejections say why a request such as CompleteJob was refused).
 *
 * <p>Records are buffered and written in one transaction per batch (at {@code batchsize} records or
 * every {@code flushms}). The position is acknowledged to the broker only after the commit, and the
 * same transaction runs {@code pg_notify('zeebe_record', '<partition>')} so listeners wake on commit.
 * When PostgreSQL is unreachable (or the table is missing) the buffer is kept, nothing is
 * acknowledged and the connection is retried with exponential backoff; once the buffer holds
 * {@code maxbuffer} records, {@link #export} throws so the broker retries the record later.
 *
 * <p>Everything runs on the exporter's actor thread, so JDBC timeouts bound every blocking call.
 */
public final class PgHistoryExporter implements Exporter {

  /** Exporter arguments. Lower-case names: env-var arguments arrive lower-cased. */
  public static final class Config {
    public String url;
    public String user = "postgres";
    public String password = "";
    public int batchsize = 500;
    public long flushms = 50;
    public int maxbuffer = 10_000;
    public int connecttimeout = 5;
    public int sockettimeout = 30;
  }

  private static final String INSERT =
      "INSERT INTO zeebe_record (partition_id, position, record_key, record_type, value_type, intent, ts, body)"
          + " VALUES (?, ?, ?, ?, ?, ?, ?, ?::jsonb) ON CONFLICT (partition_id, position) DO NOTHING";
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 10_000;

  private record Row(
      int partitionId,
      long position,
      long key,
      String recordType,
      String valueType,
      String intent,
      long timestamp,
      String json) {}

  private Config config;
  private Logger log;
  private int partitionId;
  private Controller controller;
  private ScheduledTask flushTask;
  private Connection connection;
  private final List<Row> buffer = new ArrayList<>();
  private long lastBufferedPosition = -1;
  private long backoffMs = 0;
  private long nextAttemptAt = 0;
  private int failures = 0;

  @Override
  public void configure(final Context context) {
    config = context.getConfiguration().instantiate(Config.class);
    if (config.url == null || config.url.isBlank()) {
      throw new IllegalArgumentException("PgHistoryExporter needs the argument 'url' (jdbc:postgresql://host:port/db)");
    }
    config.batchsize = Math.max(1, config.batchsize);
    config.flushms = Math.max(1, config.flushms);
    config.maxbuffer = Math.max(config.batchsize, config.maxbuffer);
    log = context.getLogger();
    partitionId = context.getPartitionId();
    context.setFilter(
        new Context.RecordFilter() {
          @Override
          public boolean acceptType(final RecordType type) {
            return type == RecordType.EVENT || type == RecordType.COMMAND_REJECTION;
          }

          @Override
          public boolean acceptValue(final ValueType type) {
            return true;
          }
        });
  }

  @Override
  public void open(final Controller controller) {
    this.controller = controller;
    lastBufferedPosition = controller.getLastExportedRecordPosition();
    log.info("PgHistoryExporter open on partition {} at position {}, writing to {}", partitionId, lastBufferedPosition, config.url);
    scheduleFlush();
  }

  @Override
  public void export(final Record<?> record) {
    final long position = record.getPosition();
    if (position <= lastBufferedPosition) {
      return; // already buffered or written (broker retry after a throw, or replay after restart)
    }
    if (buffer.size() >= config.maxbuffer && !flush()) {
      throw new IllegalStateException(
          "PostgreSQL history store unavailable and " + buffer.size() + " records are waiting; the broker will retry");
    }
    buffer.add(
        new Row(
            record.getPartitionId(),
            position,
            record.getKey(),
            record.getRecordType().name(),
            record.getValueType().name(),
            record.getIntent().name(),
            record.getTimestamp(),
            jsonbSafe(record.toJson())));
    lastBufferedPosition = position;
    if (buffer.size() >= config.batchsize) {
      flush();
    }
  }

  @Override
  public void close() {
    if (flushTask != null) {
      flushTask.cancel();
      flushTask = null;
    }
    if (!buffer.isEmpty()) {
      nextAttemptAt = 0;
      if (!flush()) {
        log.warn("PgHistoryExporter closing with {} records not written; the broker exports them again", buffer.size());
      }
    }
    closeConnection();
  }

  private void scheduleFlush() {
    flushTask =
        controller.scheduleCancellableTask(
            Duration.ofMillis(config.flushms),
            () -> {
              try {
                flush();
              } catch (final RuntimeException e) {
                log.error("PgHistoryExporter flush failed unexpectedly", e);
              }
              scheduleFlush();
            });
  }

  /** Writes the buffer in one transaction; true when the buffer is empty afterwards. */
  private boolean flush() {
    if (buffer.isEmpty()) {
      return true;
    }
    if (System.currentTimeMillis() < nextAttemptAt) {
      return false;
    }
    try {
      final Connection db = connection();
      try (PreparedStatement insert = db.prepareStatement(INSERT);
          PreparedStatement notify = db.prepareStatement("SELECT pg_notify('zeebe_record', ?)")) {
        for (final Row row : buffer) {
          insert.setInt(1, row.partitionId());
          insert.setLong(2, row.position());
          insert.setLong(3, row.key());
          insert.setString(4, row.recordType());
          insert.setString(5, row.valueType());
          insert.setString(6, row.intent());
          insert.setObject(7, OffsetDateTime.ofInstant(Instant.ofEpochMilli(row.timestamp()), ZoneOffset.UTC));
          insert.setString(8, row.json());
          insert.addBatch();
        }
        insert.executeBatch();
        notify.setString(1, Integer.toString(partitionId));
        notify.execute();
        db.commit();
      }
      final long written = buffer.get(buffer.size() - 1).position();
      buffer.clear();
      controller.updateLastExportedRecordPosition(written);
      if (failures > 0) {
        log.info("PgHistoryExporter reconnected to PostgreSQL after {} failed attempts", failures);
      }
      failures = 0;
      backoffMs = 0;
      return true;
    } catch (final SQLException | RuntimeException e) {
      failures++;
      closeConnection();
      backoffMs = backoffMs == 0 ? MIN_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
      nextAttemptAt = System.currentTimeMillis() + backoffMs;
      log.warn(
          "PgHistoryExporter could not write {} records to PostgreSQL (attempt {}, next in {} ms): {}",
          buffer.size(), failures, backoffMs, describe(e));
      return false;
    }
  }

  private Connection connection() throws SQLException {
    if (connection != null) {
      return connection;
    }
    final Properties props = new Properties();
    props.setProperty("user", config.user == null ? "postgres" : config.user);
    props.setProperty("password", config.password == null ? "" : config.password);
    props.setProperty("connectTimeout", Integer.toString(config.connecttimeout));
    props.setProperty("loginTimeout", Integer.toString(config.connecttimeout));
    props.setProperty("socketTimeout", Integer.toString(config.sockettimeout));
    props.setProperty("tcpKeepAlive", "true");
    props.setProperty("reWriteBatchedInserts", "true");
    props.setProperty("ApplicationName", "zeebe-pghistory-exporter-p" + partitionId);
    // The driver class directly: DriverManager checks the caller's class loader, and the broker loads
    // exporters from their own jar class loader.
    final Connection db = new org.postgresql.Driver().connect(config.url, props);
    if (db == null) {
      throw new SQLException("Not a PostgreSQL JDBC URL: " + config.url);
    }
    db.setAutoCommit(false);
    connection = db;
    return db;
  }

  private void closeConnection() {
    if (connection == null) {
      return;
    }
    try {
      connection.rollback();
    } catch (final SQLException ignored) {
      // the connection is being discarded
    }
    try {
      connection.close();
    } catch (final SQLException ignored) {
      // the connection is being discarded
    }
    connection = null;
  }

  /** One short line: a failed batch's message otherwise repeats the whole statement and its JSON. */
  private static String describe(final Exception e) {
    Exception cause = e;
    if (e instanceof SQLException s && s.getNextException() != null) {
      cause = s.getNextException();
    }
    final String state = cause instanceof SQLException s && s.getSQLState() != null ? " [" + s.getSQLState() + "]" : "";
    final String message = String.valueOf(cause.getMessage()).replaceAll("\\s+", " ");
    return cause.getClass().getSimpleName() + state + ": " + (message.length() > 300 ? message.substring(0, 300) + "..." : message);
  }

  /** PostgreSQL's jsonb rejects the NUL character; Zeebe variables may hold one. */
  private static String jsonbSafe(final String json) {
    return json.contains("\\u0000") ? json.replace("\\u0000", "\\ufffd") : json;
  }
}
