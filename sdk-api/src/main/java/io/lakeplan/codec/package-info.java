/**
 * Reading and writing use cases (YAML and JSON, native and legacy formats), environment files and
 * plans (JSON), and the JSON Schema of the use-case format. Start at {@link
 * io.lakeplan.codec.UseCaseCodec}; {@link io.lakeplan.codec.YamlFormat} reads and writes the other
 * YAML documents. The YAML machinery (safe loading with positions, binding, the one Jackson
 * configuration, the legacy importer, the schema generator) is package-private here; it depends on
 * the model, the plan and the problems of {@code io.lakeplan.validation}, never on the packages
 * that read through it ({@code env}, {@code workspace}).
 */
package io.lakeplan.codec;
