package io.lakeplan.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.lakeplan.model.Migration;
import io.lakeplan.plan.TaskSpec;
import io.lakeplan.spi.TaskResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class CopyIT {

  private static MiniDFSCluster cluster;
  private final Path base = TestSpark.newDir("copy");

  @BeforeAll
  static void startHdfs() throws Exception {
    Path dir = TestSpark.newDir("minidfs");
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, dir.toString());
    conf.set("dfs.namenode.http-address", "127.0.0.1:0");
    conf.set("dfs.datanode.address", "127.0.0.1:0");
    conf.set("dfs.datanode.http.address", "127.0.0.1:0");
    conf.set("dfs.datanode.ipc.address", "127.0.0.1:0");
    conf.setInt("dfs.replication", 1);
    cluster =
        new MiniDFSCluster.Builder(conf, dir.toFile())
            .numDataNodes(1)
            .checkDataNodeAddrConfig(true)
            .skipFsyncForTesting(true)
            .build();
    cluster.waitActive();
  }

  @AfterAll
  static void stopHdfs() {
    if (cluster != null) {
      cluster.shutdown();
    }
  }

  private static Migration copy(String source, String landing) {
    return Migration.builder()
        .from(TestData.migration("copy", source, "cp.orders"))
        .landing(landing)
        .build();
  }

  private static long sizeOfDataFiles(Path dir) throws Exception {
    try (Stream<Path> files = Files.walk(dir)) {
      List<Path> data =
          files
              .filter(Files::isRegularFile)
              .filter(f -> !f.getFileName().toString().startsWith("."))
              .toList();
      long total = 0;
      for (Path file : data) {
        total += Files.size(file);
      }
      return total;
    }
  }

  @Test
  void copy_localFolder_copiesEveryFileWithChecksumsAndRerunGivesSameLanding() throws Exception {
    Path source = base.resolve("hdfs/orders");
    TestData.writeParquet(source.resolve("day=1"), TestData.ordersSql(20));
    TestData.writeParquet(source.resolve("day=2"), TestData.ordersSql(30));

    TaskResult first = TestSpark.run(base, TaskSpec.Copy.of(copy("hdfs/orders", "landing/orders")));
    TaskResult second =
        TestSpark.run(base, TaskSpec.Copy.of(copy("hdfs/orders", "landing/orders")));

    assertThat(first.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(first.bytes()).isEqualTo(sizeOfDataFiles(source));
    assertThat(first.summary()).contains("checksums verified");
    assertThat(second.files()).isEqualTo(first.files());
    assertThat(second.summary())
        .endsWith(first.summary().substring(first.summary().lastIndexOf("digest")));
    assertThat(
            TestSpark.session().read().parquet(base.resolve("landing/orders").toString()).count())
        .isEqualTo(50);
  }

  @Test
  void copy_fromHdfs_landsLocally() {
    String hdfs = "hdfs://127.0.0.1:" + cluster.getNameNodePort() + "/lake/orders";
    TestSpark.session().sql(TestData.ordersSql(25)).write().parquet(hdfs);

    TaskResult result = TestSpark.run(base, TaskSpec.Copy.of(copy(hdfs, "landing/from-hdfs")));

    assertThat(result.status()).isEqualTo(TaskResult.Status.SUCCEEDED);
    assertThat(result.files()).isPositive();
    assertThat(
            TestSpark.session()
                .read()
                .parquet(base.resolve("landing/from-hdfs").toString())
                .count())
        .isEqualTo(25);
  }

  @Test
  void copy_missingSource_failsAndKeepsExistingLanding() throws Exception {
    Path landing = Files.createDirectories(base.resolve("landing/kept"));
    Files.writeString(landing.resolve("old.txt"), "previous copy");

    TaskResult result =
        TestSpark.run(base, TaskSpec.Copy.of(copy("no/such/source", "landing/kept")));

    assertThat(result.status()).isEqualTo(TaskResult.Status.FAILED);
    assertThat(result.summary()).contains("Source path does not exist").contains("no/such/source");
    assertThat(Files.readString(landing.resolve("old.txt"))).isEqualTo("previous copy");
  }
}
