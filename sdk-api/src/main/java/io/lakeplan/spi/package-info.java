/**
 * Service-provider ports: the interfaces and value types through which engines and adapters (local
 * files, Spark, AWS) plug into Lakeplan. Nothing here names an engine or cloud type, so an
 * in-memory, a Spark and an AWS implementation can all satisfy the same contract.
 */
package io.lakeplan.spi;
