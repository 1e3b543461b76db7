package dev.remotemedia.pipeline;

import dev.remotemedia.manifest.ParamSchema;
import dev.remotemedia.manifest.Params;

import java.util.List;
import java.util.Set;

/**
 * A kind of node that manifests can name. Implementations register through
 * {@code META-INF/services/dev.remotemedia.pipeline.NodeType}, so capability packages plug in
 * without the pipeline knowing them.
 */
public interface NodeType {
    /** The {@code node_type} string manifests use. */
    String name();

    /** One line for `nodes` output. */
    String description();

    ParamSchema params();

    Set<FrameKind> inputs();

    Set<FrameKind> outputs();

    /** Cross-field rules; add messages prefixed with {@code where}. Single-field rules live in the schema. */
    default void check(Params params, String where, List<String> errors) {}

    /** Creates the node for one session; may throw {@link PipelineException} (e.g. a model is missing). */
    Node create(NodeContext context, Params params);
}
