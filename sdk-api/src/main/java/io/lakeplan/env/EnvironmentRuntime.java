package io.lakeplan.env;

import io.lakeplan.codec.YamlFormat;
import io.lakeplan.model.SecretRef;
import io.lakeplan.run.Notifier;
import io.lakeplan.spi.SecretResolutionException;
import io.lakeplan.spi.SecretResolver;
import io.lakeplan.spi.WatermarkStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The runtime pieces of an {@link Environment}: its watermark store, secret resolver, notifier and
 * Iceberg catalog properties, from the {@link RuntimeProvider}s on the class path (an engine never
 * names a cloud type). Pieces are created on first use and closed with the runtime.
 *
 * <pre>{@code
 * try (EnvironmentRuntime runtime = EnvironmentRuntime.open(Environments.load(file))) {
 *   WatermarkStore watermarks = runtime.watermarks();
 *   ...
 * }
 * }</pre>
 */
public final class EnvironmentRuntime implements AutoCloseable {
  private final Environment environment;
  private final List<RuntimeProvider> providers;
  private final List<AutoCloseable> opened = new ArrayList<>();
  private WatermarkStore watermarks;
  private SecretResolver secrets;
  private Notifier notifier;

  private EnvironmentRuntime(Environment environment, List<RuntimeProvider> providers) {
    this.environment = environment;
    this.providers = providers;
  }

  /** A runtime of {@code environment} with the providers found by {@link ServiceLoader}. */
  public static EnvironmentRuntime open(Environment environment) {
    List<RuntimeProvider> found = new ArrayList<>();
    ServiceLoader.load(RuntimeProvider.class, EnvironmentRuntime.class.getClassLoader())
        .forEach(found::add);
    return open(environment, found);
  }

  /** A runtime of {@code environment} with exactly {@code providers}. */
  public static EnvironmentRuntime open(
      Environment environment, List<? extends RuntimeProvider> providers) {
    return new EnvironmentRuntime(
        Objects.requireNonNull(environment, "environment"), List.copyOf(providers));
  }

  /** The environment. */
  public Environment environment() {
    return environment;
  }

  /**
   * The watermark store named by {@link Environment#watermarks()}.
   *
   * @throws IllegalStateException naming the store and the fix when no provider serves its scheme
   */
  public synchronized WatermarkStore watermarks() {
    if (watermarks == null) {
      watermarks =
          first(
              provider -> provider.watermarkStore(environment),
              "keeps watermarks in "
                  + environment.watermarks()
                  + ", but no runtime for '"
                  + environment.watermarkScheme()
                  + ":' is on the class path ("
                  + hint(environment.watermarkScheme())
                  + ")");
    }
    return watermarks;
  }

  /**
   * The secret resolver: {@code env:} references from environment variables, the other stores
   * listed in {@link Environment#secretProviders()} through their providers. A reference to a store
   * the environment does not list fails naming the reference and the fix.
   */
  public synchronized SecretResolver secrets() {
    if (secrets == null) {
      Map<SecretRef.Provider, SecretResolver> stores = new EnumMap<>(SecretRef.Provider.class);
      SecretResolver environmentVariables = SecretResolver.environmentVariables();
      secrets =
          reference -> {
            if (!environment.secretProviders().contains(reference.provider())) {
              throw new SecretResolutionException(
                  reference,
                  "environment "
                      + environment.name()
                      + " does not enable "
                      + lower(reference.provider())
                      + " secrets (add it to secret-providers"
                      + (reference.provider() == SecretRef.Provider.ENV
                          ? ")"
                          : ", or use env:VARIABLE for a local run)"));
            }
            if (reference.provider() == SecretRef.Provider.ENV) {
              return environmentVariables.resolve(reference);
            }
            SecretResolver resolver;
            synchronized (stores) {
              resolver =
                  stores.computeIfAbsent(
                      reference.provider(),
                      store ->
                          first(
                              provider -> provider.secretResolver(environment, store),
                              "reads "
                                  + lower(store)
                                  + " secrets, but no runtime for them is on the class path ("
                                  + hint(lower(store))
                                  + ")"));
            }
            return resolver.resolve(reference);
          };
    }
    return secrets;
  }

  /**
   * The notifier of the environment's channels, from the first provider that serves them (sdk-aws:
   * SNS, e-mail through SNS, Slack webhooks resolved with {@link #secrets()}); without one, a
   * notifier that tells no one and says for every target that no runtime for notifications is on
   * the class path.
   */
  public synchronized Notifier notifier() {
    if (notifier == null) {
      SecretResolver resolver = secrets();
      for (RuntimeProvider provider : providers) {
        Optional<Notifier> found = provider.notifier(environment, resolver);
        if (found.isPresent()) {
          notifier = found.get();
          if (notifier instanceof AutoCloseable closeable) {
            synchronized (opened) {
              opened.add(closeable);
            }
          }
          return notifier;
        }
      }
      notifier =
          Notifier.unavailable(
              "environment "
                  + environment.name()
                  + " has no runtime for notifications on the class path (add sdk-aws to the class"
                  + " path)");
    }
    return notifier;
  }

  /**
   * The Iceberg catalog properties of {@link Environment#catalog()}, without any engine prefix: for
   * {@code hadoop}, {@code type=hadoop} and the warehouse as an absolute URI; for {@code glue},
   * what the AWS runtime supplies. {@link CatalogSettings#properties()} come last.
   *
   * @throws IllegalStateException naming the catalog type and the fix when no provider serves it
   */
  public Map<String, String> catalogProperties() {
    CatalogSettings catalog = environment.catalog();
    Map<String, String> properties = new LinkedHashMap<>();
    if (catalog.type() == CatalogSettings.Type.HADOOP) {
      properties.put("type", "hadoop");
      properties.put("warehouse", warehouseUri(catalog.warehouse()));
    } else {
      properties.putAll(
          first(
              provider -> provider.catalogProperties(environment),
              "uses a "
                  + YamlFormat.name(catalog.type())
                  + " catalog, but no runtime for it is on the class path ("
                  + hint("glue")
                  + ")"));
    }
    properties.putAll(catalog.properties());
    return properties;
  }

  /**
   * The Hadoop file system settings of the environment's object store from every provider (see
   * {@link RuntimeProvider#fileSystemProperties(Environment)}); an engine applies each only where
   * its runtime has not set it.
   */
  public Map<String, String> fileSystemProperties() {
    Map<String, String> properties = new LinkedHashMap<>();
    for (RuntimeProvider provider : providers) {
      provider.fileSystemProperties(environment).forEach(properties::putIfAbsent);
    }
    return properties;
  }

  /**
   * A one-line description of {@code failure} by the provider of the service it came from (the
   * resource, the cause and what to check), or empty when no provider recognises it.
   */
  public Optional<String> describeFailure(Throwable failure) {
    for (RuntimeProvider provider : providers) {
      Optional<String> description = provider.describeFailure(environment, failure);
      if (description.isPresent()) {
        return description;
      }
    }
    return Optional.empty();
  }

  private static String warehouseUri(String warehouse) {
    return warehouse.contains(":/") || warehouse.startsWith("file:")
        ? warehouse
        : Path.of(warehouse).toAbsolutePath().normalize().toUri().toString();
  }

  private <T> T first(Function<RuntimeProvider, Optional<T>> lookup, String missing) {
    for (RuntimeProvider provider : providers) {
      Optional<T> found = lookup.apply(provider);
      if (found.isPresent()) {
        T value = found.get();
        if (value instanceof AutoCloseable closeable) {
          synchronized (opened) {
            opened.add(closeable);
          }
        }
        return value;
      }
    }
    throw new IllegalStateException(
        "Environment "
            + environment.name()
            + " "
            + missing
            + "; runtimes found: "
            + (providers.isEmpty()
                ? "none"
                : providers.stream().map(RuntimeProvider::name).collect(Collectors.joining(", "))));
  }

  /** Where the runtime of {@code scheme} (a watermark scheme, secret store or catalog) lives. */
  private static String hint(String scheme) {
    return "file".equals(scheme)
        ? "the local runtime is in sdk-spark"
        : "add sdk-aws to the class path; the job jar has it";
  }

  private static String lower(SecretRef.Provider provider) {
    return provider.name().toLowerCase(Locale.ROOT);
  }

  /** Closes what the providers opened (clients, connections), last opened first. */
  @Override
  public void close() {
    RuntimeException failure = null;
    synchronized (opened) {
      for (int i = opened.size() - 1; i >= 0; i--) {
        try {
          opened.get(i).close();
        } catch (Exception e) {
          if (failure == null) {
            failure =
                new IllegalStateException("Cannot close the runtime of " + environment.name(), e);
          } else {
            failure.addSuppressed(e);
          }
        }
      }
      opened.clear();
    }
    if (failure != null) {
      throw failure;
    }
  }
}
