package io.lakeplan.spark.internal;

import io.lakeplan.model.ColumnType;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.source.SparkTable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.connector.catalog.SupportsWrite;
import org.apache.spark.sql.connector.catalog.TableCapability;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.types.StructType;

/** The sink as Spark sees it: the target, written by stream. */
final class SinkTable implements SupportsWrite {
  private final SinkStream stream;
  private SupportsWrite target;

  SinkTable(SinkStream stream) {
    this.stream = stream;
    this.target = icebergTable(stream);
  }

  private static SupportsWrite icebergTable(SinkStream stream) {
    String name = LakeplanCatalogNames.of(stream.ingestion().target());
    try {
      Spark3Util.CatalogAndIdentifier found =
          Spark3Util.catalogAndIdentifier(stream.context().spark, name);
      return (SupportsWrite) ((TableCatalog) found.catalog()).loadTable(found.identifier());
    } catch (ParseException | NoSuchTableException e) {
      throw new TaskFailedException("Cannot load table " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String name() {
    return "Kafka ingestion " + stream.ingestion().id() + " into " + target.name();
  }

  @Override
  public StructType schema() {
    return stream.target();
  }

  @Override
  public Set<TableCapability> capabilities() {
    return EnumSet.of(TableCapability.STREAMING_WRITE, TableCapability.ACCEPT_ANY_SCHEMA);
  }

  /** Called once per batch, on the stream's thread, while its session is the active one. */
  @Override
  public WriteBuilder newWriteBuilder(LogicalWriteInfo info) {
    // A malformed value parses to nothing: no partial results, so a truncated record cannot pass
    // with some columns filled. The stream's session is its own (Spark sets its own options on
    // it the same way), so the session that started the stream keeps its setting.
    SparkSession.active().conf().set("spark.sql.json.enablePartialResults", "false");
    SinkLayout layout = SinkLayout.of(stream.target(), info.schema());
    // columns to add: the batch writes into a transaction that adds them (see SchemaCommit),
    // and its commit commits both; a batch after that needs the target as it is now
    Map<String, ColumnType> pending = stream.pending().get();
    Transaction transaction = null;
    SupportsWrite table = target;
    if (!pending.isEmpty()) {
      transaction = SchemaCommit.begin(stream.context(), stream.ingestion().target(), pending);
      table = new SparkTable(transaction.table());
    } else if (target.columns().length < stream.target().length()) {
      target = icebergTable(stream);
      table = target;
    }
    Write write = table.newWriteBuilder(new SinkWriteInfo(info, stream.target())).build();
    Transaction adding = transaction;
    return new WriteBuilder() {
      @Override
      public Write build() {
        return new SinkWrite(stream, write, layout, info.queryId(), adding);
      }
    };
  }
}
