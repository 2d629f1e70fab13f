package io.lakeplan.env;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.codec.YamlFormat;
import io.lakeplan.validation.ValidationException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes {@link Environment} files (YAML or JSON, kebab-case keys). Reading is strict and
 * safe like the use-case codec's: unknown keys, wrong types and bad values are all reported at
 * once, each with its path and {@code file:line:col}; an optional {@code api-version} must be
 * {@value UseCaseCodec#API_VERSION}.
 */
public final class Environments {
  private Environments() {}

  /**
   * The environment in {@code file}, or {@link Environment#local()} when {@code file} is null.
   *
   * @throws ValidationException listing every problem of the file
   * @throws UncheckedIOException when the file cannot be read
   */
  public static Environment load(Path file) {
    if (file == null) {
      return Environment.local();
    }
    try {
      return read(file.toString(), Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read environment file " + file, e);
    }
  }

  /**
   * Reads an environment from {@code text}; {@code file} names it in problem locations.
   *
   * @throws ValidationException listing every problem, each with its path and location
   */
  public static Environment read(String file, String text) {
    return YamlFormat.read(
        file, text, Environment.class, "environment", "name, region, catalog, watermarks, …");
  }

  /** {@code environment} as YAML, every value written (defaults included). */
  public static String toYaml(Environment environment) {
    return YamlFormat.write(environment, "environment " + environment.name());
  }
}
