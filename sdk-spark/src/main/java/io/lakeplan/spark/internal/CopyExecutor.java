package io.lakeplan.spark.internal;

import io.lakeplan.model.Migration;
import io.lakeplan.spi.TaskResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a migration's source folder to its landing folder with the Hadoop file system API (local,
 * {@code hdfs://}, {@code s3a://}), several files at a time. Each file is checksummed (SHA-256)
 * while it is copied and verified by reading the copy back. The copy goes to a staging folder that
 * replaces the landing folder only when every file is verified, so a re-run gives the same landing
 * and a failed run leaves the old one.
 */
final class CopyExecutor {

  private static final Logger LOG = LoggerFactory.getLogger(CopyExecutor.class);

  private static final int THREADS = 4;

  /** The file in a landing folder listing what the copy put there, with each file's checksum. */
  static final String INVENTORY = "_lakeplan_copied";

  private CopyExecutor() {}

  /** One copied file. */
  private static final class Copied {
    final String relative;
    final long bytes;
    final String sha256;

    Copied(String relative, long bytes, String sha256) {
      this.relative = relative;
      this.bytes = bytes;
      this.sha256 = sha256;
    }
  }

  static TaskResult run(Context context, Migration migration) {
    if (migration.source().path() == null) {
      throw new TaskFailedException(
          "Migration " + migration.id() + " has no source path to copy (Hive-table source)");
    }
    if (migration.landing() == null) {
      throw new TaskFailedException("Migration " + migration.id() + " has no landing location");
    }
    Path source = new Path(context.resolve(migration.source().path()));
    Path landing = new Path(context.resolve(migration.landing()));
    Configuration conf = context.spark.sparkContext().hadoopConfiguration();
    try {
      FileSystem sourceFs = source.getFileSystem(conf);
      FileSystem landingFs = landing.getFileSystem(conf);
      if (!sourceFs.exists(source)) {
        throw new TaskFailedException("Source path does not exist: " + source);
      }
      Path sourceRoot = sourceFs.getFileStatus(source).getPath();
      List<FileStatus> files = new ArrayList<>();
      RemoteIterator<LocatedFileStatus> iterator = sourceFs.listFiles(sourceRoot, true);
      while (iterator.hasNext()) {
        files.add(iterator.next());
      }
      removeAbandonedStaging(landingFs, landing);
      Path staging = new Path(landing.getParent(), stagingPrefix(landing) + UUID.randomUUID());
      List<Copied> copied = new ArrayList<>();
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        List<Future<Copied>> futures = new ArrayList<>();
        for (FileStatus file : files) {
          String relative =
              file.getPath().toUri().getPath().substring(sourceRoot.toUri().getPath().length() + 1);
          futures.add(
              pool.submit(
                  () -> copy(sourceFs, file, landingFs, new Path(staging, relative), relative)));
        }
        for (Future<Copied> future : futures) {
          copied.add(future.get());
        }
      } catch (ExecutionException e) {
        landingFs.delete(staging, true);
        Throwable cause = e.getCause();
        throw new TaskFailedException(
            "Copy of " + source + " failed: " + cause.getMessage(), cause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        landingFs.delete(staging, true);
        throw new TaskFailedException("Copy of " + source + " interrupted", e);
      } finally {
        pool.shutdownNow();
      }
      writeInventory(landingFs, staging, copied);
      CrashPoints.reach("staged");
      if (landingFs.exists(landing)) {
        landingFs.delete(landing, true);
      }
      CrashPoints.reach("landing-removed");
      landingFs.mkdirs(landing.getParent());
      if (!landingFs.rename(staging, landing)) {
        throw new TaskFailedException("Cannot move " + staging + " to " + landing);
      }
      CrashPoints.reach("after-commit");
      long bytes = copied.stream().mapToLong(c -> c.bytes).sum();
      return TaskResult.succeeded(
          0,
          copied.size(),
          bytes,
          Duration.ZERO,
          "copied "
              + copied.size()
              + " files ("
              + bytes
              + " bytes) from "
              + source
              + " to "
              + landing
              + ", checksums verified, digest "
              + digest(copied));
    } catch (IOException e) {
      throw new UncheckedIOException("Copy of " + source + " to " + landing + " failed", e);
    }
  }

  /**
   * Writes {@value #INVENTORY} into the copy: one line per file (relative path, bytes, SHA-256), so
   * the conversion knows the landing's content without reading it again. Readers skip files whose
   * names start with an underscore.
   */
  private static void writeInventory(FileSystem fs, Path staging, List<Copied> copied)
      throws IOException {
    StringBuilder lines = new StringBuilder();
    copied.stream()
        .map(c -> c.relative + " " + c.bytes + " " + c.sha256 + "\n")
        .sorted()
        .forEach(lines::append);
    try (OutputStream out = fs.create(new Path(staging, INVENTORY), true)) {
      out.write(lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }

  private static String stagingPrefix(Path landing) {
    return "." + landing.getName() + ".lakeplan-";
  }

  /**
   * Deletes the staging folders a killed copy left beside the landing folder: only the copy of this
   * landing folder writes them, and a run that is not running any more can never finish them.
   */
  private static void removeAbandonedStaging(FileSystem fs, Path landing) throws IOException {
    Path parent = landing.getParent();
    if (!fs.exists(parent)) {
      return;
    }
    String prefix = stagingPrefix(landing);
    for (FileStatus status : fs.listStatus(parent)) {
      if (status.getPath().getName().startsWith(prefix)) {
        LOG.warn("Removing the staging folder of an interrupted copy: {}", status.getPath());
        fs.delete(status.getPath(), true);
      }
    }
  }

  private static Copied copy(
      FileSystem sourceFs, FileStatus file, FileSystem targetFs, Path target, String relative)
      throws IOException {
    MessageDigest written = sha256();
    long bytes = 0;
    byte[] buffer = new byte[64 * 1024];
    try (InputStream in = sourceFs.open(file.getPath());
        OutputStream out = targetFs.create(target, true)) {
      int read;
      while ((read = in.read(buffer)) > 0) {
        written.update(buffer, 0, read);
        out.write(buffer, 0, read);
        bytes += read;
      }
    }
    MessageDigest check = sha256();
    try (InputStream in = targetFs.open(target)) {
      int read;
      while ((read = in.read(buffer)) > 0) {
        check.update(buffer, 0, read);
      }
    }
    String expected = HexFormat.of().formatHex(written.digest());
    String actual = HexFormat.of().formatHex(check.digest());
    if (!expected.equals(actual) || bytes != file.getLen()) {
      throw new IOException(
          "Checksum mismatch for " + relative + ": source " + expected + ", copy " + actual);
    }
    return new Copied(relative, bytes, expected);
  }

  /** An order-independent digest of the whole copy: SHA-256 over the sorted per-file lines. */
  private static String digest(List<Copied> copied) {
    MessageDigest digest = sha256();
    copied.stream()
        .map(c -> c.relative + " " + c.bytes + " " + c.sha256 + "\n")
        .sorted()
        .forEach(line -> digest.update(line.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return HexFormat.of().formatHex(digest.digest()).substring(0, 16);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
