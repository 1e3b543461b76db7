package dev.remotemedia.manifest;

import java.util.List;
import java.util.Optional;

/**
 * What the validator needs to know about node types. Implemented by the pipeline's
 * node registry, so this package never depends on the pipeline.
 */
public interface NodeCatalog {
    /** Parameter schema of a type, empty when the type is unknown. */
    Optional<ParamSchema> schemaOf(String nodeType);

    /** Known type names, sorted, for "known types are …" messages. */
    List<String> typeNames();

    /** Cross-field rules of a type (e.g. "exactly one of manifest, manifest_url, pipeline"). */
    default void check(String nodeType, Params params, String where, List<String> errors) {}
}
