package io.lakeplan.spark.internal;

import io.lakeplan.spark.LakeplanCatalog;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchFunctionException;
import org.apache.spark.sql.catalyst.analysis.NoSuchNamespaceException;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;
import org.apache.spark.sql.connector.catalog.FunctionCatalog;
import org.apache.spark.sql.connector.catalog.Identifier;
import org.apache.spark.sql.connector.catalog.Table;
import org.apache.spark.sql.connector.catalog.TableCatalog;
import org.apache.spark.sql.connector.catalog.TableChange;
import org.apache.spark.sql.connector.catalog.functions.UnboundFunction;
import org.apache.spark.sql.connector.expressions.Transform;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.CaseInsensitiveStringMap;

/**
 * A Spark catalog whose tables are what Lakeplan registers for the length of one write, each under
 * a random key: how a write reaches a table Spark's own catalogs cannot give it ({@link
 * KafkaSink}'s routed stream, {@link SchemaCommit}'s pending transaction). It lends the functions
 * of the {@value LakeplanCatalog#NAME} catalog, because a write to a catalog's table is given that
 * catalog's functions: Iceberg asks partitioned targets to be clustered by transforms such as
 * {@code days(updated_at)}, which only Iceberg's function catalog resolves.
 *
 * @param <T> what a key finds
 */
abstract class RegistryCatalog<T> implements TableCatalog, FunctionCatalog {

  private final Map<String, T> registered;
  private final String what;
  private String name;

  /**
   * @param registered the registry, shared by the instances Spark creates
   * @param name the catalog's name in a session
   * @param what what the catalog holds, for the refusal of table DDL
   */
  RegistryCatalog(Map<String, T> registered, String name, String what) {
    this.registered = registered;
    this.name = name;
    this.what = what;
  }

  /** A new registry for a subclass's instances to share. */
  static <T> Map<String, T> registry() {
    return new ConcurrentHashMap<>();
  }

  /**
   * Registers {@code value} (and the catalog {@code type} as {@code catalog} in {@code spark}); the
   * returned name is the table Spark finds it as.
   */
  static <T> String register(
      SparkSession spark, String catalog, Class<?> type, Map<String, T> registry, T value) {
    if (!spark.conf().contains("spark.sql.catalog." + catalog)) {
      spark.conf().set("spark.sql.catalog." + catalog, type.getName());
    }
    String key = UUID.randomUUID().toString();
    registry.put(key, value);
    return catalog + ".`" + key + "`";
  }

  /** Forgets the value registered as {@code table} (a name {@link #register} returned). */
  static void forget(String catalog, Map<String, ?> registry, String table) {
    registry.remove(table.substring(catalog.length() + 2, table.length() - 1));
  }

  /** The Spark table of a registered value. */
  abstract Table table(T value);

  @Override
  public void initialize(String name, CaseInsensitiveStringMap options) {
    this.name = name;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Identifier[] listTables(String[] namespace) {
    return registered.keySet().stream()
        .map(key -> Identifier.of(new String[0], key))
        .toArray(Identifier[]::new);
  }

  @Override
  public Table loadTable(Identifier ident) throws NoSuchTableException {
    T value = ident.namespace().length == 0 ? registered.get(ident.name()) : null;
    if (value == null) {
      throw new NoSuchTableException(ident);
    }
    return table(value);
  }

  @Override
  public Table createTable(
      Identifier ident, StructType schema, Transform[] partitions, Map<String, String> properties) {
    throw notATableCatalog();
  }

  @Override
  public Table alterTable(Identifier ident, TableChange... changes) {
    throw notATableCatalog();
  }

  @Override
  public boolean dropTable(Identifier ident) {
    throw notATableCatalog();
  }

  @Override
  public void renameTable(Identifier oldIdent, Identifier newIdent) {
    throw notATableCatalog();
  }

  private UnsupportedOperationException notATableCatalog() {
    return new UnsupportedOperationException(name + " is Lakeplan's " + what);
  }

  /** The catalog of the targets, whose functions (Iceberg's transforms) this lends. */
  private static FunctionCatalog targets() {
    return (FunctionCatalog)
        ((org.apache.spark.sql.classic.SparkSession) SparkSession.active())
            .sessionState()
            .catalogManager()
            .catalog(LakeplanCatalog.NAME);
  }

  @Override
  public Identifier[] listFunctions(String[] namespace) throws NoSuchNamespaceException {
    return targets().listFunctions(namespace);
  }

  @Override
  public UnboundFunction loadFunction(Identifier ident) throws NoSuchFunctionException {
    return targets().loadFunction(ident);
  }
}
