package dev.remotemedia.webrtc;

import dev.onvoid.webrtc.PeerConnectionFactory;
import dev.remotemedia.testing.FreeGrpcPort;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `recycle-after-sessions`: after N sessions no new ones, not ready, and not live once drained — open sessions are never cut. */
@QuarkusTest
@TestProfile(WhipRecycleTest.RecycleAfterTwo.class)
@QuarkusTestResource(FreeGrpcPort.class)
class WhipRecycleTest {
    public static final class RecycleAfterTwo implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("remotemedia.webrtc.recycle-after-sessions", "2");
        }
    }

    @TestHTTPResource("/whip")
    URL whip;

    @Inject
    WebRtcSessions sessions;

    @Test
    void afterTheLimitNewSessionsAreRefusedAndTheInstanceAsksToBeReplacedOnceDrained() throws Exception {
        try (PeerFactory peers = new PeerFactory()) {
            PeerConnectionFactory factory = peers.get();
            given().get("/q/health/ready").then().statusCode(200);
            try (WhipClient a = new WhipClient(factory, false); WhipClient b = new WhipClient(factory, false);
                 WhipClient c = new WhipClient(factory, false)) {
                assertEquals(201, a.connect(whip + "?pipeline=vad", null, "127.0.0.1", Duration.ofSeconds(10)));
                assertEquals(201, b.connect(whip + "?pipeline=vad", null, "127.0.0.1", Duration.ofSeconds(10)));
                assertEquals(503, c.connect(whip + "?pipeline=vad", null, "127.0.0.1", Duration.ofSeconds(10)));
                given().get("/q/health/ready").then().statusCode(503).body(containsString("recycle-after-sessions reached"));
                given().get("/q/health/live").then().statusCode(200); // the two sessions go on
                assertEquals(2, sessions.count());
                a.delete();
                b.delete();
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (sessions.count() > 0 && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(0, sessions.count());
            given().get("/q/health/live").then().statusCode(503).body(containsString("\"open_sessions\": 0"));
            assertTrue(sessions.recycling());
        }
    }
}
