/**
 * Reading and writing use cases (YAML and JSON, native and legacy formats) and plans (JSON), and
 * the JSON Schema of the use-case format. Start at {@link io.lakeplan.codec.UseCaseCodec}.
 */
package io.lakeplan.codec;
