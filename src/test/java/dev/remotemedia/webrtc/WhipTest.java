package dev.remotemedia.webrtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.remotemedia.pipeline.EventFrame;
import dev.remotemedia.pipeline.Events;
import dev.remotemedia.testing.FreeGrpcPort;
import dev.remotemedia.testing.Speech;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** WHIP against the real app, with a real webrtc-java client peer in the same JVM (candidates on 127.0.0.1). */
@QuarkusTest
@QuarkusTestResource(FreeGrpcPort.class)
class WhipTest {
    static final PeerFactory peers = new PeerFactory(); // the client side's own factory, like a separate process
    static PeerConnectionFactory factory;

    @TestHTTPResource("/whip")
    URL whip;

    @Inject
    WebRtcSessions sessions;

    @BeforeAll
    static void clientFactory() {
        sdpBodiesAsText();
        factory = peers.get();
    }

    /** RestAssured sends SDP and trickle fragments as plain text (it does not know the types). */
    static void sdpBodiesAsText() {
        io.restassured.RestAssured.config = io.restassured.RestAssured.config().encoderConfig(io.restassured.config.EncoderConfig.encoderConfig()
                .encodeContentTypeAs(WhipResource.SDP, io.restassured.http.ContentType.TEXT)
                .encodeContentTypeAs(WhipResource.SDPFRAG, io.restassured.http.ContentType.TEXT));
    }

    @AfterAll
    static void disposeFactory() {
        peers.close();
    }

    private static List<EventFrame> events(WhipClient c, String type) {
        return c.events().stream().map(Events::fromLine).filter(e -> e.type().equals(type)).toList();
    }

    @Test
    void speechOverWebRtcComesBackAsVadEventsAndRemoteResults() throws Exception {
        Path dir = Files.createTempDirectory("whip");
        Speech.Layout speech = Speech.phrases(dir, 48000, 1.0, 1.5, 1.5, Speech.THREE);
        try (WhipClient client = new WhipClient(factory, false)) {
            assertEquals(201, client.connect(whip + "?pipeline=dev-local", null, "127.0.0.1", Duration.ofSeconds(10)));
            // the answer asks for wideband Opus with DTX by default; the phrases below are found through it
            String pt = client.answerSdp().lines().filter(l -> l.matches("a=rtpmap:\\d+ opus/.*")).findFirst().orElseThrow().replaceAll("a=rtpmap:(\\d+) .*", "$1");
            String opus = client.answerSdp().lines().filter(l -> l.startsWith("a=fmtp:" + pt + " ")).findFirst().orElse("");
            assertTrue(opus.contains("maxplaybackrate=16000") && opus.contains("usedtx=1"), client.answerSdp());
            client.stream(speech.samples());
            long deadline = System.currentTimeMillis() + 15_000;
            while (events(client, "result").size() < 3 && System.currentTimeMillis() < deadline) Thread.sleep(100);
            assertEquals(3, events(client, "segment").size(), "segments: " + client.events());
            assertEquals(3, events(client, "vad_start").size());
            List<EventFrame> results = events(client, "result");
            assertEquals(3, results.size(), "one remote result per phrase: " + client.events());
            for (int i = 0; i < 3; i++) assertEquals(i + 1, results.get(i).segment());
            assertEquals(3, events(client, "latency").size());
            assertEquals(0, client.audibleMs(), "no TTS in this pipeline: the server's track stays silent");
            assertEquals(200, client.delete());
        }
        long deadline = System.currentTimeMillis() + 5000;
        while (sessions.count() > 0 && System.currentTimeMillis() < deadline) Thread.sleep(50);
        assertEquals(0, sessions.count(), "DELETE cleaned the session up");
    }

    /**
     * A closed session must leave the heap. webrtc-java never deletes a data channel's native
     * observer, whose JNI global reference then held every closed session (pipeline, VAD buffers)
     * for the life of the process: 1,000 sessions were still on the heap after 1,000 open/close cycles.
     */
    @Test
    void aClosedSessionIsNotHeldByItsDataChannel() throws Exception {
        Path dir = Files.createTempDirectory("whip-heap");
        Speech.Layout speech = Speech.phrases(dir, 48000, 0.5, 1.0, 0.5, "Hello there.");
        java.lang.ref.WeakReference<WebRtcSession> ref;
        try (WhipClient client = new WhipClient(factory, false)) {
            assertEquals(201, client.connect(whip + "?pipeline=dev-local", null, "127.0.0.1", Duration.ofSeconds(10)));
            ref = new java.lang.ref.WeakReference<>(session(client));
            client.stream(speech.samples());
            long deadline = System.currentTimeMillis() + 10_000;
            while (events(client, "vad_start").isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(50);
            assertEquals(1, events(client, "vad_start").size(), "events arrive over the data channel: " + client.events());
            assertEquals(200, client.delete());
        }
        assertCollected(ref);
    }

    /** The same when the client deletes at once: its data channel then reaches a session already closed. */
    @Test
    void aSessionDeletedRightAfterConnectingIsNotHeldEither() throws Exception {
        List<java.lang.ref.WeakReference<WebRtcSession>> refs = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            try (WhipClient client = new WhipClient(factory, false)) {
                assertEquals(201, client.connect(whip + "?pipeline=dev-local", null, "127.0.0.1", Duration.ofSeconds(10)));
                refs.add(new java.lang.ref.WeakReference<>(session(client)));
                assertEquals(200, client.delete());
            }
        }
        Thread.sleep(500); // the channels' late arrival
        for (var ref : refs) assertCollected(ref);
    }

    /** The server's side of {@code client}'s session (the last segment of its Location). */
    private WebRtcSession session(WhipClient client) {
        return sessions.find(client.location().substring(client.location().lastIndexOf('/') + 1)).orElseThrow();
    }

    private static void assertCollected(java.lang.ref.WeakReference<WebRtcSession> ref) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 15_000;
        while (ref.get() != null && System.currentTimeMillis() < deadline) {
            System.gc();
            Thread.sleep(100);
        }
        assertTrue(ref.get() == null, "the closed session is still reachable from a GC root");
    }

    @Test
    void aCameraOfferedToAPipelineWithoutVideoIsAcceptedAndTheClientToldWhy() throws Exception {
        try (WhipClient client = new WhipClient(factory, false)) {
            client.addCamera();
            assertTrue(client.offerSdp().contains("m=video"), "the offer carries video");
            assertEquals(201, client.connect(whip + "?pipeline=dev-local", null, "127.0.0.1", Duration.ofSeconds(10)), "audio + video is a valid WHIP offer");
            long deadline = System.currentTimeMillis() + 10_000;
            while (events(client, "error").isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(50);
            List<EventFrame> errors = events(client, "error");
            assertEquals(1, errors.size(), client.events().toString());
            assertEquals("InvalidInput", errors.get(0).fields().path("kind").asText());
            assertTrue(errors.get(0).fields().path("message").asText().contains("takes no video (it has no VideoSample node)"), errors.toString());
            assertEquals(200, client.delete());
        }
    }

    @Test
    void malformedSdpIs400WithTheReason() {
        given().contentType("application/sdp").body("hello").post("/whip").then().statusCode(400)
                .body(containsString("must start with \"v=0\""));
        given().contentType("application/sdp").body("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n")
                .post("/whip").then().statusCode(400).body(containsString("no audio m-line"));
    }

    @Test
    void wrongContentTypeIs415AndUnknownSessionsAre404() {
        given().contentType("application/json").body("{}").post("/whip").then().statusCode(415)
                .body(containsString("Content-Type application/sdp"));
        given().delete("/whip/nope").then().statusCode(404);
        given().contentType("application/trickle-ice-sdpfrag").body("a=mid:0\r\n").patch("/whip/nope").then().statusCode(404);
    }

    @Test
    void corsPreflightExposesLocation() {
        given().header("Origin", "http://example.test").header("Access-Control-Request-Method", "POST")
                .options("/whip").then().statusCode(200)
                .header("Access-Control-Allow-Origin", "http://example.test");
    }

    @Test
    void unknownPipelineIs404() throws Exception {
        try (WhipClient client = new WhipClient(factory, false)) {
            assertEquals(404, client.connect(whip + "?pipeline=../../etc/passwd", null, "127.0.0.1", Duration.ofSeconds(5)));
        }
    }

    @Test
    void beyondMaxSessionsIs503WithRetryAfter() throws Exception {
        List<WhipClient> clients = new ArrayList<>();
        try {
            int created = 0, refused = 0;
            for (int i = 0; i < 5; i++) {
                WhipClient c = new WhipClient(factory, false);
                clients.add(c);
                int status = c.connect(whip + "?pipeline=vad", null, "127.0.0.1", Duration.ofSeconds(10));
                if (status == 201) created++;
                if (status == 503) refused++;
            }
            assertEquals(4, created);
            assertEquals(1, refused);
        } finally {
            for (WhipClient c : clients) {
                c.delete();
                c.close();
            }
        }
        given().contentType("application/sdp").body("v=0").post("/whip").then().statusCode(400);
    }

    /**
     * RFC 9725 with a real client: ETag on 201, a trickle PATCH (204), a stale If-Match (412), wrong
     * type (415), too large (413), an unusable fragment (422), then an ICE restart (200, new ETag,
     * the old one now stale) after which the session still carries speech end to end.
     */
    @Test
    void trickleIceRestartAndEtagsAsRfc9725HasThem() throws Exception {
        Path dir = Files.createTempDirectory("whip");
        Speech.Layout speech = Speech.phrases(dir, 48000, 0.5, 1.5, 1.0, Speech.THREE);
        try (WhipClient client = new WhipClient(factory, false)) {
            assertEquals(201, client.connect(whip + "?pipeline=dev-local", null, "127.0.0.1", Duration.ofSeconds(10)));
            String first = client.etag();
            assertTrue(first != null && first.startsWith("\""), "201 carries an entity tag: " + first);
            String candidate = "a=mid:0\r\na=candidate:1 1 udp 2122260223 127.0.0.1 9 typ host generation 0\r\n";
            var trickle = client.patch(WhipResource.SDPFRAG, first, candidate);
            assertEquals(204, trickle.statusCode(), trickle.body());
            assertTrue(trickle.headers().firstValue("ETag").isEmpty(), "a trickle PATCH does not change or send the ETag");
            assertEquals(204, client.patch(WhipResource.SDPFRAG, first, "a=end-of-candidates\r\n").statusCode());
            var stale = client.patch(WhipResource.SDPFRAG, "\"not-this-one\"", candidate);
            assertEquals(412, stale.statusCode(), stale.body());
            assertEquals(first, stale.headers().firstValue("ETag").orElse(null), "412 names the current tag");
            var type = client.patch("application/sdp", first, candidate);
            assertEquals(415, type.statusCode());
            assertTrue(type.body().contains("application/trickle-ice-sdpfrag"), type.body());
            assertEquals(413, client.patch(WhipResource.SDPFRAG, first, candidate + "a=x:" + "y".repeat(70_000) + "\r\n").statusCode());
            var unusable = client.patch(WhipResource.SDPFRAG, first, "a=mid:0\r\n");
            assertEquals(422, unusable.statusCode());
            assertTrue(unusable.body().contains("a=candidate"), unusable.body());

            String ufrag = client.iceUfrag();
            assertEquals(200, client.restartIce(), "ICE restart answered with our new credentials");
            assertTrue(!client.iceUfrag().equals(ufrag), "the client has new credentials");
            assertEquals(client.iceUfrag(), session(client).remoteIce().ufrag(), "and the server applied them");
            assertTrue(client.etag() != null && !client.etag().equals(first), "a new ETag after the restart: " + client.etag());
            assertEquals(412, client.patch(WhipResource.SDPFRAG, first, candidate).statusCode(), "the old tag is stale now");
            client.stream(speech.samples());
            long deadline = System.currentTimeMillis() + 15_000;
            while (events(client, "result").size() < 3 && System.currentTimeMillis() < deadline) Thread.sleep(100);
            assertEquals(3, events(client, "result").size(), "the restarted session carries speech: " + client.events());
            assertEquals(200, client.delete());
        }
    }

    @Test
    void wrongMethodsAre405AndOversizedOffersAre413() {
        given().get("/whip").then().statusCode(405);
        given().contentType("application/sdp").body("v=0").put("/whip/some-id").then().statusCode(405);
        given().contentType("application/sdp").body("v=0\r\n" + "a=x:" + "y".repeat(70_000)).post("/whip").then().statusCode(413)
                .body(containsString("remotemedia.webrtc.max-sdp-bytes"));
        given().options("/whip").then().statusCode(204).header("Accept-Post", "application/sdp");
    }
}
