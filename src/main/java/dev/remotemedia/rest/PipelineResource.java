package dev.remotemedia.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.remotemedia.audio.Wav;
import dev.remotemedia.manifest.Manifest;
import dev.remotemedia.manifest.ManifestException;
import dev.remotemedia.manifest.ManifestResolver;
import dev.remotemedia.pipeline.AudioFrame;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.pipeline.Frame;
import dev.remotemedia.pipeline.PipelineEngine;
import dev.remotemedia.pipeline.PipelineException;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * {@code POST /pipeline}: the one-shot path over HTTP (also what the Lambda packaging serves).
 * Body: {@code {"manifest": {...}} or {"pipeline": "name"}, "audio_wav_base64": "...", "frame_ms": 20};
 * answer: {@code {"events": [...]}} — the same JSON events a live session gets.
 */
@Path("/pipeline")
public class PipelineResource {
    @Inject
    PipelineEngine engine;

    @Inject
    ManifestResolver resolver;

    @Inject
    RestConfig config;

    @Inject
    dev.remotemedia.pipeline.AccessPolicy access;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Response> run(JsonNode body, @jakarta.ws.rs.HeaderParam("Authorization") String authorization,
                             @jakarta.ws.rs.core.Context io.vertx.core.http.HttpServerRequest request) {
        String why = access.deny(config.requireToken(), "remotemedia.rest.require-token", authorization,
                dev.remotemedia.pipeline.AccessPolicy.peer(request));
        if (why != null) {
            return Uni.createFrom().item(Response.status(401).header("WWW-Authenticate", "Bearer").type(MediaType.APPLICATION_JSON)
                    .entity(Events.JSON.createObjectNode().put("error", "Unauthenticated").put("message", why)).build());
        }
        Manifest manifest;
        List<AudioFrame> frames;
        try {
            if (body == null || !body.isObject()) return bad("the body must be a JSON object");
            manifest = manifest(body);
            JsonNode audio = body.get("audio_wav_base64");
            if (audio == null || !audio.isTextual()) return bad("audio_wav_base64: required, a base64-encoded WAV file");
            byte[] wav;
            try {
                wav = Base64.getDecoder().decode(audio.asText().replaceAll("\\s", "")); // line breaks allowed, nothing else
            } catch (IllegalArgumentException e) {
                return bad("audio_wav_base64: not valid base64");
            }
            Wav.Audio a = Wav.read(wav, "audio_wav_base64");
            if (a.durationMs() > config.maxAudioS() * 1000.0) return bad("audio_wav_base64: longer than " + config.maxAudioS() + " s (remotemedia.rest.max-audio-s)");
            int frameMs = body.path("frame_ms").asInt(20);
            if (frameMs < 1 || frameMs > 1000) return bad("frame_ms: must be between 1 and 1000, got " + frameMs);
            frames = AudioFrame.split(a.samples(), a.sampleRate(), a.channels(), frameMs);
        } catch (ManifestException e) {
            ObjectNode err = Events.JSON.createObjectNode().put("error", "ManifestInvalid");
            e.errors().forEach(err.withArray("errors")::add);
            return Uni.createFrom().item(Response.status(400).entity(err).build());
        } catch (IllegalArgumentException e) {
            return bad(e.getMessage());
        }
        Manifest m = manifest;
        return Uni.createFrom().deferred(() -> engine.open(m, "rest-" + UUID.randomUUID())
                        .run(Multi.createFrom().iterable(frames).map(f -> (Frame) f))
                        .select().where(f -> f instanceof EventFrame).collect().asList())
                .ifNoItem().after(Duration.ofSeconds(config.maxAudioS() + 60L)).fail()
                .map(list -> {
                    ObjectNode out = Events.JSON.createObjectNode();
                    ArrayNode events = out.putArray("events");
                    list.forEach(f -> events.add(Events.toJson((EventFrame) f)));
                    return Response.ok(out).build();
                })
                .onFailure(PipelineException.class).recoverWithItem(e -> Response.status(503).entity(Events.JSON.createObjectNode()
                        .put("error", ((PipelineException) e).kind().name()).put("message", e.getMessage())).build());
    }

    private Manifest manifest(JsonNode body) {
        boolean inline = body.has("manifest"), named = body.has("pipeline");
        if (inline == named) throw new IllegalArgumentException("give exactly one of \"manifest\" (an object) or \"pipeline\" (a name)");
        return inline ? engine.validate(body.get("manifest"), "request manifest") : resolver.named(body.get("pipeline").asText());
    }

    private static Uni<Response> bad(String message) {
        return Uni.createFrom().item(Response.status(400).entity(Events.JSON.createObjectNode().put("error", "InvalidInput")
                .put("message", message)).build());
    }
}
