package dev.remotemedia.webrtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.remotemedia.testing.FreeGrpcPort;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * WHIP as production runs it: a token is configured, so every WHIP request needs it
 * (require-token left empty = automatic); STUN/TURN announced in Link headers; one session per
 * client address. (WhipTest runs with require-token=false: the off case.)
 */
@QuarkusTest
@TestProfile(WhipAccessTest.Production.class)
@QuarkusTestResource(FreeGrpcPort.class)
class WhipAccessTest {
    static final String TOKEN = "test-token-abc"; // %test.remotemedia.grpc.auth.tokens

    public static final class Production implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("remotemedia.webrtc.require-token", "", // empty = required because tokens are configured
                    "remotemedia.rest.require-token", "",
                    "remotemedia.webrtc.ice-servers", "stun:stun.example.test:3478,turn:turn.example.test:3478?transport=udp",
                    "remotemedia.webrtc.turn-username", "alice",
                    "remotemedia.webrtc.turn-password", "s3cret",
                    "remotemedia.webrtc.max-sessions-per-address", "1");
        }
    }

    @TestHTTPResource("/whip")
    URL whip;

    @BeforeAll
    static void encoders() {
        WhipTest.sdpBodiesAsText();
    }

    @Test
    void everyWhipRequestNeedsTheTokenAndLinkHeadersAnnounceIceServers() throws Exception {
        given().contentType("application/sdp").body("v=0").post("/whip").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer").body(containsString("missing authorization"));
        given().contentType("application/sdp").header("Authorization", "Bearer wrong").body("v=0").post("/whip").then().statusCode(401)
                .body(containsString("not accepted"));
        try (PeerFactory peers = new PeerFactory()) {
            PeerConnectionFactory factory = peers.get();
            try (WhipClient a = new WhipClient(factory, false); WhipClient b = new WhipClient(factory, false)) {
                assertEquals(401, a.connect(whip + "?pipeline=vad", null, "127.0.0.1", Duration.ofSeconds(10)), "the offer without a token");
                assertEquals(201, a.connect(whip + "?pipeline=vad", TOKEN, "127.0.0.1", Duration.ofSeconds(10)));
                String session = URI.create(a.location()).getPath();
                // PATCH and DELETE on the session need it too
                given().contentType("application/trickle-ice-sdpfrag").body("a=end-of-candidates\r\n").patch(session).then().statusCode(401);
                given().delete(session).then().statusCode(401);
                assertEquals(204, a.patch(WhipResource.SDPFRAG, a.etag(), "a=end-of-candidates\r\n").statusCode(), "with the token");

                int second = b.connect(whip + "?pipeline=vad", TOKEN, "127.0.0.1", Duration.ofSeconds(10));
                assertEquals(429, second, "max-sessions-per-address=1: a second session from 127.0.0.1 waits");
                assertEquals(200, a.delete());
            }
        }
        HttpResponse<String> created;
        try (PeerFactory peers = new PeerFactory(); WhipClient c = new WhipClient(peers.get(), false)) {
            // the address's slot is free again once the first session closed
            long deadline = System.currentTimeMillis() + 5000;
            int status = 0;
            while (status != 201 && System.currentTimeMillis() < deadline) {
                status = c.connect(whip + "?pipeline=vad", TOKEN, "127.0.0.1", Duration.ofSeconds(10));
                if (status != 201) Thread.sleep(100);
            }
            assertEquals(201, status);
            assertEquals(200, c.delete());
        }
        var options = given().options("/whip").then().statusCode(204).extract();
        List<String> links = options.headers().getValues("Link");
        assertEquals(2, links.size(), "one Link per ICE server: " + links);
        assertTrue(links.contains("<stun:stun.example.test:3478>; rel=\"ice-server\""), links.toString());
        assertTrue(links.contains("<turn:turn.example.test:3478?transport=udp>; rel=\"ice-server\"; username=\"alice\"; "
                + "credential=\"s3cret\"; credential-type=\"password\""), links.toString());
    }

    @Test
    void theCreatedResponseCarriesLinkHeadersAndAnEtag() throws Exception {
        try (PeerFactory peers = new PeerFactory(); WhipClient c = new WhipClient(peers.get(), false)) {
            // a raw POST to read the 201's headers (WhipClient keeps only Location and ETag)
            String offer = offer(c);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(whip + "?pipeline=vad"))
                    .header("Content-Type", "application/sdp").header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(offer)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, r.statusCode(), r.body());
            assertEquals(2, r.headers().allValues("Link").size(), r.headers().map().toString());
            assertTrue(r.headers().firstValue("ETag").isPresent());
            assertTrue(r.body().contains("a=max-message-size:16384"), "the answer caps data-channel messages: " + r.body());
            String location = URI.create(whip.toString()).resolve(r.headers().firstValue("Location").orElseThrow()).toString();
            HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(location)).header("Authorization", "Bearer " + TOKEN).DELETE().build(),
                    HttpResponse.BodyHandlers.discarding());
        }
    }

    @Test
    void theRestPathNeedsTheTokenToo() {
        String body = "{\"manifest\":{\"version\":\"v1\",\"nodes\":[{\"id\":\"stats\",\"node_type\":\"AudioStats\","
                + "\"params\":{\"apply_to\":\"audio\",\"pass_through\":false}}]},\"frame_ms\":100,\"audio_wav_base64\":\""
                + java.util.Base64.getEncoder().encodeToString(dev.remotemedia.audio.Wav.pcm16(new float[1600], 16000, 1)) + "\"}";
        given().contentType("application/json").body(body).post("/pipeline").then().statusCode(401)
                .header("WWW-Authenticate", "Bearer").body("error", org.hamcrest.Matchers.equalTo("Unauthenticated"))
                .body("message", containsString("missing authorization"));
        given().contentType("application/json").header("Authorization", "Bearer " + TOKEN).body(body).post("/pipeline")
                .then().statusCode(200).body("events[0].type", org.hamcrest.Matchers.equalTo("result"));
    }

    private static String offer(WhipClient c) throws Exception {
        return c.offerSdp();
    }
}
