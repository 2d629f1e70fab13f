package io.lakeplan.model;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.immutables.value.Value;

/**
 * The one Immutables style of the SDK: bare accessors, depluralized collection adders, JDK
 * collections, and no required-attribute check at {@code build()} — missing values are reported,
 * all at once and with their paths, by validation instead of one at a time by the builder.
 */
@Target({ElementType.PACKAGE, ElementType.TYPE})
@Retention(RetentionPolicy.CLASS)
@Value.Style(
    depluralize = true,
    depluralizeDictionary = {
      "dependency:dependencies",
      "property:properties",
      "entry:entries",
      "query:queries",
      "maintenance:maintenance"
    },
    jdkOnly = true,
    validationMethod = Value.Style.ValidationMethod.NONE,
    overshadowImplementation = true,
    forceJacksonPropertyNames = false,
    visibility = Value.Style.ImplementationVisibility.PUBLIC,
    defaults = @Value.Immutable(copy = true))
public @interface LakeplanStyle {}
