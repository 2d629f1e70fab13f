package io.lakeplan.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.lakeplan.spi.Watermark;
import io.lakeplan.spi.WatermarkStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A {@link WatermarkStore} in a local folder: one JSON file per key ({@code <key>.json}). Updates
 * are atomic: under an exclusive lock (a lock file, so other processes are excluded too, plus an
 * in-process lock) the new value is written to a temporary file and renamed over the old one, so a
 * reader never sees a half-written watermark. For local runs and tests; on AWS the DynamoDB store
 * plays this role.
 */
public final class FileWatermarkStore implements WatermarkStore {

  private static final Pattern KEY = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ConcurrentHashMap<Path, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private final Path directory;

  /**
   * A store in {@code directory}, created on first write if missing.
   *
   * @param directory the folder holding one file per key
   */
  public FileWatermarkStore(Path directory) {
    this.directory = Objects.requireNonNull(directory, "directory").toAbsolutePath().normalize();
  }

  /** The folder holding the watermark files. */
  public Path directory() {
    return directory;
  }

  @Override
  public Optional<Watermark> get(String key) {
    Path file = file(key);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), Watermark.class));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read watermark " + key + " from " + file, e);
    }
  }

  @Override
  public boolean compareAndSet(String key, Watermark expected, Watermark next) {
    WatermarkStore.checkMonotonic(key, expected, next);
    Path file = file(key);
    ReentrantLock lock = LOCKS.computeIfAbsent(directory, dir -> new ReentrantLock());
    lock.lock();
    try {
      Files.createDirectories(directory);
      try (FileChannel channel =
              FileChannel.open(
                  directory.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = channel.lock()) {
        Watermark current = get(key).orElse(null);
        if (!Objects.equals(current, expected)) {
          return false;
        }
        WatermarkStore.checkMonotonic(key, current, next);
        Path temp = Files.createTempFile(directory, "." + key, ".tmp");
        try {
          JSON.writeValue(temp.toFile(), next);
          move(temp, file);
        } finally {
          Files.deleteIfExists(temp);
        }
        return true;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write watermark " + key + " in " + directory, e);
    } finally {
      lock.unlock();
    }
  }

  private static void move(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private Path file(String key) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "Invalid watermark key: '" + key + "' (letters, digits, '_', '.', '-'; e.g. raw.orders)");
    }
    return directory.resolve(key + ".json");
  }
}
