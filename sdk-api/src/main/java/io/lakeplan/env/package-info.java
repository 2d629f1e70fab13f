/**
 * Where a plan runs: the {@link io.lakeplan.env.Environment} file that every entry point reads
 * ({@code lakeplan run --env}, {@code JobMain --env}, {@code lakeplan render airflow --env}) —
 * catalog and warehouse, watermark store, secret providers, region, endpoint override, KMS key,
 * notifications and the EMR Serverless / MWAA settings of rendered DAGs — and {@link
 * io.lakeplan.env.EnvironmentRuntime}, which turns it into the runtime pieces (watermark store,
 * secret resolver, catalog properties) through the {@link io.lakeplan.env.RuntimeProvider}s on the
 * class path. Environment files are read and written with the codec's {@link
 * io.lakeplan.codec.YamlFormat}.
 */
@LakeplanStyle
package io.lakeplan.env;

import io.lakeplan.model.LakeplanStyle;
