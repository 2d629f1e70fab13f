package io.lakeplan.cli;

import io.lakeplan.fuzz.DocumentMutator;
import io.lakeplan.fuzz.MutatedDocument;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One fuzzing run: documents {@code 0 … count-1} of a {@link DocumentMutator} through {@link
 * FrontEndChain} on a few threads (document {@code i} on thread {@code i % threads}, each with its
 * own folder), every {@code commandSample}-th document also through the {@code lakeplan} commands.
 */
public final class FuzzRun {
  private FuzzRun() {}

  /**
   * Runs the documents and tallies them.
   *
   * @param mutator the documents
   * @param count how many, from index 0
   * @param threads worker threads (1 or more)
   * @param commandSample one document in this many also runs every command; 0 for none
   * @param work a folder for the files (one subfolder per thread)
   */
  public static FuzzReport run(
      DocumentMutator mutator, long count, int threads, int commandSample, Path work) {
    FuzzReport report = new FuzzReport(new FrontEndChain(work.resolve("minimise")));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        workers.add(
            pool.submit(
                () -> {
                  FrontEndChain chain = new FrontEndChain(work.resolve("worker-" + thread));
                  for (long i = thread; i < count; i += threads) {
                    MutatedDocument document = mutator.document(i);
                    FrontEndChain.Outcome outcome = chain.run(document);
                    List<FrontEndChain.Escape> escapes = new ArrayList<>(outcome.escapes());
                    if (commandSample > 0 && i % commandSample == 0) {
                      escapes.addAll(chain.runCommands(document, outcome));
                    }
                    report.add(document, outcome, escapes);
                  }
                }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Fuzzing run interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("A fuzzing worker failed outside the chain", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return report;
  }
}
