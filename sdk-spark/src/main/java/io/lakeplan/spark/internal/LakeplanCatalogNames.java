package io.lakeplan.spark.internal;

import io.lakeplan.model.TableId;
import io.lakeplan.spark.LakeplanCatalog;

/** Catalog API names (not SQL): {@code lakeplan.ns.name}, after identifier validation. */
final class LakeplanCatalogNames {
  private LakeplanCatalogNames() {}

  static String of(TableId table) {
    Sql.quote(table.namespace());
    Sql.quote(table.name());
    return LakeplanCatalog.NAME + "." + table.namespace() + "." + table.name();
  }
}
