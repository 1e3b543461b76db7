package dev.remotemedia.remote;

import dev.remotemedia.grpc.v1.DescribeResponse;
import dev.remotemedia.grpc.v1.PipelineInfo;

import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a worker says it serves (from {@code Describe}): its role, the named pipelines of its
 * allow-list (or any pipeline when it has none) and which of them are warm.
 */
record Capabilities(String role, boolean anyPipeline, Set<String> pipelines, Set<String> warm, String serverId) {
    /** Before the first Describe answer (or from a server without it): assume it can serve anything. */
    static final Capabilities UNKNOWN = new Capabilities("", true, Set.of(), Set.of(), "");

    static Capabilities of(DescribeResponse d) {
        return new Capabilities(d.getRole(), d.getServesAnyPipeline() || d.getPipelinesCount() == 0 && !d.hasLoad(),
                d.getPipelinesList().stream().map(PipelineInfo::getName).collect(Collectors.toUnmodifiableSet()),
                d.getPipelinesList().stream().filter(PipelineInfo::getWarm).map(PipelineInfo::getName).collect(Collectors.toUnmodifiableSet()),
                d.getServerId());
    }

    /** Whether this worker advertises {@code pipeline} (null = an inline or URL manifest: any worker may try). */
    boolean advertises(String pipeline) {
        return pipeline == null || anyPipeline || pipelines.contains(pipeline);
    }

    @Override
    public String toString() {
        return anyPipeline ? "any pipeline" : "pipelines " + String.join(",", pipelines.stream().sorted().toList());
    }
}
