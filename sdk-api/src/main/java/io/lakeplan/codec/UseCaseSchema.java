package io.lakeplan.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JSON Schema (draft 2020-12) of the native use-case format ({@code api-version: lakeplan/v1}),
 * for editors and CI linters: point a YAML language server at it to get completion and early
 * errors. It is generated from the model at build time, so its keys, enum values and required
 * attributes are those {@link UseCaseCodec} reads.
 *
 * <p>The schema checks the shape of a file only; {@link io.lakeplan.workspace.Validator} still
 * checks what a schema cannot (ids, references between steps and use cases, cron expressions,
 * secrets).
 */
public final class UseCaseSchema {
  private UseCaseSchema() {}

  /**
   * The schema as indented JSON text: the copy built into the jar, or, when the classes run without
   * the build step (e.g. from an IDE), the same text generated on the spot.
   *
   * @throws UncheckedIOException when the resource exists but cannot be read
   */
  public static String json() {
    try (InputStream in =
        UseCaseSchema.class.getClassLoader().getResourceAsStream(SchemaGenerator.RESOURCE)) {
      if (in == null) {
        return SchemaGenerator.generate();
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + SchemaGenerator.RESOURCE, e);
    }
  }

  /**
   * Writes the schema to the file {@code args[0]}, creating its folder: how the build puts the copy
   * that {@link #json()} reads into the jar (Maven's {@code process-classes} phase runs this).
   *
   * @throws IllegalArgumentException unless there is exactly one argument
   * @throws IOException when the file cannot be written
   */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException(
          "Usage: UseCaseSchema OUTPUT_FILE (got " + args.length + " arguments)");
    }
    Path output = Path.of(args[0]);
    if (output.getParent() != null) {
      Files.createDirectories(output.getParent());
    }
    Files.writeString(output, SchemaGenerator.generate(), StandardCharsets.UTF_8);
  }
}
