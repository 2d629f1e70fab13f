package io.lakeplan.spark;

import io.lakeplan.env.Environment;
import io.lakeplan.env.RuntimeProvider;
import io.lakeplan.spi.WatermarkStore;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The local runtime of an environment, found by {@link java.util.ServiceLoader}: {@code file:DIR}
 * watermark stores ({@link FileWatermarkStore}, the folder relative to the working directory).
 */
public final class LocalRuntimeProvider implements RuntimeProvider {

  @Override
  public String name() {
    return "local";
  }

  @Override
  public Optional<WatermarkStore> watermarkStore(Environment environment) {
    return "file".equals(environment.watermarkScheme())
        ? Optional.of(new FileWatermarkStore(Path.of(environment.watermarkLocation())))
        : Optional.empty();
  }
}
