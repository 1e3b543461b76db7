package dev.remotemedia.webrtc;

import dev.remotemedia.manifest.Manifest;
import dev.remotemedia.manifest.ManifestException;
import dev.remotemedia.manifest.ManifestResolver;
import dev.remotemedia.pipeline.AccessPolicy;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.PipelineException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.OPTIONS;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * WHIP (RFC 9725) ingress. {@code POST /whip} with an SDP offer answers {@code 201 Created}: the
 * session's URL in {@code Location}, its {@code ETag}, {@code Link rel="ice-server"} headers for
 * configured STUN/TURN, and the answer SDP (non-trickle: sent once ICE gathering is done, within
 * {@code ice-gather-timeout-ms}). {@code PATCH} on the session takes trickled candidates (204) or
 * an ICE restart (200 with our new credentials and candidates, new ETag); {@code If-Match} must name
 * the current ETag (412 otherwise). {@code DELETE} ends the session. Wrong method 405, wrong type
 * 415, too large 413, a fragment we cannot use 422. {@code ?pipeline=NAME} picks an allow-listed pipeline.
 */
@Path("/whip")
public class WhipResource {
    private static final Logger LOG = Logger.getLogger(WhipResource.class);
    static final String SDP = "application/sdp";
    static final String SDPFRAG = "application/trickle-ice-sdpfrag";

    @Inject
    WebRtcSessions sessions;

    @Inject
    WebRtcConfig config;

    @Inject
    ManifestResolver resolver;

    @Inject
    PipelineEngine engine;

    @Inject
    AccessPolicy access;

    @Inject
    dev.remotemedia.pipeline.PipelineConfig pipelineConfig;

    @POST
    public Uni<Response> offer(String offer, @QueryParam("pipeline") String pipeline, @HeaderParam("Content-Type") String type,
                               @HeaderParam("Authorization") String authorization, @Context HttpServerRequest request) {
        Response refused = refused(authorization, request);
        if (refused != null) return Uni.createFrom().item(refused);
        if (!isType(type, SDP)) return Uni.createFrom().item(text(415, "POST /whip takes Content-Type " + SDP + " (got " + type + ")"));
        if (offer != null && offer.length() > config.maxSdpBytes()) {
            return Uni.createFrom().item(text(413, "SDP offer of " + offer.length() + " bytes; at most " + config.maxSdpBytes() + " (remotemedia.webrtc.max-sdp-bytes)"));
        }
        String problem = SdpText.problem(offer);
        if (problem != null) return Uni.createFrom().item(text(400, "bad SDP offer: " + problem));
        Manifest manifest;
        WebRtcSession session;
        try {
            manifest = manifest(pipeline);
            session = sessions.open(manifest, clientAddress(request));
        } catch (WebRtcSessions.CapacityException e) {
            return Uni.createFrom().item(retryLater(503, "CapacityExceeded: " + e.getMessage()));
        } catch (WebRtcSessions.TooManyFromAddressException e) {
            return Uni.createFrom().item(retryLater(429, "CapacityExceeded: " + e.getMessage()));
        } catch (ManifestException e) {
            return Uni.createFrom().item(text(pipeline == null ? 500 : 404, e.getMessage()));
        } catch (PipelineException e) {
            return Uni.createFrom().item(text(503, e.kind() + ": " + e.getMessage()));
        }
        return Uni.createFrom().completionStage(session.answer(offer, config.iceGatherTimeoutMs()))
                .emitOn(engine.worker()) // off libwebrtc's native thread before building the response
                .ifNoItem().after(Duration.ofMillis(config.iceGatherTimeoutMs() + 5000)).fail()
                .map(answer -> withAppClassLoader(() -> {
                    String sdp = SdpText.withMaxMessageSize(publicSdp(answer), config.maxMessageBytes());
                    sdp = SdpText.withOpusParams(sdp, opusParams());
                    if (config.opusPtimeMs() != 20) sdp = SdpText.withAudioPtime(sdp, config.opusPtimeMs());
                    dev.remotemedia.telemetry.LogContext.run(session.id, 0, () -> LOG.infof("session %s answered (%s)", session.id, manifest.name()));
                    var r = Response.created(URI.create("/whip/" + session.id)).type(SDP).header("ETag", session.etag()).entity(sdp);
                    iceServerLinks().forEach(link -> r.header("Link", link));
                    return r.build();
                }))
                .onFailure().recoverWithItem(e -> withAppClassLoader(() -> {
                    session.close("offer failed: " + e.getMessage());
                    return text(e instanceof WebRtcSession.BadOfferException ? 400 : 500, printable(e.getMessage(), 400));
                }));
    }

    /** What the answer asks of the sender's Opus encoder (config: opus-dtx, opus-max-playback-rate-hz). */
    private java.util.Map<String, String> opusParams() {
        var params = new java.util.LinkedHashMap<String, String>();
        if (config.opusDtx()) params.put("usedtx", "1");
        if (config.opusMaxPlaybackRateHz() < 48000) params.put("maxplaybackrate", Integer.toString(config.opusMaxPlaybackRateHz()));
        return params;
    }

    /** CORS preflight and discovery: what the endpoint accepts, and its ICE servers. */
    @OPTIONS
    public Response options() {
        var r = Response.noContent().header("Accept-Post", SDP).header("Allow", "OPTIONS, POST");
        iceServerLinks().forEach(link -> r.header("Link", link));
        return r.build();
    }

    @DELETE
    @Path("/{id}")
    public Response delete(@PathParam("id") String id, @HeaderParam("Authorization") String authorization, @Context HttpServerRequest request) {
        Response refused = refused(authorization, request);
        if (refused != null) return refused;
        return sessions.find(id).map(s -> {
            engine.worker().execute(() -> s.close("client sent DELETE"));
            return Response.ok().build();
        }).orElseGet(() -> text(404, "no session " + id));
    }

    @PATCH
    @Path("/{id}")
    public Uni<Response> patch(@PathParam("id") String id, String fragment, @HeaderParam("Content-Type") String type,
                               @HeaderParam("If-Match") String ifMatch, @HeaderParam("Authorization") String authorization,
                               @Context HttpServerRequest request) {
        Response refused = refused(authorization, request);
        if (refused != null) return Uni.createFrom().item(refused);
        var found = sessions.find(id);
        if (found.isEmpty()) return Uni.createFrom().item(text(404, "no session " + id));
        WebRtcSession session = found.get();
        if (!isType(type, SDPFRAG)) return Uni.createFrom().item(text(415, "PATCH takes Content-Type " + SDPFRAG + " (got " + type + ")"));
        String body = fragment == null ? "" : fragment;
        if (body.length() > config.maxSdpBytes()) {
            return Uni.createFrom().item(text(413, "fragment of " + body.length() + " bytes; at most " + config.maxSdpBytes() + " (remotemedia.webrtc.max-sdp-bytes)"));
        }
        if (ifMatch != null && !ifMatch.trim().equals("*") && !ifMatch.trim().equals(session.etag())) {
            return Uni.createFrom().item(Response.status(412).type("text/plain").header("ETag", session.etag())
                    .entity("If-Match " + ifMatch + " is stale: the session's ETag is " + session.etag() + " (an ICE restart changed it)\n").build());
        }
        SdpText.Ice wanted = SdpText.ice(body);
        SdpText.Ice current = session.remoteIce();
        if (wanted != null && current != null && !wanted.equals(current)) return restart(session, wanted, body);
        var candidates = SdpText.candidates(body);
        if (candidates.isEmpty() && !SdpText.endOfCandidates(body)) {
            return Uni.createFrom().item(text(422, "the fragment has neither a=candidate lines, a=end-of-candidates nor new ICE credentials (RFC 8840)"));
        }
        for (var c : candidates) {
            String problem = session.addCandidate(c.mid(), c.line());
            if (problem != null) return Uni.createFrom().item(text(400, "bad candidate line \"a=" + printable(c.line(), 120) + "\": " + printable(problem, 200)));
        }
        return Uni.createFrom().item(Response.noContent().build());
    }

    /** ICE restart: 200 with our new credentials and candidates, and the new ETag. */
    private Uni<Response> restart(WebRtcSession session, SdpText.Ice wanted, String body) {
        return Uni.createFrom().completionStage(session.restartIce(wanted, config.iceGatherTimeoutMs()))
                .emitOn(engine.worker())
                .ifNoItem().after(Duration.ofMillis(config.iceGatherTimeoutMs() + 5000)).fail()
                .map(fragment -> withAppClassLoader(() -> {
                    SdpText.candidates(body).forEach(c -> session.addCandidate(c.mid(), c.line()));
                    dev.remotemedia.telemetry.LogContext.run(session.id, 0, () -> LOG.infof("session %s: ICE restart", session.id));
                    return Response.ok(publicSdp(fragment), SDPFRAG).header("ETag", session.etag()).build();
                }))
                // a failed restart leaves the session as it was (RFC 9725: do not terminate it)
                .onFailure().recoverWithItem(e -> withAppClassLoader(() -> text(e instanceof WebRtcSession.BadOfferException ? 422 : 500,
                        "ICE restart failed: " + printable(e.getMessage(), 400))));
    }

    private String publicSdp(String sdp) {
        return config.publicAddress().map(a -> SdpText.rewriteAddresses(sdp, a)).orElse(sdp);
    }

    /** RFC 9725 §4.6: one Link header per configured STUN/TURN URL, TURN with its credentials. */
    List<String> iceServerLinks() {
        return config.iceServers().orElse(List.of()).stream().map(url -> {
            String link = "<" + url + ">; rel=\"ice-server\"";
            if (url.startsWith("turn") && config.turnUsername().isPresent()) {
                link += "; username=\"" + config.turnUsername().get() + "\"; credential=\"" + config.turnPassword().orElse("")
                        + "\"; credential-type=\"password\"";
            }
            return link;
        }).toList();
    }

    /** 401 when the caller may not use WHIP (see remotemedia.webrtc.require-token), else null. */
    private Response refused(String authorization, HttpServerRequest request) {
        String why = access.deny(config.requireToken(), "remotemedia.webrtc.require-token", authorization, AccessPolicy.peer(request));
        return why == null ? null : Response.status(401).type("text/plain").header("WWW-Authenticate", "Bearer").entity(why + "\n").build();
    }

    private static String clientAddress(HttpServerRequest request) {
        var a = request == null ? null : request.remoteAddress();
        return a == null || a.hostAddress() == null ? "unknown" : a.hostAddress();
    }

    private static boolean isType(String header, String expected) {
        return header != null && header.split(";")[0].trim().equalsIgnoreCase(expected);
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

    /** Client-sent text fit for an error message: printable ASCII, at most {@code max} characters. */
    private static String printable(String s, int max) {
        String p = String.valueOf(s).replaceAll("[^\\x20-\\x7e]", "?");
        return p.length() > max ? p.substring(0, max) + "…" : p;
    }

    private static Response retryLater(int status, String message) {
        return Response.status(status).header("Retry-After", "5").type("text/plain").entity(message + "\n").build();
    }

    private static Response text(int status, String message) {
        return Response.status(status).type("text/plain").entity(message + "\n").build();
    }
}
