package dev.remotemedia.rest;

import dev.remotemedia.audio.Wav;
import dev.remotemedia.testing.FreeGrpcPort;
import dev.remotemedia.testing.Signals;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** POST /pipeline: the one-shot HTTP path (the Lambda packaging serves the same resource). */
@QuarkusTest
@QuarkusTestResource(FreeGrpcPort.class)
class PipelineResourceTest {
    static String wav(float[] samples, int rate) {
        return Base64.getEncoder().encodeToString(Wav.pcm16(samples, rate, 1));
    }

    @Test
    void runsAnInlineManifestOverAWav() {
        String body = "{\"manifest\":{\"version\":\"v1\",\"nodes\":[{\"id\":\"stats\",\"node_type\":\"AudioStats\","
                + "\"params\":{\"apply_to\":\"audio\",\"pass_through\":false}}]},\"frame_ms\":100,"
                + "\"audio_wav_base64\":\"" + wav(Signals.sine(440, 16000, 0.5, 0.5), 16000) + "\"}";
        given().contentType("application/json").body(body).post("/pipeline").then().statusCode(200)
                .body("events", hasSize(5))
                .body("events[0].type", equalTo("result"))
                .body("events[0].duration_ms", equalTo(100.0f));
    }

    @Test
    void reportsManifestErrorsAndBadAudio() {
        given().contentType("application/json").body("{\"manifest\":{\"version\":\"v1\",\"nodes\":[{\"id\":\"x\",\"node_type\":\"AudioStats\","
                + "\"params\":{\"apply_to\":\"all\"}}]},\"audio_wav_base64\":\"\"}").post("/pipeline").then().statusCode(400)
                .body("error", equalTo("ManifestInvalid")).body(containsString("params.apply_to: must be one of segment, audio"));
        given().contentType("application/json").body("{\"pipeline\":\"stats\",\"audio_wav_base64\":\"bm90IGEgd2F2\"}")
                .post("/pipeline").then().statusCode(400).body("message", containsString("not a WAV file"));
        given().contentType("application/json").body("{\"pipeline\":\"stats\",\"audio_wav_base64\":\"***\"}")
                .post("/pipeline").then().statusCode(400).body("message", containsString("not valid base64"));
        given().contentType("application/json").body("{\"audio_wav_base64\":\"\"}")
                .post("/pipeline").then().statusCode(400).body("message", containsString("exactly one of"));
    }
}
