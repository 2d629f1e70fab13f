package io.lakeplan.spark;

import io.lakeplan.codec.UseCaseCodec;
import io.lakeplan.plan.Plan;
import io.lakeplan.workspace.LoadedUseCase;
import io.lakeplan.workspace.Workspace;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Loads the plan to run — from use-case YAML (strictly: any problem fails) or from a plan JSON
 * written by {@code lakeplan plan --format json} — and remembers where each use case's relative
 * paths start.
 */
final class Specs {

  final Plan plan;
  private final Map<String, URI> bases;

  private Specs(Plan plan, Map<String, URI> bases) {
    this.plan = plan;
    this.bases = bases;
  }

  /** The folder relative paths of use case {@code useCase} resolve against. */
  URI base(String useCase) {
    URI base = bases.get(useCase == null ? PLAN_FILE : useCase);
    if (base == null) {
      base = bases.get(PLAN_FILE);
    }
    if (base == null) {
      throw new IllegalArgumentException("Unknown use case: " + useCase);
    }
    return base;
  }

  /** Key of the base of every use case of a plan JSON: the folder of the file. */
  private static final String PLAN_FILE = "";

  /** Loads a local file or folder of use cases, or a local plan JSON. */
  static Specs loadLocal(Path spec) {
    Path absolute = spec.toAbsolutePath().normalize();
    if (isPlanJson(absolute.toString())) {
      try {
        return fromPlanJson(Files.readString(absolute), absolute.toUri());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read plan " + spec, e);
      }
    }
    return load(absolute, absolute.toUri());
  }

  private static boolean isPlanJson(String path) {
    return path.toLowerCase(Locale.ROOT).endsWith(".json");
  }

  /** A plan read from JSON; relative paths resolve against the folder of {@code origin}. */
  private static Specs fromPlanJson(String json, URI origin) {
    Plan plan;
    try {
      plan = UseCaseCodec.planFromJson(json);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "Invalid plan JSON "
              + origin
              + ": "
              + e.getMessage()
              + " (write it with lakeplan plan"
              + " --format json)",
          e);
    }
    return new Specs(plan, Map.of(PLAN_FILE, origin.resolve(".")));
  }

  /**
   * Loads use cases from a local path or any Hadoop file system URI ({@code hdfs://}, {@code
   * s3://}, {@code s3a://}); remote files are first copied to a local temporary folder.
   */
  static Specs load(String spec, Configuration conf) {
    URI uri = URI.create(spec);
    if (uri.getScheme() == null || "file".equals(uri.getScheme())) {
      return loadLocal(uri.getScheme() == null ? Path.of(spec) : Path.of(uri));
    }
    try {
      org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(uri);
      FileSystem fs = remote.getFileSystem(conf);
      FileStatus status = fs.getFileStatus(remote);
      if (status.isFile() && isPlanJson(remote.getName())) {
        try (InputStream in = fs.open(remote)) {
          return fromPlanJson(
              new String(in.readAllBytes(), StandardCharsets.UTF_8), status.getPath().toUri());
        }
      }
      Path local = Files.createTempDirectory("lakeplan-spec-");
      Path root;
      if (status.isDirectory()) {
        root = local;
        RemoteIterator<LocatedFileStatus> files = fs.listFiles(remote, true);
        String prefix = status.getPath().toUri().getPath();
        while (files.hasNext()) {
          org.apache.hadoop.fs.Path file = files.next().getPath();
          String name = file.getName().toLowerCase(Locale.ROOT);
          if (name.endsWith(".yaml") || name.endsWith(".yml")) {
            Path target = local.resolve(file.toUri().getPath().substring(prefix.length() + 1));
            Files.createDirectories(target.getParent());
            fs.copyToLocalFile(false, file, new org.apache.hadoop.fs.Path(target.toUri()), true);
          }
        }
      } else {
        root = local.resolve(remote.getName());
        fs.copyToLocalFile(false, remote, new org.apache.hadoop.fs.Path(root.toUri()), true);
      }
      return load(root, status.getPath().toUri());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read use cases from " + spec, e);
    }
  }

  /** Loads {@code local}, resolving relative paths against the same place under {@code origin}. */
  private static Specs load(Path local, URI origin) {
    Workspace workspace = Workspace.loadStrict(local);
    boolean folder = Files.isDirectory(local);
    String root = origin.toString().replaceAll("/+$", "");
    Map<String, URI> bases = new HashMap<>();
    for (LoadedUseCase loaded : workspace.useCases()) {
      String parent;
      if (folder) {
        String relative = loaded.file().replace('\\', '/');
        int slash = relative.lastIndexOf('/');
        parent = slash < 0 ? root : root + "/" + relative.substring(0, slash);
      } else {
        parent = root.substring(0, root.lastIndexOf('/'));
      }
      bases.put(loaded.useCase().name(), URI.create(parent + "/"));
    }
    return new Specs(workspace.plan(), bases);
  }
}
