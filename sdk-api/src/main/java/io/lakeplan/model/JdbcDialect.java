package io.lakeplan.model;

/** SQL dialects of JDBC sources; they decide quoting, paging and type mapping. */
public enum JdbcDialect {
  POSTGRES,
  ORACLE,
  GENERIC
}
