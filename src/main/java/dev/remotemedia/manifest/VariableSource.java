package dev.remotemedia.manifest;

import java.util.Map;
import java.util.Optional;

/** Where `${VAR}` references in manifests are looked up: the environment, then system properties/config. */
@FunctionalInterface
public interface VariableSource {
    Optional<String> get(String name);

    /** Environment variables first, then JVM system properties. */
    static VariableSource environment() {
        return name -> Optional.ofNullable(System.getenv(name)).or(() -> Optional.ofNullable(System.getProperty(name)));
    }

    static VariableSource of(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name));
    }
}
