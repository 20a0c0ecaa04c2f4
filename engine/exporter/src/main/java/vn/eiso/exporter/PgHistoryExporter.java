package vn.eiso.exporter;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.camunda.zeebe.exporter.api.Exporter;
import io.camunda.zeebe.exporter.api.context.Context;
import io.camunda.zeebe.exporter.api.context.Controller;
import io.camunda.zeebe.protocol.record.Record;
import io.camunda.zeebe.protocol.record.RecordType;
import io.camunda.zeebe.protocol.record.ValueType;
import io.camunda.zeebe.protocol.record.value.JobBatchRecordValue;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * Writes Zeebe's record stream into PostgreSQL table {@code zeebe_record}, keyed by (partition,
 * position), so history survives Zeebe's log compaction.
 *
 * <p>Keeps EVENT and COMMAND_REJECTION records of every value type: the events say what happened,
 * the rejections say why a request (CompleteJob on a cancelled task, a duplicate message...) was
 * refused. Plain commands are intentions and are left out.
 *
 * <p>{@link #export} only queues a copy of the record on the broker's thread. A writer thread of this
 * exporter takes what is queued, waits up to {@code flushms} for the batch to fill (at most {@code
 * batchsize} records) and writes it in one transaction that also runs {@code
 * pg_notify('zeebe_record', '<partition>')}, so listeners wake on commit. The position goes back to
 * the broker only after the commit. (A writer thread rather than {@code
 * Controller#scheduleCancellableTask}: the broker's timers fired up to ~700 ms late on an idle
 * broker, and JDBC must not block the broker's I/O threads.)
 *
 * <p>When PostgreSQL is unreachable (or the table is missing) the batch and the queue are kept,
 * nothing is acknowledged and the writer retries with exponential backoff (0.1 s to 10 s). Once
 * {@code maxbuffer} records wait, {@link #export} throws and the broker retries that record later
 * (while the database is healthy it waits up to 1 s for room instead: backpressure). Connect, login
 * and socket timeouts bound every database call.
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
  private static final long CLOSE_WAIT_MS = 5_000;
  private static final long FULL_QUEUE_WAIT_MS = 1_000;

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
  private LinkedBlockingQueue<Row> queue;
  private Thread writer;
  private volatile boolean closing;
  /** Writer thread writes, broker thread reads: false while PostgreSQL refuses writes. */
  private volatile boolean healthy = true;
  /** Broker thread only: the newest position queued, so a retried record is not queued twice. */
  private long lastQueuedPosition = -1;
  /** The broker's exported position when this exporter opened. */
  private volatile long openedAt = -1;

  // Writer thread only.
  private Connection connection;
  private int failures;
  private boolean checkedAhead;

  @Override
  public void configure(final Context context) {
    config = context.getConfiguration().instantiate(Config.class);
    if (config.url == null || config.url.isBlank()) {
      throw new IllegalArgumentException("PgHistoryExporter needs the argument 'url' (jdbc:postgresql://host:port/db)");
    }
    config.batchsize = Math.max(1, config.batchsize);
    config.flushms = Math.max(0, config.flushms);
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
    lastQueuedPosition = controller.getLastExportedRecordPosition();
    openedAt = lastQueuedPosition;
    queue = new LinkedBlockingQueue<>(config.maxbuffer);
    closing = false;
    startWriter();
    log.info("PgHistoryExporter open on partition {} after position {}, writing to {}", partitionId, lastQueuedPosition, config.url);
  }

  @Override
  public void export(final Record<?> record) {
    final long position = record.getPosition();
    if (position <= lastQueuedPosition) {
      return; // already queued or written (broker retry after a throw, or replay after restart)
    }
    final Row row =
        new Row(
            record.getPartitionId(),
            position,
            record.getKey(),
            record.getRecordType().name(),
            record.getValueType().name(),
            record.getIntent().name(),
            record.getTimestamp(),
            jsonbSafe(body(record)));
    if (!writer.isAlive()) {
      log.error("PgHistoryExporter writer thread had stopped; starting a new one");
      startWriter();
    }
    if (!queue.offer(row) && !(healthy && offerWithin(row, FULL_QUEUE_WAIT_MS))) {
      throw new IllegalStateException(
          "PostgreSQL history store unavailable or behind: " + queue.size() + " records are waiting; the broker will retry");
    }
    lastQueuedPosition = position;
  }

  /** Backpressure while the writer is healthy: a full queue drains at database speed. */
  private boolean offerWithin(final Row row, final long ms) {
    try {
      return queue.offer(row, ms, TimeUnit.MILLISECONDS);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    closing = true;
    final Thread thread = writer;
    if (thread == null) {
      return;
    }
    try {
      thread.join(CLOSE_WAIT_MS);
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("PgHistoryExporter writer still busy after {} ms; unacknowledged records are exported again later", CLOSE_WAIT_MS);
      thread.interrupt();
    }
  }

  private void startWriter() {
    writer = new Thread(this::writeLoop, "pghistory-writer-" + partitionId);
    writer.setDaemon(true);
    writer.start();
  }

  private void writeLoop() {
    final List<Row> batch = new ArrayList<>(config.batchsize);
    long backoffMs = 0;
    try {
      while (true) {
        if (batch.isEmpty()) {
          if (closing && queue.isEmpty()) {
            break;
          }
          final Row first = queue.poll(100, TimeUnit.MILLISECONDS);
          if (first == null) {
            continue;
          }
          batch.add(first);
          fill(batch);
        } else {
          queue.drainTo(batch, config.batchsize - batch.size());
        }
        final String failure = write(batch);
        if (failure == null) {
          final long written = batch.get(batch.size() - 1).position();
          batch.clear();
          backoffMs = 0;
          acknowledge(written);
        } else {
          if (closing) {
            break; // unacknowledged: the broker exports these records again after the restart
          }
          backoffMs = backoffMs == 0 ? MIN_BACKOFF_MS : Math.min(MAX_BACKOFF_MS, backoffMs * 2);
          log.warn(
              "PgHistoryExporter could not write {} records (+{} queued) to PostgreSQL (attempt {}, next in {} ms): {}",
              batch.size(), queue.size(), failures, backoffMs, failure);
          sleepUnlessClosing(backoffMs);
        }
      }
    } catch (final InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (final RuntimeException e) {
      log.error("PgHistoryExporter writer stopped unexpectedly; records are exported again after a restart", e);
    } finally {
      closeConnection();
    }
  }

  /** Waits up to flushms after a batch's first record for the batch to fill. */
  private void fill(final List<Row> batch) throws InterruptedException {
    final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.flushms);
    while (batch.size() < config.batchsize && !closing) {
      queue.drainTo(batch, config.batchsize - batch.size());
      final long left = deadline - System.nanoTime();
      if (batch.size() >= config.batchsize || left <= 0) {
        return;
      }
      final Row next = queue.poll(left, TimeUnit.NANOSECONDS);
      if (next == null) {
        return;
      }
      batch.add(next);
    }
  }

  private void sleepUnlessClosing(final long ms) throws InterruptedException {
    final long until = System.currentTimeMillis() + ms;
    while (!closing && System.currentTimeMillis() < until) {
      Thread.sleep(Math.min(100, Math.max(1, until - System.currentTimeMillis())));
    }
  }

  private void acknowledge(final long position) {
    try {
      controller.updateLastExportedRecordPosition(position); // thread-safe: submitted to the exporter's actor
    } catch (final RuntimeException e) {
      log.debug("PgHistoryExporter could not acknowledge position {} (closing?)", position, e);
    }
  }

  /** One transaction: the rows, then the notification. Null on commit, else what went wrong. */
  private String write(final List<Row> batch) {
    try {
      final Connection db = connection();
      try (PreparedStatement insert = db.prepareStatement(INSERT);
          PreparedStatement notify = db.prepareStatement("SELECT pg_notify('zeebe_record', ?)")) {
        for (final Row row : batch) {
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
      if (failures > 0) {
        log.info("PgHistoryExporter writes to PostgreSQL again after {} failed attempts", failures);
      }
      failures = 0;
      healthy = true;
      return null;
    } catch (final SQLException | RuntimeException e) {
      failures++;
      healthy = false;
      closeConnection();
      return describe(e);
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
    warnIfAhead(db);
    return db;
  }

  /**
   * The table already holding positions far beyond the broker's exported position means the broker
   * log was reset while the database was kept: its new records would be dropped as duplicates.
   */
  private void warnIfAhead(final Connection db) throws SQLException {
    if (openedAt >= 0 || checkedAhead) {
      return;
    }
    try (PreparedStatement max = db.prepareStatement("SELECT max(position) FROM zeebe_record WHERE partition_id = ?")) {
      max.setInt(1, partitionId);
      try (var rs = max.executeQuery()) {
        if (rs.next() && rs.getLong(1) > 0) {
          log.warn(
              "zeebe_record already holds partition {} up to position {} but this broker has exported nothing yet: if the "
                  + "broker's data was reset, use a fresh database (or empty zeebe_record and the hist_* tables), or new records "
                  + "are dropped as duplicates",
              partitionId, rs.getLong(1));
        }
      }
      db.commit();
    }
    checkedAhead = true;
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

  /**
   * The record as JSON ({@code Record#toJson()}), except a job batch: written without its {@code jobs},
   * each a full copy of an activated job with its variables and headers. Those are the job's and the
   * process's own, exported already in the JOB and VARIABLE records; the batch adds who activated which
   * jobs (worker, type, jobKeys), and that is kept. A batch carries every variable of every job it hands
   * out (a form's data, a dossier's fields) twice per human step: serialised, queued and stored for nothing.
   */
  static String body(final Record<?> record) {
    if (record.getValueType() == ValueType.JOB_BATCH && record.getValue() instanceof JobBatchRecordValue batch) {
      return jobBatchJson(record, batch);
    }
    return record.toJson();
  }

  private static String jobBatchJson(final Record<?> r, final JobBatchRecordValue b) {
    final StringBuilder s = new StringBuilder(320);
    s.append("{\"partitionId\":").append(r.getPartitionId());
    s.append(",\"position\":").append(r.getPosition());
    s.append(",\"sourceRecordPosition\":").append(r.getSourceRecordPosition());
    s.append(",\"key\":").append(r.getKey());
    s.append(",\"timestamp\":").append(r.getTimestamp());
    s.append(",\"recordType\":").append(quote(r.getRecordType().name()));
    s.append(",\"valueType\":").append(quote(r.getValueType().name()));
    s.append(",\"intent\":").append(quote(r.getIntent().name()));
    s.append(",\"brokerVersion\":").append(quote(r.getBrokerVersion()));
    s.append(",\"rejectionType\":").append(quote(String.valueOf(r.getRejectionType())));
    s.append(",\"rejectionReason\":").append(quote(r.getRejectionReason()));
    s.append(",\"value\":{\"type\":").append(quote(b.getType()));
    s.append(",\"worker\":").append(quote(b.getWorker()));
    s.append(",\"timeout\":").append(b.getTimeout());
    s.append(",\"maxJobsToActivate\":").append(b.getMaxJobsToActivate());
    s.append(",\"truncated\":").append(b.isTruncated());
    s.append(",\"jobKeys\":[");
    final List<Long> keys = b.getJobKeys();
    for (int i = 0; i < keys.size(); i++) {
      s.append(i == 0 ? "" : ",").append(keys.get(i));
    }
    s.append("],\"jobsOmitted\":").append(b.getJobs().size()).append("}}");
    return s.toString();
  }

  /** A JSON string literal (quotes, backslashes and control characters escaped); null as an empty string. */
  private static String quote(final String text) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text == null ? "" : text)) + "\"";
  }

  /** PostgreSQL's jsonb rejects the NUL character; Zeebe variables may hold one. */
  private static String jsonbSafe(final String json) {
    return json.contains("\\u0000") ? json.replace("\\u0000", "\\ufffd") : json;
  }
}
