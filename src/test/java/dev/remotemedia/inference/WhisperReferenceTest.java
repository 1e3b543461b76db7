package dev.remotemedia.inference;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.remotemedia.audio.Wav;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * WhisperModel against Hugging Face transformers on a real-architecture Whisper (random weights,
 * tiny sizes) exported with the merged decoder's interface: the same tokens as transformers' greedy
 * generate() for the same audio — front end, encoder, KV-cache loop, suppression and batching
 * together. The model and the expected tokens come from
 * src/test/resources/whisper-reference/make_tiny_whisper.py.
 */
class WhisperReferenceTest {
    @Test
    void greedyTokensEqualTransformersGenerate() throws Exception {
        Path root = Path.of(getClass().getResource("/whisper-reference").toURI());
        JsonNode expected = new ObjectMapper().readTree(root.resolve("tiny-whisper/expected.json").toFile()).path("expected");
        float[] speech = Wav.read(root.resolve("speech.wav")).mono();
        try (WhisperModel m = WhisperModel.load(root.resolve("tiny-whisper"), "cpu", 1)) {
            List<WhisperModel.Transcript> out = m.transcribe(List.of(speech, new float[16000]), null, "transcribe", 20);
            for (int i = 0; i < 2; i++) {
                List<Integer> want = new ArrayList<>();
                expected.get(i).path("tokens").forEach(t -> want.add(t.asInt()));
                assertEquals(want, out.get(i).tokenIds(), "window " + i);
            }
            // one at a time gives the same as in a batch
            assertEquals(out.get(0).tokenIds(), m.transcribe(List.of(speech), null, "transcribe", 20).get(0).tokenIds());
        }
    }
}
