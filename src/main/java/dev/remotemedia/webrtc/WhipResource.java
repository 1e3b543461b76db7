package dev.remotemedia.webrtc;

import dev.remotemedia.manifest.Manifest;
import dev.remotemedia.manifest.ManifestException;
import dev.remotemedia.manifest.ManifestResolver;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.PipelineException;
import dev.remotemedia.pipeline.TokenAuthenticator;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;

/**
 * WHIP (RFC 9725) ingress: {@code POST /whip} with an SDP offer answers {@code 201 Created}, the
 * session's URL in {@code Location} and the answer SDP (non-trickle: sent once ICE gathering is
 * done, within {@code ice-gather-timeout-ms}); {@code DELETE /whip/{id}} ends the session;
 * {@code PATCH} takes trickled candidates. {@code ?pipeline=NAME} picks an allow-listed pipeline.
 */
@Path("/whip")
public class WhipResource {
    private static final Logger LOG = Logger.getLogger(WhipResource.class);
    static final String SDP = "application/sdp";

    @Inject
    WebRtcSessions sessions;

    @Inject
    WebRtcConfig config;

    @Inject
    ManifestResolver resolver;

    @Inject
    PipelineEngine engine;

    @Inject
    TokenAuthenticator tokens;

    @Inject
    dev.remotemedia.pipeline.PipelineConfig pipelineConfig;

    @POST
    @Consumes(SDP)
    @Produces(SDP)
    public Uni<Response> offer(String offer, @QueryParam("pipeline") String pipeline,
                               @HeaderParam("Authorization") String authorization) {
        if (config.requireToken()) {
            var verdict = tokens.check(authorization);
            if (verdict != TokenAuthenticator.Verdict.OK) return Uni.createFrom().item(text(401, TokenAuthenticator.describe(verdict)));
        }
        String problem = SdpText.problem(offer);
        if (problem != null) return Uni.createFrom().item(text(400, "bad SDP offer: " + problem));
        Manifest manifest;
        WebRtcSession session;
        try {
            manifest = manifest(pipeline);
            session = sessions.open(manifest);
        } catch (WebRtcSessions.CapacityException e) {
            return Uni.createFrom().item(Response.status(503).header("Retry-After", "5").type("text/plain")
                    .entity("CapacityExceeded: " + e.getMessage()).build());
        } catch (ManifestException e) {
            return Uni.createFrom().item(text(pipeline == null ? 500 : 404, e.getMessage()));
        } catch (PipelineException e) {
            return Uni.createFrom().item(text(503, e.kind() + ": " + e.getMessage()));
        }
        return Uni.createFrom().completionStage(session.answer(offer, config.iceGatherTimeoutMs()))
                .emitOn(engine.worker()) // off libwebrtc's native thread before building the response
                .ifNoItem().after(Duration.ofMillis(config.iceGatherTimeoutMs() + 5000)).fail()
                .map(answer -> withAppClassLoader(() -> {
                    String sdp = config.publicAddress().map(a -> SdpText.rewriteAddresses(answer, a)).orElse(answer);
                    if (config.opusDtx()) sdp = SdpText.withOpusDtx(sdp);
                    dev.remotemedia.telemetry.LogContext.run(session.id, 0, () -> LOG.infof("session %s answered (%s)", session.id, manifest.name()));
                    return Response.created(URI.create("/whip/" + session.id)).type(SDP).entity(sdp).build();
                }))
                .onFailure().recoverWithItem(e -> withAppClassLoader(() -> {
                    session.close("offer failed: " + e.getMessage());
                    return text(e instanceof WebRtcSession.BadOfferException ? 400 : 500, e.getMessage());
                }));
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id) {
        return sessions.find(id).map(s -> {
            engine.worker().execute(() -> s.close("client sent DELETE"));
            return Response.ok().build();
        }).orElseGet(() -> text(404, "no session " + id));
    }

    @PATCH
    @Path("/{id}")
    @Consumes("application/trickle-ice-sdpfrag")
    public Response trickle(@PathParam("id") String id, String fragment) {
        var session = sessions.find(id);
        if (session.isEmpty()) return text(404, "no session " + id);
        var candidates = SdpText.candidates(fragment);
        if (candidates.isEmpty()) return text(400, "no a=candidate lines in the fragment");
        candidates.forEach(c -> session.get().addCandidate(c.mid(), c.line()));
        return Response.noContent().build();
    }

    private Manifest manifest(String pipeline) {
        if (pipeline != null && !pipeline.isBlank()) return resolver.named(pipeline);
        var file = config.manifest().or(() -> pipelineConfig.pipeline().manifest());
        if (file.isPresent()) return engine.load(java.nio.file.Path.of(file.get()));
        return resolver.named("dev-local");
    }

    /**
     * The answer completes on a thread libwebrtc touched, whose context class loader is not the
     * application's; JAX-RS finds its runtime through that loader, so set it while building.
     */
    private static Response withAppClassLoader(java.util.function.Supplier<Response> build) {
        Thread t = Thread.currentThread();
        ClassLoader previous = t.getContextClassLoader();
        t.setContextClassLoader(WhipResource.class.getClassLoader());
        try {
            return build.get();
        } finally {
            t.setContextClassLoader(previous);
        }
    }

    private static Response text(int status, String message) {
        return Response.status(status).type("text/plain").entity(message + "\n").build();
    }
}
