package io.lakeplan.codec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lakeplan.model.JdbcIngestion;
import io.lakeplan.model.KafkaAuth;
import io.lakeplan.model.KafkaIngestion;
import io.lakeplan.model.Maintenance;
import io.lakeplan.model.Merge;
import io.lakeplan.model.Migration;
import io.lakeplan.model.MigrationSource;
import io.lakeplan.model.TableDefinition;

/**
 * The rules of validation ({@link io.lakeplan.workspace.Validator}) between the keys of one object
 * that a JSON Schema can state (one of two keys, a key needed by another key's value, a list that
 * must not be empty), written into the generated schema so that an editor flags what validation
 * will refuse. A value counts as present as validation counts it: not null, not blank text, not an
 * empty list.
 */
final class SchemaRules {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private SchemaRules() {}

  /** Adds the rules of the model type {@code type} to its object schema. */
  static void apply(Class<?> type, ObjectNode schema) {
    if (type == TableDefinition.class) {
      nonEmpty(schema, "columns");
    } else if (type == Maintenance.class) {
      nonEmpty(schema, "tasks");
    } else if (type == MigrationSource.class) {
      exactlyOne(schema, "path", "hive-table");
    } else if (type == Migration.class) {
      // add-files registers files as they are: it cannot add columns
      when(
          schema,
          equal("mode", "add-files"),
          not(equal("on-schema-change", "append-new-columns")),
          null);
    } else if (type == Merge.class) {
      exactlyOne(schema, "source", "sql-file");
      when(schema, present("source"), present("keys"), null);
    } else if (type == JdbcIngestion.class) {
      exactlyOne(schema, "table", "query");
      when(schema, equal("write-mode", "merge"), present("keys"), null);
      // a lookback recognises the rows it reads again by their keys
      when(schema, present("lookback"), present("keys"), null);
    } else if (type == KafkaIngestion.class) {
      exactlyOne(schema, "topics", "topic-pattern");
      // the default format is json, which needs columns
      when(schema, equal("format", "avro", "raw"), null, present("columns"));
      // raw values declare no columns to compare with the target
      when(
          schema,
          equal("format", "raw"),
          not(equal("on-schema-change", "append-new-columns", "ignore")),
          null);
      when(
          schema,
          equal("starting-position", "timestamp"),
          present("starting-timestamp"),
          not(present("starting-timestamp")));
    } else if (type == KafkaAuth.class) {
      // the default mechanism is scram-sha-512, which needs a user name and a password
      ObjectNode both = NODES.objectNode();
      both.putArray("allOf").add(present("username")).add(present("password"));
      when(schema, equal("mechanism", "aws-msk-iam"), null, both);
    }
  }

  /** The list {@code key} (required in {@link SchemaGenerator#REQUIRED}) is not empty. */
  private static void nonEmpty(ObjectNode schema, String key) {
    ((ObjectNode) schema.get("properties").get(key)).put("minItems", 1);
  }

  private static void exactlyOne(ObjectNode schema, String first, String second) {
    ObjectNode rule = NODES.objectNode();
    rule.putArray("oneOf").add(present(first)).add(present(second));
    schema.withArray("allOf").add(rule);
  }

  private static void when(
      ObjectNode schema, ObjectNode condition, ObjectNode then, ObjectNode otherwise) {
    ObjectNode rule = NODES.objectNode();
    rule.set("if", condition);
    if (then != null) {
      rule.set("then", then);
    }
    if (otherwise != null) {
      rule.set("else", otherwise);
    }
    schema.withArray("allOf").add(rule);
  }

  /** {@code key} is there with a value: not null, not blank text, not an empty list. */
  private static ObjectNode present(String key) {
    ObjectNode absent = NODES.objectNode();
    ArrayNode forms = absent.putArray("anyOf");
    forms.addObject().put("type", "null");
    forms.addObject().put("type", "string").put("pattern", "^\\s*$");
    forms.addObject().put("type", "array").put("maxItems", 0);
    ObjectNode schema = NODES.objectNode();
    schema.putArray("required").add(key);
    schema.putObject("properties").set(key, not(absent));
    return schema;
  }

  /** {@code key} is there with one of {@code values}. */
  private static ObjectNode equal(String key, String... values) {
    ObjectNode schema = NODES.objectNode();
    schema.putArray("required").add(key);
    ArrayNode allowed = schema.putObject("properties").putObject(key).putArray("enum");
    for (String value : values) {
      allowed.add(value);
    }
    return schema;
  }

  private static ObjectNode not(ObjectNode schema) {
    ObjectNode not = NODES.objectNode();
    not.set("not", schema);
    return not;
  }
}
