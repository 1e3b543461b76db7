package dev.remotemedia.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remotemedia.manifest.ManifestResolver;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.PipelineConfig;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.remote.RemoteStatus;
import dev.remotemedia.webrtc.WebRtcSessions;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /status}: what the page shows next to a session — this instance's role and sessions,
 * the pipelines a session may pick (the allow-list), and every remote endpoint with its state,
 * health, breaker and latency estimate. Nothing secret: no tokens, no manifests' contents.
 */
@Path("/status")
public class StatusResource {
    @Inject
    PipelineEngine engine;

    @Inject
    ManifestResolver resolver;

    @Inject
    PipelineConfig config;

    @Inject
    WebRtcSessions sessions;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public ObjectNode status() {
        ObjectNode o = Events.JSON.createObjectNode().put("role", config.role()).put("sessions", sessions.count())
                .put("draining", sessions.draining());
        var pipelines = o.putArray("pipelines");
        resolver.available().forEach(pipelines::add);
        var endpoints = o.putArray("endpoints");
        for (var e : RemoteStatus.endpoints(engine.shared())) {
            endpoints.addObject().put("target", e.target()).put("address", e.address()).put("state", e.state())
                    .put("healthy", e.healthy()).put("breaker", e.breaker()).put("latency_ms", e.latencyMs())
                    .put("inflight", e.inflight()).put("problem", e.problem());
        }
        return o;
    }
}
