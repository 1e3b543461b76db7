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
        io.restassured.RestAssured.config = io.restassured.RestAssured.config().encoderConfig(io.restassured.config.EncoderConfig.encoderConfig()
                .encodeContentTypeAs("application/sdp", io.restassured.http.ContentType.TEXT)
                .encodeContentTypeAs("application/trickle-ice-sdpfrag", io.restassured.http.ContentType.TEXT));
        factory = peers.get();
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

    @Test
    void malformedSdpIs400WithTheReason() {
        given().contentType("application/sdp").body("hello").post("/whip").then().statusCode(400)
                .body(containsString("must start with \"v=0\""));
        given().contentType("application/sdp").body("v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n")
                .post("/whip").then().statusCode(400).body(containsString("no audio m-line"));
    }

    @Test
    void wrongContentTypeIs415AndUnknownSessionsAre404() {
        given().contentType("application/json").body("{}").post("/whip").then().statusCode(415);
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
}
